import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'
import { denoBinary } from '../../examples/deno-deploy/run-deno.mjs'

// The built packages as their users' tools see them (run after `pnpm build`): a `// @ts-check`
// page script typed by @horde-model-reference/browser/global, and Deno type-checking an import of
// the built core file through its `@ts-self-types` comment.
const root = fileURLToPath(new URL('../..', import.meta.url))
const scratch: string[] = []
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
})

/** The diagnostics of `tsc --checkJs --noEmit` over one page script (resolved from the workspace's node_modules). */
function checkPageScript(source: string): string[] {
  const cache = join(root, 'node_modules/.cache')
  mkdirSync(cache, { recursive: true })
  const dir = mkdtempSync(join(cache, 'hmr-global-'))
  scratch.push(dir)
  const file = join(dir, 'page.js')
  writeFileSync(file, source)
  const program = ts.createProgram([file], {
    allowJs: true,
    checkJs: true,
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: false,
  })
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName === file ? 'page.js' : (d.file?.fileName ?? '')} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
}

const REFERENCE = '// @ts-check\n/// <reference types="@horde-model-reference/browser/global" />\n'
const USE = `const { createModelReferenceClient, createIndexedDbStorage, query } = HordeModelReference
const client = createModelReferenceClient({ storage: createIndexedDbStorage(), staleWhileRevalidate: true })
client.getModelReferenceResult('image_generation').then((result) => {
  /** @type {string[]} */
  const names = query(client, 'image_generation').search('albedo').limit(5).run(result).map((model) => model.name)
  return names
})
`

describe('@horde-model-reference/browser/global: the <script> global for // @ts-check page scripts', () => {
  it('types a correct page script with no error', () => {
    expect(checkPageScript(REFERENCE + USE)).toEqual([])
  })

  it('fails a page script with a wrong option type and a misspelled export, naming them', () => {
    const errors = checkPageScript(`${REFERENCE}HordeModelReference.createModelReferenceClient({ ttlSeconds: 'soon' })\nHordeModelReference.createModelRefrenceClient()\n`)
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatch(/^page\.js TS2322: Type 'string' is not assignable to type 'number'/)
    expect(errors[1]).toMatch(/^page\.js TS2551: Property 'createModelRefrenceClient' does not exist .*Did you mean 'createModelReferenceClient'/s)
  })

  it('knows no HordeModelReference without the reference (the types come from ./global)', () => {
    const errors = checkPageScript(`// @ts-check\n${USE}`)
    expect(errors[0]).toMatch(/^page\.js TS2304: Cannot find name 'HordeModelReference'/)
    // Without the global's types the callbacks' parameters are untyped too.
    expect(errors.slice(1).every((error) => error.includes('TS7006'))).toBe(true)
  })
})

/**
 * `deno check` of one file in a scratch folder of a package (beside its dist/), with its exit code
 * and output. ky, valibot and the core, which the built files import bare, come from the package's
 * node_modules as pnpm left them (`--node-modules-dir=manual` with the package's package.json); no
 * npm registry, no remote modules.
 */
function denoCheck(pkg: string, source: string, flags: string[] = []): Promise<{ code: number | null; output: string }> {
  const dir = mkdtempSync(join(root, pkg, '.deno-check-'))
  scratch.push(dir)
  writeFileSync(join(dir, 'check.ts'), source)
  const args = ['check', '--no-lock', '--no-remote', '--node-modules-dir=manual', ...flags, 'check.ts']
  return new Promise((resolve) => {
    execFile(denoBinary(), args, { cwd: dir, timeout: 60_000, env: { ...process.env, NO_COLOR: '1', DENO_DIR: join(dir, 'deno-dir') } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, output: `${stdout}${stderr}` })
    })
  })
}

// The core's declarations are tsc's, one per module, importing each other as './x.js'. Deno
// follows that literally for files imported by path: each built module is a file of its own,
// beside its declaration, and names it in its @ts-self-types comment. No sloppy imports.

describe('@horde-model-reference/browser/script loaded as a module', () => {
  it('defines the HordeModelReference global its types promise, and is kept by bundlers (sideEffects)', async () => {
    const manifest = JSON.parse(readFileSync(join(root, 'packages/browser/package.json'), 'utf8')) as { exports: Record<string, { default?: string }>; sideEffects: unknown }
    const script = manifest.exports['./script']?.default
    expect(script).toBe('./dist/horde-model-reference.iife.js')
    expect(manifest.sideEffects).toEqual([script])
    const global = globalThis as { HordeModelReference?: { createModelReferenceClient?: unknown } }
    expect(global.HordeModelReference).toBeUndefined()
    try {
      // In a module the bundle's top-level `var` is local: the global comes from its footer.
      await import(join(root, 'packages/browser', script!))
      expect(typeof global.HordeModelReference?.createModelReferenceClient).toBe('function')
    } finally {
      delete global.HordeModelReference
    }
  })
})

describe("Deno reads the built core file's types through @ts-self-types", () => {
  it('passes a correct import of ../dist/index.js and ../dist/query/index.js', async () => {
    const { code, output } = await denoCheck('packages/core', `import { createModelReferenceClient, MODEL_REFERENCE_CATEGORY } from '../dist/index.js'
import { query } from '../dist/query/index.js'
const client = createModelReferenceClient({ ttlSeconds: 60, primaryUrl: null })
const models = await client.getModelReference(MODEL_REFERENCE_CATEGORY.image_generation)
const baselines: string[] = Object.values(models).map((model) => model.baseline)
const names: string[] = query(client, 'text_generation').limit(1).run({}).map((model) => model.name)
console.log(baselines.length, names.length)
`)
    expect(output).toContain('Check')
    expect(output).not.toMatch(/TS\d+/)
    expect(code).toBe(0)
  }, 90_000)

  it('fails deliberate type errors, naming them', async () => {
    const { code, output } = await denoCheck('packages/core', `import { createModelReferenceClient } from '../dist/index.js'
import { query } from '../dist/query/index.js'
const client = createModelReferenceClient({ ttlSeconds: 'soon' })
const names: number[] = query(client, 'text_generation').run({}).map((model) => model.name)
console.log(names)
`)
    expect(code).not.toBe(0)
    expect(output).toMatch(/TS2322 \[ERROR\]: Type 'string' is not assignable to type 'number'\.[\s\S]*ttlSeconds: 'soon'[\s\S]*check\.ts:3:/)
    expect(output).toMatch(/TS2322 \[ERROR\]: Type 'string\[\]' is not assignable to type 'number\[\]'[\s\S]*check\.ts:4:/)
    expect(output).toContain('Found 2 errors')
  }, 90_000)

  it('types the browser package the same way (its declarations re-export the core by name)', async () => {
    const good = await denoCheck('packages/browser', `import { createModelReferenceClient, query } from '../dist/index.js'
const client = createModelReferenceClient({ primaryUrl: null })
const names: string[] = query(client, 'image_generation').run({}).map((model) => model.name)
console.log(names)
`)
    expect(good.output).not.toMatch(/TS\d+/)
    expect(good.code).toBe(0)
    const bad = await denoCheck('packages/browser', `import { createModelReferenceClient } from '../dist/index.js'
createModelReferenceClient({ retries: 'twice' })
`)
    expect(bad.code).not.toBe(0)
    expect(bad.output).toMatch(/TS2322 \[ERROR\]: Type 'string' is not assignable to type 'number'\.[\s\S]*retries: 'twice'[\s\S]*check\.ts:2:/)
  }, 90_000)
})
