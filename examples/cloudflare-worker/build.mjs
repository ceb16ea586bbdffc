// Bundles the Worker into dist/worker.js (the SDK, ky and valibot included), as wrangler would.
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const here = fileURLToPath(new URL('.', import.meta.url))
await build({
  configFile: false,
  root: here,
  logLevel: 'warn',
  resolve: { conditions: ['workerd', 'worker', 'browser', 'import', 'default'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    minify: false,
    target: 'es2022',
    // One file: the SDK's lazily loaded GitHub converters are inlined, as wrangler's esbuild does.
    rolldownOptions: { output: { inlineDynamicImports: true } },
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'worker.js' },
  },
})
console.log('built dist/worker.js')
