import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { typeScriptBlocks } from '../publish/snippets.js'
import { readmes, ROOT as root, workspacePackages } from '../publish/workspace.js'

// Every TypeScript (and TSX) block in the README, and in the README.md of every published package
// (a workspace package under packages/ or examples/ that is not private), must compile against the
// built packages, as a user would import them, so that the documentation cannot drift from the API.
// readmes() starts with the root README.
const [rootReadme, ...packageTexts] = readmes()
const blocks = typeScriptBlocks(rootReadme![1], 'README.md')
// Every published package's README, whether or not it exists (one missing fails below).
const packageReadmes = workspacePackages().map((pkg) => `${pkg.dir}/README.md`)
const packageBlocks = packageTexts.flatMap(([file, text]) => typeScriptBlocks(text, file))

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
