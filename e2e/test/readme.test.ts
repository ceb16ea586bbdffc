import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

// Every TypeScript (and TSX) block in the README, and in the README.md of every published package
// (a workspace package under packages/ or examples/ that is not private), must compile against the
// built packages, as a user would import them, so that the documentation cannot drift from the API.
const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const blocksOf = (text: string, from: string) => [...text.matchAll(/```(tsx?)\n([\s\S]*?)```/g)].map((match) => ({ extension: match[1]!, code: match[2]!, from }))
const blocks = blocksOf(readme, 'README.md')
const packageReadmes = ['packages', 'examples'].flatMap((parent) =>
  readdirSync(join(root, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json')))
    .filter((entry) => (JSON.parse(readFileSync(join(root, parent, entry.name, 'package.json'), 'utf8')) as { private?: boolean }).private !== true)
    .map((entry) => `${parent}/${entry.name}/README.md`),
)
const packageBlocks = packageReadmes.flatMap((file) => (existsSync(join(root, file)) ? blocksOf(readFileSync(join(root, file), 'utf8'), file) : []))

describe('README code', () => {
  it('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5)
    expect(blocks.some((block) => block.extension === 'tsx')).toBe(true)
  })

  it('every published package has a README with a TypeScript example', () => {
    expect(packageReadmes.length).toBeGreaterThanOrEqual(6)
    for (const file of packageReadmes) expect(packageBlocks.some((block) => block.from === file), file).toBe(true)
  })

  it('every TypeScript block type-checks against the packages', () => {
    // Inside the repository, so that the workspace packages resolve from its node_modules.
    const dir = join(root, 'node_modules/.cache/readme-snippets')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const files = [...blocks, ...packageBlocks].map(({ extension, code, from }, index) => {
      const file = join(dir, `snippet-${index + 1}-${from.replace(/\/README\.md$|\.md$/, '').replace(/\//g, '-')}.${extension}`)
      // Each block is its own module (top-level await is allowed in ES modules).
      writeFileSync(file, `${code}\nexport {}\n`)
      return file
    })
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      jsx: ts.JsxEmit.ReactJSX,
      types: [],
    })
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName.split('/').pop()}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : ''
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
    })
    expect(problems).toEqual([])
  })
})
