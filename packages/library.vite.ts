import { defineConfig, type UserConfig } from 'vite'

/**
 * The build every package shares: Vite library mode, one ES module with a source map, its
 * dependencies left external so that apps share one copy. Types come from `tsc` afterwards.
 */
export function libraryConfig(external: string[], entry = 'src/index.ts', fileName = 'index.js'): UserConfig {
  return defineConfig({
    build: {
      target: 'es2022',
      minify: false,
      sourcemap: true,
      lib: { entry, formats: ['es'], fileName: () => fileName },
      rolldownOptions: { external },
    },
  })
}
