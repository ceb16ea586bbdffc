import { relative, resolve } from 'node:path'
import { defineConfig, type Plugin, type UserConfig } from 'vite'

/**
 * The `/* @ts-self-types="./<entry>.d.ts" *\/` comment that starts an entry file, so that Deno,
 * importing the built file itself, reads its types from the declaration `tsc` writes for the
 * entry's source (`src/query/index.ts` → `./query/index.d.ts`, beside `query.js`). Shared chunks
 * get none. `root` is the package folder.
 */
export function selfTypesBanner(root: string): (chunk: { isEntry: boolean; facadeModuleId: string | null; fileName: string }) => string {
  const src = resolve(root, 'src')
  return (chunk) => {
    if (!chunk.isEntry || chunk.facadeModuleId === null) return ''
    const source = relative(src, chunk.facadeModuleId).split('\\').join('/')
    if (source.startsWith('..') || !/\.tsx?$/.test(source)) return ''
    // Declarations sit where the sources do under dist/, and the entry files at dist/'s top.
    const up = chunk.fileName.split('/').length - 1
    const types = `${up === 0 ? './' : '../'.repeat(up)}${source.replace(/\.tsx?$/, '.d.ts')}`
    return `/* @ts-self-types="${types}" */`
  }
}

/**
 * Writes {@link selfTypesBanner}'s comment as the first line of every entry file (the second after
 * a `#!` line), re-export-only facades included (Rolldown's `output.banner` skips those), and moves
 * its source map down a line.
 */
export function selfTypesPlugin(root: string): Plugin {
  const banner = selfTypesBanner(root)
  return {
    name: 'horde-model-reference:ts-self-types',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue
        const comment = banner(chunk)
        if (comment === '') continue
        // After a `#!` line (a command's entry), which must stay the file's first line.
        const shebang = chunk.code.startsWith('#!') ? chunk.code.indexOf('\n') + 1 : 0
        chunk.code = `${chunk.code.slice(0, shebang)}${comment}\n${chunk.code.slice(shebang)}`
        const at = shebang === 0 ? 0 : 1
        const shift = (mappings: string): string => {
          const lines = mappings.split(';')
          lines.splice(at, 0, '')
          return lines.join(';')
        }
        // The source map: Rolldown has already emitted it as an asset, which is what gets written.
        const map = bundle[`${chunk.fileName}.map`]
        if (map?.type === 'asset' && typeof map.source === 'string') {
          const json = JSON.parse(map.source) as { mappings: string }
          json.mappings = shift(json.mappings)
          map.source = JSON.stringify(json)
        } else if (chunk.map) chunk.map.mappings = shift(chunk.map.mappings)
      }
    },
  }
}

/**
 * The build every package shares: Vite library mode, ES modules with source maps, dependencies
 * left external so that apps share one copy. Several entries (`{ name: path }`) share their
 * common code through chunks, and a dynamic `import()` stays a chunk of its own, loaded only when
 * it runs. Each entry file starts with its `@ts-self-types` comment (Deno's types). Types come
 * from `tsc` afterwards.
 */
export function libraryConfig(external: (string | RegExp)[], entry: string | Record<string, string> = 'src/index.ts', fileName = 'index.js'): UserConfig {
  return defineConfig({
    plugins: [selfTypesPlugin(process.cwd())],
    build: {
      target: 'es2022',
      minify: false,
      sourcemap: true,
      lib: { entry, formats: ['es'], fileName: typeof entry === 'string' ? () => fileName : (_format, name) => `${name}.js` },
      rolldownOptions: { external, output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
    },
  })
}
