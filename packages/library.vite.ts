import { defineConfig, type UserConfig } from 'vite'

/**
 * The build every package shares: Vite library mode, one ES module with a source map, its
 * dependencies left external so that apps share one copy. Types come from `tsc` afterwards.
 */
export function libraryConfig(external: string[]): UserConfig {
  return defineConfig({
    build: {
      target: 'es2022',
      minify: false,
      sourcemap: true,
      lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'index.js' },
      rolldownOptions: { external },
    },
  })
}
