import { defineConfig } from 'vite'

// Library mode, ESM only. ky and valibot stay external so that apps share one copy.
export default defineConfig({
  build: {
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'index.js' },
    rolldownOptions: { external: ['ky', 'valibot'] },
  },
})
