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

  it('in its build, which imports only ky, valibot and its own modules', () => {
    const built = files(join(packageDir, 'dist')).filter((file) => file.endsWith('.js'))
    expect(built.length).toBeGreaterThan(7)
    for (const file of built) {
      const code = readFileSync(file, 'utf8')
      expect(NODE_APIS.test(code), file).toBe(false)
      expect(code, file).not.toMatch(/\beval\(|new Function\(/)
      const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!)
      expect(imports.filter((specifier) => !['ky', 'valibot'].includes(specifier) && !specifier.startsWith('./') && !specifier.startsWith('../')), file).toEqual([])
    }
  })

  it('loads the GitHub converters, providers\' reads and the server\'s metadata only when first used (dynamic imports)', () => {
    // Every source module is a built file of its own: follow index.js's static imports.
    const imports = (file: string, pattern: RegExp): string[] => [...readFileSync(join(packageDir, 'dist', file), 'utf8').matchAll(pattern)].map((m) => join(file, '..', m[1]!))
    const upFront = new Set<string>()
    const pending = ['index.js']
    while (pending.length > 0) {
      const file = pending.pop()!
      if (upFront.has(file)) continue
      upFront.add(file)
      pending.push(...imports(file, /^(?:import|export) .* from "(\.\.?\/[^"]+)";$/gm))
    }
    const lazy = new Set([...upFront].flatMap((file) => imports(file, /\bimport\("(\.\.?\/[^"]+)"\)/g)))
    expect([...lazy].sort()).toEqual(['convert/github.js', 'providers/reader.js', 'search/matcher.js', 'server-metadata.js'])
    for (const file of lazy) expect(upFront.has(file), `${file} is imported up front too`).toBe(false)
    // Nothing index.js loads up front holds the CSV parser or the legacy converter.
    for (const file of upFront) expect(readFileSync(join(packageDir, 'dist', file), 'utf8'), file).not.toMatch(/function (convertTextCsv|convertLegacyJson|parseCsv|readSelected|loadProvider|mergeParts|getModelCategories|lastUpdated|suggestNames)\b/)
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
      const { exports } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports: Record<string, string | { default: string }> }
      const entries = Object.values(exports).flatMap((target) => (typeof target === 'string' ? [] : [target.default]))
      expect(entries.length).toBeGreaterThan(10)
      for (const entry of entries) await import(join(packageDir, entry) + '?fresh')
    } finally {
      globalThis.fetch = realFetch
      globalThis.setTimeout = realSetTimeout
    }
    expect(calls).toEqual([])
  })
})
