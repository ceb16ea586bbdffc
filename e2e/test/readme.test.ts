import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

// Every TypeScript (and TSX) block in the README must compile against the built packages, as a user
// would import them, so that the documentation cannot drift from the API.
const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/```(tsx?)\n([\s\S]*?)```/g)].map((match) => ({ extension: match[1]!, code: match[2]! }))

describe('README code', () => {
  it('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5)
    expect(blocks.some((block) => block.extension === 'tsx')).toBe(true)
  })

  it('every TypeScript block type-checks against the packages', () => {
    // Inside the repository, so that the workspace packages resolve from its node_modules.
    const dir = join(root, 'node_modules/.cache/readme-snippets')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const files = blocks.map(({ extension, code }, index) => {
      const file = join(dir, `snippet-${index + 1}.${extension}`)
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
