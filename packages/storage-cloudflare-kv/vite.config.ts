import { defineConfig } from 'vite'

// Library mode, ESM only. The core is only imported for types.
export default defineConfig({
  build: {
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'index.js' },
    rolldownOptions: { external: ['@horde-model-reference/core'] },
  },
})
