import { defineConfig, type UserConfig } from 'vite'

/**
 * The build every package shares: Vite library mode, ES modules with source maps, dependencies
 * left external so that apps share one copy. Several entries (`{ name: path }`) share their
 * common code through chunks, and a dynamic `import()` stays a chunk of its own, loaded only when
 * it runs. Types come from `tsc` afterwards.
 */
export function libraryConfig(external: (string | RegExp)[], entry: string | Record<string, string> = 'src/index.ts', fileName = 'index.js'): UserConfig {
  return defineConfig({
    build: {
      target: 'es2022',
      minify: false,
      sourcemap: true,
      lib: { entry, formats: ['es'], fileName: typeof entry === 'string' ? () => fileName : (_format, name) => `${name}.js` },
      rolldownOptions: { external, output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
    },
  })
}
