import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'
import { useLoopbackServer } from '../hooks.js'
import { README_HORDE_API } from '../readme/horde-api.js'

// Every TypeScript block of the README that is followed by a `text` block is an example with its
// output: it is run, as written, with Node against the built packages (each in a process of its
// own), and what it prints must be the text block. The default URLs are sent to the loopback
// reference server (`readme/redirect.mjs`), whose AI Horde imitation answers `README_HORDE_API`.
const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const examples = [...readme.matchAll(/```ts\n((?:(?!```)[\s\S])*)```\n+```text\n((?:(?!```)[\s\S])*)```/g)].map((match) => ({
  code: match[1]!,
  output: match[2]!,
  line: readme.slice(0, match.index).split('\n').length,
  // Where the output block's text starts and ends in the README.
  start: match.index + match[0].length - 3 - match[2]!.length,
}))
// `UPDATE_README_OUTPUT=1 pnpm vitest run e2e/test/readme-examples.test.ts` writes what each
// example printed into its text block instead of comparing (then read the diff before committing).
const update = process.env.UPDATE_README_OUTPUT === '1'
const printed = new Map<number, string>()
const run = promisify(execFile)

describe('README examples', () => {
  const loopback = useLoopbackServer()
  afterAll(() => {
    if (!update) return
    let text = readme
    for (const example of [...examples].reverse()) {
      const stdout = printed.get(example.line)
      if (stdout !== undefined) text = text.slice(0, example.start) + stdout + text.slice(example.start + example.output.length)
    }
    writeFileSync(join(root, 'README.md'), text)
  })
  const dir = join(root, 'node_modules/.cache/readme-examples')

  it('are there: one per feature at least', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8)
  })

  it.each(examples.map((example) => [example.line, example] as const))('the example at README.md:%i prints what the README says', async (line, { code, output }) => {
    mkdirSync(dir, { recursive: true })
    const { server } = loopback
    server.setHordeApi(README_HORDE_API)
    const file = join(dir, `example-${line}.mjs`)
    writeFileSync(file, ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText)
    try {
      const { stdout } = await run(process.execPath, ['--import', join(root, 'e2e/readme/redirect.mjs'), file], {
        cwd: root,
        timeout: 15_000,
        env: { ...process.env, README_PRIMARY_URL: server.primaryUrl, README_GITHUB_URL: server.githubUrl, README_HORDE_API_URL: server.hordeApiUrl, NO_COLOR: '1' },
      })
      if (update) printed.set(line, stdout)
      else expect(stdout).toBe(output)
    } finally {
      rmSync(file, { force: true })
    }
  })
})
