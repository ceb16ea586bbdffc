import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

// A plain .mjs script (kept out of the type-check), loaded by URL.
const script = new URL('../../scripts/check-packages.mjs', import.meta.url).href
const { tarballProblems } = (await import(script)) as { tarballProblems: (dir: string, unpacked: string, files: string[]) => string[] }

const scratch: string[] = []
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
})

/** An unpacked tarball with these files (and a manifest exporting dist/index.js), and its problems about Deno's types. */
function denoProblems(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'hmr-check-'))
  scratch.push(dir)
  const all: Record<string, string> = {
    'package.json': JSON.stringify({ name: '@horde-model-reference/x', type: 'module', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } }),
    ...files,
  }
  for (const [file, text] of Object.entries(all)) {
    // As `pnpm pack` writes it: everything under package/.
    mkdirSync(dirname(join(dir, 'package', file)), { recursive: true })
    writeFileSync(join(dir, 'package', file), text)
  }
  const problems = tarballProblems('packages/x', dir, Object.keys(all))
  return problems.filter((problem) => /ts-self-types|imports/.test(problem))
}

describe('pnpm check:packages: every built module is typed for Deno', () => {
  it('accepts modules that name their declarations, and declarations importing shipped modules', () => {
    expect(denoProblems({
      'dist/index.js': '/* @ts-self-types="./index.d.ts" */\nexport { a } from "./a/b.js";\n',
      'dist/index.d.ts': "export { a } from './a/b.js';\nexport type { T } from './types.js';\n",
      'dist/a/b.js': '/* @ts-self-types="./b.d.ts" */\nexport const a = 1;\n',
      'dist/a/b.d.ts': "export declare const a: number;\nexport type U = import('../types.js').T;\n",
      'dist/types.js': '/* @ts-self-types="./types.d.ts" */\nexport {}\n',
      'dist/types.d.ts': 'export type T = string;\n',
      'dist/bin.js': '#!/usr/bin/env node\n/* @ts-self-types="./index.d.ts" */\n',
    })).toEqual([])
  })

  it('reports a module without the comment, a comment naming a missing declaration, and imports Deno could not follow', () => {
    expect(denoProblems({
      'dist/index.js': '/* @ts-self-types="./index.d.ts" */\n',
      'dist/index.d.ts': "export { a } from './a.js';\nexport { b } from './b';\nexport type T = import('./gone.js').T;\n",
      'dist/a.js': 'export const a = 1;\n',
      'dist/a.d.ts': 'export declare const a: number;\n',
      'dist/c.js': '/* @ts-self-types="./c.d.ts" */\n',
    })).toEqual([
      'dist/a.js does not start with a /* @ts-self-types="…" */ comment (Deno would read it untyped)',
      "dist/c.js's @ts-self-types names ./c.d.ts, which is not in the tarball",
      'dist/index.d.ts imports ./b, not a .js file (Deno and node16 need the extension)',
      'dist/index.d.ts imports ./gone.js, but dist/gone.js is not in the tarball (Deno would not find its types)',
    ])
  })
})
