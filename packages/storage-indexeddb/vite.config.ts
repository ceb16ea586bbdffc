import { defineConfig } from 'vite'

// Library mode, ESM only. idb-keyval stays external; the core is only imported for types.
export default defineConfig({
  build: {
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'index.js' },
    rolldownOptions: { external: ['idb-keyval', '@horde-model-reference/core'] },
  },
})
