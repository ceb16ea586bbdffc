import { defineConfig } from 'vite'

// The <script> bundle: everything (core, IndexedDB adapter, ky, valibot, idb-keyval) in one
// minified file that defines the global `HordeModelReference`.
export default defineConfig({
  build: {
    target: 'es2022',
    minify: true,
    sourcemap: true,
    emptyOutDir: false,
    lib: { entry: 'src/index.ts', formats: ['iife'], name: 'HordeModelReference', fileName: () => 'horde-model-reference.iife.js' },
    rolldownOptions: {
      // A classic script's top-level `var` is already the global; a bundler or Node that loads
      // the file as a module (`import '@horde-model-reference/browser/script'`) keeps it local,
      // so the global is also set explicitly, as its types (`./global`) promise.
      output: { footer: 'globalThis.HordeModelReference = HordeModelReference;' },
    },
  },
})
