import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Miniflare } from 'miniflare'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createModelReferenceClient } from '@horde-model-reference/core'
import { startReferenceServer, type ReferenceServer } from '../reference-server.js'

// The Worker example as built by `pnpm build` (examples/cloudflare-worker/dist/worker.js), in
// workerd through miniflare, with a KV namespace persisted on disk between "isolates".
const script = fileURLToPath(new URL('../../examples/cloudflare-worker/dist/worker.js', import.meta.url))

describe('examples/cloudflare-worker in workerd', () => {
  let server: ReferenceServer
  const persist = mkdtempSync(join(tmpdir(), 'hmr-worker-kv-'))
  const running: Miniflare[] = []
  beforeAll(async () => {
    server = await startReferenceServer()
  })
  afterEach(async () => {
    await Promise.all(running.splice(0).map((mf) => mf.dispose()))
  })
  afterAll(() => server.close())

  function isolate(ttlSeconds: number, kvPersist = persist, extra: Record<string, string> = {}): Miniflare {
    const mf = new Miniflare({
      modules: true,
      scriptPath: script,
      modulesRoot: dirname(script),
      compatibilityDate: '2025-09-01',
      kvNamespaces: ['MODEL_REFERENCE'],
      kvPersist,
      bindings: { PRIMARY_URL: server.primaryUrl, GITHUB_URL: server.githubUrl, TTL_SECONDS: String(ttlSeconds), ...extra },
    })
    running.push(mf)
    return mf
  }

  const get = (mf: Miniflare, path: string, headers: Record<string, string> = {}) => mf.dispatchFetch(`http://mirror.test${path}`, { headers })

  it('serves a category like the primary, with CORS, Cache-Control, ETag and its freshness', async () => {
    const mf = isolate(300, mkdtempSync(join(tmpdir(), 'hmr-worker-kv-')))
    const response = await get(mf, '/api/model_references/v2/image_generation')
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/)
    expect(response.headers.get('x-model-reference-status')).toBe('fresh')
    expect(response.headers.get('x-model-reference-source')).toBe('primary')
    const etag = response.headers.get('etag')
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/)
    const models = (await response.json()) as Record<string, { baseline: string }>
    expect(Object.keys(models)).toHaveLength(161)
    expect(models['AlbedoBase XL (SDXL)']!.baseline).toBe('stable_diffusion_xl')

    const again = await get(mf, '/api/model_references/v2/image_generation', { 'if-none-match': etag! })
    expect(again.status).toBe(304)
    const preflight = await mf.dispatchFetch('http://mirror.test/api/model_references/v2/image_generation', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'client-agent' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-headers')).toBe('*')
    expect((await get(mf, '/api/model_references/v2/not_a_category')).status).toBe(404)
    expect(server.count('primary')).toBe(1)
  })

  it('a cold start over the same KV answers with no upstream request; with upstream down it serves the stale copy and says so', async () => {
    server.reset()
    const first = isolate(300)
    expect((await get(first, '/api/model_references/v2/controlnet')).status).toBe(200)
    const kv = (await first.getKVNamespace('MODEL_REFERENCE')) as unknown as { list(): Promise<{ keys: unknown[] }> }
    await vi.waitFor(async () => expect((await kv.list()).keys.length).toBeGreaterThan(0), { timeout: 5_000 })
    await first.dispose()
    running.splice(running.indexOf(first), 1)
    expect(server.requests).toHaveLength(1)

    server.reset()
    const cold = isolate(300)
    const warmFromKv = await get(cold, '/api/model_references/v2/controlnet')
    expect(warmFromKv.headers.get('x-model-reference-source')).toBe('storage')
    expect(warmFromKv.headers.get('x-model-reference-status')).toBe('fresh')
    expect(Object.keys((await warmFromKv.json()) as object)).toHaveLength(18)
    expect(server.requests).toHaveLength(0)
    await cold.dispose()
    running.splice(running.indexOf(cold), 1)

    server.primaryDown({ kind: 'status', status: 503 })
    server.githubDown({ kind: 'reset' })
    const down = isolate(0)
    const stale = await get(down, '/api/model_references/v2/controlnet')
    expect(stale.status).toBe(200)
    expect(stale.headers.get('x-model-reference-status')).toBe('stale')
    expect(stale.headers.get('cache-control')).toBe('no-cache')
    expect(Object.keys((await stale.json()) as object)).toHaveLength(18)
  })

  it('a cold isolate with an empty KV starts from a last-resort snapshot (SNAPSHOT), every upstream down', async () => {
    server.reset()
    const writer = createModelReferenceClient({ primaryUrl: server.primaryUrl, githubUrl: server.githubUrl })
    await writer.getModelReference('gfpgan')
    const snapshot = writer.dehydrate(['gfpgan'], { lastResort: true })
    writer.dispose()
    server.primaryDown({ kind: 'reset' })
    server.githubDown({ kind: 'reset' })
    try {
      const mf = isolate(300, mkdtempSync(join(tmpdir(), 'hmr-worker-kv-')), { SNAPSHOT: JSON.stringify(snapshot) })
      const response = await get(mf, '/api/model_references/v2/gfpgan')
      expect(response.status).toBe(200)
      expect(response.headers.get('x-model-reference-source')).toBe('snapshot')
      expect(Object.keys((await response.json()) as object)).toEqual(['GFPGAN'])
    } finally {
      server.reset()
    }
  })

  it('answers 503 with every cause when upstream is down and nothing is stored', async () => {
    server.reset()
    server.primaryDown({ kind: 'status', status: 503 })
    server.githubDown({ kind: 'status', status: 500 })
    const mf = isolate(300, mkdtempSync(join(tmpdir(), 'hmr-worker-kv-')))
    const response = await get(mf, '/api/model_references/v2/blip')
    expect(response.status).toBe(503)
    const body = (await response.json()) as { attempts: { source: string; kind: string }[] }
    expect(body.attempts.map((a) => [a.source, a.kind])).toEqual([
      ['primary', 'http'],
      ['github', 'http'],
    ])
  })
})
