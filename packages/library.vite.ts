import { readdirSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { defineConfig, type Plugin, type UserConfig } from 'vite'

/**
 * The `/* @ts-self-types="./<module>.d.ts" *\/` comment that starts a built file, so that Deno,
 * importing the built file itself (by path or URL, not through npm), reads its types from the
 * declaration `tsc` writes for the same source module. Every source module is a file of its own
 * under `dist/` (`src/query/builder.ts` → `dist/query/builder.js`, beside
 * `dist/query/builder.d.ts`), so the declarations' own `./x.js` imports also find a typed file.
 * Files that are not a source module (Rolldown's helpers) get none. `root` is the package folder.
 */
export function selfTypesBanner(root: string): (chunk: { facadeModuleId: string | null; fileName: string }) => string {
  const src = resolve(root, 'src')
  return (chunk) => {
    if (chunk.facadeModuleId === null) return ''
    const source = relative(src, chunk.facadeModuleId).split('\\').join('/')
    if (source.startsWith('..') || !/\.tsx?$/.test(source) || /\.d\.tsx?$/.test(source)) return ''
    const declaration = source.replace(/\.tsx?$/, '.d.ts')
    if (chunk.fileName !== source.replace(/\.tsx?$/, '.js')) return ''
    return `/* @ts-self-types="./${declaration.split('/').pop()}" */`
  }
}

/** Every TypeScript source under `src` (declarations aside), as paths relative to it: what `tsc` writes a `.d.ts` for. */
function sourceModules(src: string): string[] {
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .map((path) => path.split('\\').join('/'))
    .filter((path) => /\.tsx?$/.test(path) && !/\.d\.tsx?$/.test(path))
    .sort()
}

/**
 * Writes {@link selfTypesBanner}'s comment as the first line of every built module (the second
 * after a `#!` line), re-export-only ones included (Rolldown's `output.banner` skips those), and
 * moves its source map down a line.
 */
export function selfTypesPlugin(root: string): Plugin {
  const banner = selfTypesBanner(root)
  return {
    name: 'horde-model-reference:ts-self-types',
    apply: 'build',
    generateBundle(_options, bundle) {
      // A module of types only builds to no code, but `tsc` writes its declaration, which others
      // import as './x.js': it gets a file too, empty as tsc would write it, naming its types.
      for (const source of sourceModules(resolve(root, 'src'))) {
        const fileName = source.replace(/\.tsx?$/, '.js')
        if (fileName in bundle) continue
        const declaration = source.replace(/\.tsx?$/, '.d.ts').split('/').pop() ?? ''
        this.emitFile({ type: 'asset', fileName, source: `/* @ts-self-types="./${declaration}" */\nexport {}\n` })
      }
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
 * left external so that apps share one copy. Every source module stays a file of its own under
 * `dist/`, at its path under `src/` (an entry `src/query/index.ts` is `dist/query/index.js`), so
 * that each `.js` sits beside the `.d.ts` that `tsc` writes for it afterwards and carries its
 * `@ts-self-types` comment (Deno's types); bundlers still tree-shake across them, and a dynamic
 * `import()` is still loaded only when it runs. `entry` is one source file or several
 * (`{ name: path }`; the names only label the build, the files are named after their sources).
 */
export function libraryConfig(external: (string | RegExp)[], entry: string | Record<string, string> = 'src/index.ts'): UserConfig {
  const entries = typeof entry === 'string' ? [entry] : Object.values(entry)
  return defineConfig({
    plugins: [selfTypesPlugin(process.cwd())],
    build: {
      target: 'es2022',
      minify: false,
      sourcemap: true,
      lib: { entry: entries, formats: ['es'] },
      rolldownOptions: {
        external,
        output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
      },
    },
  })
}
