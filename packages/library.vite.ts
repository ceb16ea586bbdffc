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
 * Writes {@link selfTypesBanner}'s comment as the first line of every entry file, re-export-only
 * facades included (Rolldown's `output.banner` skips those), and moves its source map down a line.
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
        chunk.code = `${comment}\n${chunk.code}`
        if (chunk.map) chunk.map.mappings = `;${chunk.map.mappings}`
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
