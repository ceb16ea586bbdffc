import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const packageDir = fileURLToPath(new URL('..', import.meta.url))

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

// The core must run unchanged in browsers, Workers and Deno: no Node built-ins anywhere.
const NODE_APIS = /from\s+['"]node:|\brequire\(|\bprocess\.|\bBuffer\b|__dirname|__filename|\bglobal\./

describe('core has no Node APIs', () => {
  it('in its sources', () => {
    const offenders = files(join(packageDir, 'src')).filter((file) => NODE_APIS.test(readFileSync(file, 'utf8')))
    expect(offenders).toEqual([])
  })

  it('in its build, which imports only ky and valibot', () => {
    const built = readFileSync(join(packageDir, 'dist/index.js'), 'utf8')
    expect(NODE_APIS.test(built)).toBe(false)
    const imports = [...built.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1])
    expect(new Set(imports)).toEqual(new Set(['ky', 'valibot']))
    expect(built).not.toMatch(/\beval\(|new Function\(/)
  })

  it('declares only ky and valibot as dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['ky', 'valibot'])
  })

  it('runs nothing at import time', async () => {
    const calls: string[] = []
    const realFetch = globalThis.fetch
    const realSetTimeout = globalThis.setTimeout
    globalThis.fetch = (() => calls.push('fetch')) as never
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => (calls.push('setTimeout'), realSetTimeout(...args))) as never
    try {
      await import(join(packageDir, 'dist/index.js') + '?fresh')
    } finally {
      globalThis.fetch = realFetch
      globalThis.setTimeout = realSetTimeout
    }
    expect(calls).toEqual([])
  })
})
