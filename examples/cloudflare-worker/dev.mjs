// Runs dist/worker.js in workerd (through miniflare) with a local KV namespace persisted in
// .kv-state, on http://127.0.0.1:8787 (PORT overrides). PRIMARY_URL, GITHUB_URL and
// TTL_SECONDS from the environment are passed to the Worker as vars.
import { fileURLToPath } from 'node:url'
import { Miniflare } from 'miniflare'

const here = fileURLToPath(new URL('.', import.meta.url))
const port = Number(process.env.PORT ?? 8787)
const bindings = Object.fromEntries(['PRIMARY_URL', 'GITHUB_URL', 'TTL_SECONDS'].filter((k) => process.env[k]).map((k) => [k, process.env[k]]))
const mf = new Miniflare({
  modules: true,
  scriptPath: `${here}dist/worker.js`,
  modulesRoot: `${here}dist`,
  compatibilityDate: '2025-09-01',
  kvNamespaces: ['MODEL_REFERENCE'],
  kvPersist: `${here}.kv-state`,
  bindings,
  host: '127.0.0.1',
  port,
})
const url = await mf.ready
console.log(`Model reference mirror on ${url}api/model_references/v2/image_generation (Ctrl-C stops it)`)
process.on('SIGINT', () => mf.dispose().then(() => process.exit(0)))
