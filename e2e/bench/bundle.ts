import { brotliCompressSync, constants } from 'node:zlib'
import { build, type Plugin } from 'esbuild'

// What a first query loads, module by module: esbuild bundles the core's sources (the same
// modules Vite builds `dist/` from) the way size-limit bundles `dist/`, minified, with ky and
// valibot included. A dynamic `import()` (the GitHub converters, the providers' reader, the
// server's metadata) is left out unless asked for.

// Leaves out every dynamic import but those whose path matches `keep`.
const lazyChunksOut = (keep?: RegExp): Plugin => ({
  name: 'lazy chunks out',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' && !(keep?.test(args.path) ?? false) ? { path: args.path, external: true } : undefined))
  },
})

/** One module's share of a bundle. */
export interface BundleModule {
  /** `ky`, `valibot`, or a core source file such as `sources/loader.ts`. */
  readonly module: string
  /** Its bytes in the minified bundle. */
  readonly minified: number
}

/** A bundle's size and what it is made of. */
export interface BundleComposition {
  readonly minified: number
  readonly brotli: number
  readonly modules: readonly BundleModule[]
}

const brotli = (bytes: Uint8Array): number => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length

function moduleName(path: string): string {
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (dependency) return dependency[1]!
  return path.replace(/^.*packages\/core\/src\//, '')
}

// What ky does for the SDK, as a plain `fetch` call: `create(defaults).get(url, { signal, headers })`
// with ky's retry and timeout off. Used only to measure what the bundles would weigh without ky.
const KY_AS_FETCH = `export default { create: (defaults) => ({ get: (url, options) => defaults.fetch(new Request(url, options)) }) }`
const kyAsFetch: Plugin = {
  name: 'ky as fetch',
  setup(b) {
    b.onResolve({ filter: /^ky$/ }, () => ({ path: 'ky-as-fetch', namespace: 'ky-as-fetch' }))
    b.onLoad({ filter: /.*/, namespace: 'ky-as-fetch' }, () => ({ contents: KY_AS_FETCH, loader: 'js' }))
  },
}

/** Bundles `code` (resolved from the core's folder) and lists its modules, largest first. */
export async function composition(code: string, coreDir: string, options: { lazyChunks?: boolean | RegExp; withoutKy?: boolean } = {}): Promise<BundleComposition> {
  const result = await build({
    stdin: { contents: code, resolveDir: coreDir, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [...(options.lazyChunks === true ? [] : [lazyChunksOut(options.lazyChunks === false ? undefined : options.lazyChunks)]), ...(options.withoutKy === true ? [kyAsFetch] : [])],
  })
  const output = result.outputFiles[0]!.contents
  const [meta] = Object.values(result.metafile.outputs)
  const sizes = new Map<string, number>()
  for (const [path, input] of Object.entries(meta!.inputs)) {
    if (path.startsWith('<stdin>')) continue
    const name = moduleName(path)
    sizes.set(name, (sizes.get(name) ?? 0) + input.bytesInOutput)
  }
  const modules = [...sizes].map(([module, minified]) => ({ module, minified })).filter((m) => m.minified > 0).sort((a, b) => b.minified - a.minified)
  return { minified: output.length, brotli: brotli(output), modules }
}

/** The first query's composition as a Markdown table: each module's minified bytes and share. */
export function renderComposition(bundle: BundleComposition): string {
  const rows = bundle.modules.map((m) => `| ${m.module.includes('.ts') ? `\`${m.module}\`` : m.module} | ${m.minified} | ${((m.minified / bundle.minified) * 100).toFixed(1)} % |`)
  return ['| module | minified bytes | share |', '|---|---:|---:|', ...rows, `| **total** | **${bundle.minified}** (brotli ${bundle.brotli} B) | 100 % |`].join('\n')
}
