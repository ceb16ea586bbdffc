// Bundles main.ts into dist/main.js: one ES module with the SDK, ky and valibot, no imports
// left, so that Deno runs it with no npm or remote access (and no Node built-ins).
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const here = fileURLToPath(new URL('.', import.meta.url))
await build({
  configFile: false,
  root: here,
  logLevel: 'warn',
  resolve: { conditions: ['deno', 'browser', 'import', 'default'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    minify: false,
    target: 'es2022',
    // One file: the SDK's lazily loaded GitHub converters are inlined, as wrangler's esbuild does.
    rolldownOptions: { output: { inlineDynamicImports: true } },
    lib: { entry: 'main.ts', formats: ['es'], fileName: () => 'main.js' },
  },
})
console.log('built dist/main.js')
