import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

/** Bundles the test Worker (core, KV adapter, ky and valibot included) into one ES module, as wrangler would. */
export async function bundleTestWorker(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'hmr-worker-'))
  await build({
    configFile: false,
    logLevel: 'silent',
    resolve: { conditions: ['workerd', 'worker', 'browser', 'import', 'default'] },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
      // One module, as wrangler bundles it: the SDK's lazily loaded converters are inlined.
      rolldownOptions: { output: { inlineDynamicImports: true } },
      lib: { entry: fileURLToPath(new URL('./worker/model-reference-worker.ts', import.meta.url)), formats: ['es'], fileName: () => 'worker.js' },
    },
  })
  return join(outDir, 'worker.js')
}
