import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createModelReferenceClient, type ModelReferenceEvent, type StoredValueMetadata } from '@horde-model-reference/core'
import { ENVELOPE_FORMAT, envelopeMetadata } from '../../core/src/cache/envelope.js'
import { createCloudflareKvStorage, KV_MIN_EXPIRATION_TTL_SECONDS, type CloudflareKvStorage, type KvNamespaceLike } from '../src/index.js'
import { describeStorageContract, realEnvelope } from '../../core/test/contract/storage-contract.js'
import { useLoopbackServer } from '../../../e2e/hooks.js'
import { startReferenceServer, type ReferenceServer } from '../../../e2e/reference-server.js'
import { bundleTestWorker } from './helpers.js'

// Real Workers KV: miniflare runs workerd, and getKVNamespace() talks to its KV from Node.
const EMPTY_WORKER = 'export default { fetch() { return new Response("ok") } }'

async function kvOf(mf: Miniflare): Promise<KvNamespaceLike> {
  return (await mf.getKVNamespace('KV')) as unknown as KvNamespaceLike
}

async function kvMiniflare(persist?: string): Promise<{ mf: Miniflare; kv: KvNamespaceLike }> {
  const mf = new Miniflare({ modules: true, script: EMPTY_WORKER, kvNamespaces: ['KV'], ...(persist !== undefined && { kvPersist: persist }) })
  return { mf, kv: await kvOf(mf) }
}

describeStorageContract('Cloudflare KV (workerd via miniflare)', async () => {
  const { mf, kv } = await kvMiniflare()
  return { create: () => createCloudflareKvStorage(kv), teardown: () => mf.dispose() }
})

describe('Cloudflare KV adapter', () => {
  let mf: Miniflare
  let kv: KvNamespaceLike
  beforeAll(async () => {
    ;({ mf, kv } = await kvMiniflare())
  })
  afterAll(() => mf.dispose())

  it('never sends an expirationTtl below KV’s 60-second floor (workerd rejects it)', async () => {
    // workerd itself refuses a shorter TTL: the floor is what makes this write succeed.
    await expect(kv.put('direct', 'x', { expirationTtl: 5 })).rejects.toThrow(/expiration/i)
    const storage = createCloudflareKvStorage(kv)
    const envelope = realEnvelope('blip')
    const before = Math.floor(Date.now() / 1000)
    await storage.set('floor', envelope, { retentionSeconds: 5, metadata: envelopeMetadata(envelope) })
    const { keys } = await kv.list({ prefix: 'horde-model-reference/floor' })
    expect(keys).toHaveLength(1)
    expect(keys[0]!.expiration).toBeGreaterThanOrEqual(before + KV_MIN_EXPIRATION_TTL_SECONDS)
    expect(keys[0]!.expiration).toBeLessThanOrEqual(before + KV_MIN_EXPIRATION_TTL_SECONDS + 5)
  })

  it('uses the retention time when it is longer than the floor', async () => {
    const storage = createCloudflareKvStorage(kv)
    const envelope = realEnvelope('clip')
    const before = Math.floor(Date.now() / 1000)
    await storage.set('long', envelope, { retentionSeconds: 7 * 24 * 3600 + 60, metadata: envelopeMetadata(envelope) })
    const { keys } = await kv.list({ prefix: 'horde-model-reference/long' })
    expect(keys[0]!.expiration).toBeGreaterThanOrEqual(before + 7 * 24 * 3600 + 60)
  })

  it('keeps the freshness facts as KV metadata, readable without the value', async () => {
    const storage = createCloudflareKvStorage(kv)
    const envelope = { ...realEnvelope('esrgan', 1_234), lastUpdated: 1_782_000_000, etag: '"abc"' }
    await storage.set('meta', envelope, { retentionSeconds: 600, metadata: envelopeMetadata(envelope) })
    expect(await storage.getMetadata('meta')).toEqual({ format: envelope.format, category: 'esrgan', source: 'primary', fetchedAt: 1_234, lastUpdated: 1_782_000_000, etag: '"abc"' })
    expect(await storage.getMetadata('missing')).toBeUndefined()
  })

  it('a value that is not JSON is an error (the client reads it as a miss)', async () => {
    await kv.put('horde-model-reference/garbage', '{not json')
    await expect(createCloudflareKvStorage(kv).get('garbage')).rejects.toThrow(SyntaxError)
  })

  it('keeps its keys under its prefix; clear() leaves other keys alone', async () => {
    await kv.put('someone-else', 'keep me')
    const storage = createCloudflareKvStorage(kv, { keyPrefix: 'hmr-test/' })
    await storage.set('a', { a: 1 }, { retentionSeconds: 600, metadata: { format: 2, category: 'blip', source: 'primary', fetchedAt: 0 } })
    expect(await kv.get('hmr-test/a', 'text')).toBe('{"a":1}')
    await storage.clear()
    expect(await kv.get('hmr-test/a', 'text')).toBeNull()
    expect(await kv.get('someone-else', 'text')).toBe('keep me')
  })

  it('refuses something that is not a KV binding', () => {
    expect(() => createCloudflareKvStorage(undefined as never)).toThrow(/KV namespace binding/)
  })
})

// list({ prefix }) matches by prefix: listing horde-model-reference:controlnet also returns
// horde-model-reference:controlnet_annotator, whose metadata must never answer for controlnet.
const CONTROLNET = 'horde-model-reference:controlnet'
const ANNOTATOR = 'horde-model-reference:controlnet_annotator'
const controlnetEnvelope = realEnvelope('controlnet', 1_000)
const controlnetMetadata = envelopeMetadata(controlnetEnvelope)
const annotatorMetadata: StoredValueMetadata = { format: ENVELOPE_FORMAT, category: 'controlnet_annotator', source: 'primary', fetchedAt: 2_000 }
const writeControlnet = (storage: CloudflareKvStorage) => storage.set(CONTROLNET, controlnetEnvelope, { retentionSeconds: 600, metadata: controlnetMetadata })
const writeAnnotator = (storage: CloudflareKvStorage) => storage.set(ANNOTATOR, { category: 'controlnet_annotator' }, { retentionSeconds: 600, metadata: annotatorMetadata })

describe('getMetadata of a key that is a prefix of another key (controlnet, controlnet_annotator)', () => {
  let mf: Miniflare
  let kv: KvNamespaceLike
  beforeAll(async () => {
    ;({ mf, kv } = await kvMiniflare())
  })
  afterAll(() => mf.dispose())
  beforeEach(() => createCloudflareKvStorage(kv).clear())

  it('is undefined when only the longer key is stored', async () => {
    const storage = createCloudflareKvStorage(kv)
    await writeAnnotator(storage)
    // The listing does return the longer key; the adapter must not take it.
    expect((await kv.list({ prefix: 'horde-model-reference/' + CONTROLNET })).keys.map((k) => k.name)).toEqual(['horde-model-reference/' + ANNOTATOR])
    expect(await storage.getMetadata(CONTROLNET)).toBeUndefined()
    expect(await storage.getMetadata(ANNOTATOR)).toEqual(annotatorMetadata)
  })

  it.each([
    ['controlnet first', [writeControlnet, writeAnnotator]],
    ['controlnet_annotator first', [writeAnnotator, writeControlnet]],
  ])('gives each key its own metadata, in either write order (%s)', async (_, writes) => {
    const storage = createCloudflareKvStorage(kv)
    for (const write of writes) await write(storage)
    expect(await storage.getMetadata(CONTROLNET)).toEqual(controlnetMetadata)
    expect(await storage.getMetadata(ANNOTATOR)).toEqual(annotatorMetadata)
  })
})

// A namespace that pages list() as KV does: the matching keys in lexicographic order, at most
// `limit` a page, and, as KV documents, list_complete false means more keys are behind the
// cursor "even if the keys array is empty" (here: `emptyPages` empty pages come first).
function pagedNamespace({ limit = 1000, emptyPages = 0 } = {}): KvNamespaceLike & { lists: number } {
  const entries = new Map<string, { value: string; metadata?: unknown }>()
  const namespace = {
    lists: 0,
    get: async (key: string) => entries.get(key)?.value ?? null,
    put: async (key: string, value: string, options?: { metadata?: unknown }) => void entries.set(key, { value, metadata: options?.metadata }),
    delete: async (key: string) => void entries.delete(key),
    list: async ({ prefix = '', cursor }: { prefix?: string; cursor?: string } = {}) => {
      namespace.lists++
      const names = [...entries.keys()].filter((name) => name.startsWith(prefix)).sort()
      const pages: string[][] = Array.from({ length: emptyPages }, () => [])
      for (let i = 0; i < names.length; i += limit) pages.push(names.slice(i, i + limit))
      const index = cursor === undefined ? 0 : Number(cursor)
      const complete = index >= pages.length - 1
      return {
        keys: (pages[index] ?? []).map((name) => ({ name, metadata: entries.get(name)!.metadata })),
        list_complete: complete,
        ...(!complete && { cursor: String(index + 1) }),
      }
    },
  }
  return namespace
}

describe('getMetadata over a paginated listing', () => {
  it('follows the cursor past an empty first page to the exact key', async () => {
    const kv = pagedNamespace({ emptyPages: 1 })
    const storage = createCloudflareKvStorage(kv)
    await writeAnnotator(storage)
    await writeControlnet(storage)
    expect(await storage.getMetadata(CONTROLNET)).toEqual(controlnetMetadata)
    expect(kv.lists).toBe(2)
  })

  it('is undefined when the later pages hold only longer keys', async () => {
    const kv = pagedNamespace({ emptyPages: 2, limit: 1 })
    const storage = createCloudflareKvStorage(kv)
    await writeAnnotator(storage)
    await storage.set(CONTROLNET + '_v2', { v: 2 }, { retentionSeconds: 600, metadata: annotatorMetadata })
    expect(await storage.getMetadata(CONTROLNET)).toBeUndefined()
  })

  it('reads no further than the page that holds the exact key', async () => {
    const kv = pagedNamespace({ limit: 1 })
    const storage = createCloudflareKvStorage(kv)
    await writeAnnotator(storage)
    await writeControlnet(storage)
    expect(await storage.getMetadata(CONTROLNET)).toEqual(controlnetMetadata)
    expect(kv.lists).toBe(1)
  })
})

describe('a throwing binding never fails a read', () => {
  const ctx = useLoopbackServer()

  it('reads from the source and reports the storage errors', async () => {
    const fail = (): Promise<never> => Promise.reject(new Error('KV GET failed: 500 Internal Server Error'))
    const broken: KvNamespaceLike = { get: fail, put: fail, delete: fail, list: fail }
    const events: ModelReferenceEvent[] = []
    const client = createModelReferenceClient({ primaryUrl: ctx.server.primaryUrl, githubUrl: ctx.server.githubUrl, storage: createCloudflareKvStorage(broken), onEvent: (e) => events.push(e) })
    const result = await client.getModelReferenceResult('blip')
    expect(result.source).toBe('primary')
    await vi.waitFor(() => expect(events.filter((e) => e.type === 'storage-error').map((e) => e.type === 'storage-error' && e.operation)).toEqual(['get', 'set']))
  })
})

describe('KV refusing a write (rate limit: one write per second per key)', () => {
  const ctx = useLoopbackServer()

  it('is a storage-error event; the read is served and the next refresh writes again', async () => {
    let refuse = true
    const puts: string[] = []
    const limited: KvNamespaceLike = {
      get: async () => null,
      put: async (key) => {
        if (refuse) throw new Error('KV PUT failed: 429 Too Many Requests')
        puts.push(key)
      },
      delete: async () => {},
      list: async () => ({ keys: [], list_complete: true }),
    }
    const events: ModelReferenceEvent[] = []
    const client = createModelReferenceClient({ primaryUrl: ctx.server.primaryUrl, githubUrl: ctx.server.githubUrl, storage: createCloudflareKvStorage(limited), onEvent: (e) => events.push(e) })
    expect(Object.keys(await client.getModelReference('blip'))).toHaveLength(2)
    await vi.waitFor(() => expect(events.some((e) => e.type === 'storage-error' && e.operation === 'set' && /429/.test(String(e.error)))).toBe(true))
    refuse = false
    await client.refresh('blip')
    await vi.waitFor(() => expect(puts).toEqual(['horde-model-reference/horde-model-reference:blip']))
  })
})

describe('cold start: a Worker over KV in workerd', () => {
  let server: ReferenceServer
  let script: string
  const persist = mkdtempSync(join(tmpdir(), 'hmr-kv-'))
  beforeAll(async () => {
    server = await startReferenceServer()
    script = await bundleTestWorker()
  }, 60_000)
  afterAll(() => server.close())

  async function isolate(ttlSeconds: number): Promise<Miniflare> {
    return new Miniflare({
      modules: true,
      scriptPath: script,
      // Module names are paths relative to this root; the bundle lives in a temporary folder.
      modulesRoot: dirname(script),
      compatibilityDate: '2025-09-01',
      kvNamespaces: ['KV'],
      kvPersist: persist,
      bindings: { PRIMARY_URL: server.primaryUrl, GITHUB_URL: server.githubUrl, TTL_SECONDS: String(ttlSeconds) },
    })
  }

  async function read(mf: Miniflare, category: string): Promise<{ source: string; stale: boolean; fetchedAt: number; count: number }> {
    const response = await mf.dispatchFetch(`http://worker/${category}`)
    expect(response.status).toBe(200)
    return (await response.json()) as { source: string; stale: boolean; fetchedAt: number; count: number }
  }

  it('fetches upstream once, then a new isolate answers from KV with no upstream request, then serves stale with one background revalidation', async () => {
    const first = await isolate(3600)
    const fetched = await read(first, 'image_generation')
    expect(fetched).toMatchObject({ source: 'primary', stale: false, count: 161 })
    // The write went through waitUntil; give it until KV shows it.
    await vi.waitFor(async () => expect((await kvOf(first).then((kv) => kv.list())).keys.map((k) => k.name)).toContain('horde-model-reference/horde-model-reference:image_generation'), { timeout: 5_000 })
    await first.dispose()
    expect(server.count('primary')).toBe(1)

    // A cold start over the same persisted KV, within the TTL: nothing goes upstream.
    const second = await isolate(3600)
    const fromKv = await read(second, 'image_generation')
    expect(fromKv).toEqual({ source: 'storage', stale: false, fetchedAt: fetched.fetchedAt, count: 161 })
    expect(server.requests).toHaveLength(1)
    await second.dispose()

    // A cold start after the TTL (0 s here): the stale copy at once, one revalidation in the background.
    const third = await isolate(0)
    const stale = await read(third, 'image_generation')
    expect(stale).toMatchObject({ source: 'storage', stale: true, fetchedAt: fetched.fetchedAt, count: 161 })
    await vi.waitFor(() => expect(server.count('primary')).toBe(2), { timeout: 5_000 })
    await third.dispose()
    expect(server.count('github')).toBe(0)
  })

  it('with upstream down, a cold start still serves the stored copy and says it is stale', async () => {
    server.reset()
    const first = await isolate(3600)
    await read(first, 'controlnet')
    await vi.waitFor(async () => expect((await kvOf(first).then((kv) => kv.list())).keys.map((k) => k.name)).toContain('horde-model-reference/horde-model-reference:controlnet'), { timeout: 5_000 })
    await first.dispose()
    server.primaryDown({ kind: 'status', status: 503 })
    server.githubDown({ kind: 'reset' })
    const cold = await isolate(0)
    expect(await read(cold, 'controlnet')).toMatchObject({ source: 'storage', stale: true, count: 18 })
    await cold.dispose()
  })
})
