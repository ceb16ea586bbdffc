import { describe, expect, it } from 'vitest'
import { createMemoryStorage, isSourcesUnavailableError, SNAPSHOT_FORMAT, type ModelReferenceSnapshot } from '../src/index.js'
import { fixtureJson } from '../../../e2e/fixtures.js'
import { useFakeClock } from './helpers/clock.js'
import { useReferenceServer } from './helpers/setup.js'

// dehydrate / hydrate / initialData / last resort, against the loopback server's real data.
const ctx = useReferenceServer()
const { advance } = useFakeClock()
const IMAGE = '/api/model_references/v2/image_generation'
const imageRequests = () => ctx.server.requests.filter((r) => r.path === IMAGE).length
const down = 'http://127.0.0.1:9/down'

async function serverSnapshot(categories: Parameters<ReturnType<typeof ctx.client>['dehydrate']>[0] = ['image_generation'], lastResort = false): Promise<ModelReferenceSnapshot> {
  const server = ctx.client()
  await server.getModelReference('image_generation')
  // The wire: JSON text, as a page or a file carries it.
  return JSON.parse(JSON.stringify(server.dehydrate(categories, { lastResort })))
}

describe('dehydrate', () => {
  it('is JSON-safe and holds what a copy is: records, source, fetchedAt, lastUpdated, fingerprint', async () => {
    const client = ctx.client()
    const result = await client.getModelReferenceResult('image_generation')
    const snapshot = client.dehydrate()
    expect(snapshot.format).toBe(SNAPSHOT_FORMAT)
    expect(Object.keys(snapshot.categories)).toEqual(['image_generation'])
    const entry = snapshot.categories.image_generation!
    expect(entry).toMatchObject({ category: 'image_generation', source: 'primary', fetchedAt: result.fetchedAt, fingerprint: result.fingerprint })
    expect(entry.lastUpdated).toBe(result.lastUpdated)
    expect(JSON.parse(JSON.stringify(snapshot)).categories.image_generation.records).toEqual(JSON.parse(JSON.stringify(result.models)))
    expect(() => client.dehydrate(['lora' as never])).toThrow(/category/)
    expect(client.dehydrate(['text_generation']).categories).toEqual({})
  })
})

describe('hydrate', () => {
  it('installs a snapshot: the same records and fingerprint, source snapshot, no request while fresh, then the TTL rules', async () => {
    const snapshot = await serverSnapshot()
    const before = imageRequests()
    const client = ctx.client()
    expect(client.hydrate(snapshot)).toEqual({ installed: ['image_generation'], skipped: [] })
    const result = await client.getModelReferenceResult('image_generation')
    expect(result.source).toBe('snapshot')
    expect(result.stale).toBe(false)
    expect(result.fingerprint).toBe(snapshot.categories.image_generation!.fingerprint)
    expect(Object.keys(result.models)).toEqual(Object.keys(fixtureJson('derived-v2/stable_diffusion.json') as object))
    expect(imageRequests()).toBe(before)
    // Past the TTL counted from the snapshot's fetchedAt: a refresh, with unchanged data kept.
    advance(61)
    const later = await client.getModelReferenceResult('image_generation')
    expect(later.source).not.toBe('snapshot')
    expect(ctx.server.countMetadata() + imageRequests()).toBeGreaterThan(before)
  })

  it('initialData: the copy is there synchronously at construction (no loading state), with no request', async () => {
    const snapshot = await serverSnapshot()
    const before = ctx.server.requests.length
    const client = ctx.client({ initialData: snapshot })
    const state = client.peek('image_generation')
    expect(state.status).toBe('success')
    expect(state.result?.source).toBe('snapshot')
    await client.getModelReference('image_generation')
    expect(ctx.server.requests.length).toBe(before)
    expect(() => ctx.client({ initialData: 'nope' as never })).toThrow(TypeError)
    expect(() => ctx.client({ initialData: { format: 'other', categories: {} } as never })).toThrow(/snapshot from dehydrate/)
  })

  it('never replaces a copy as new or newer; a newer stored copy wins over the snapshot', async () => {
    const snapshot = await serverSnapshot()
    advance(5)
    const client = ctx.client()
    await client.getModelReference('image_generation')
    const held = client.peek('image_generation').result
    expect(client.hydrate(snapshot).skipped).toEqual([{ category: 'image_generation', reason: 'a copy as new or newer is held' }])
    expect(client.peek('image_generation').result).toBe(held)
    // A client over a storage holding a newer copy: the snapshot goes in first, then the stored copy replaces it.
    const storage = createMemoryStorage()
    await ctx.client({ storage }).getModelReference('image_generation')
    const reader = ctx.client({ storage, primaryUrl: down, githubFallback: true, githubUrl: down, retries: 0 })
    reader.hydrate(snapshot)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(reader.peek('image_generation').result?.source).toBe('storage')
  })

  it('refuses what is not a snapshot, and each hostile category on its own', async () => {
    const snapshot = await serverSnapshot()
    const client = ctx.client()
    for (const bad of [null, 42, 'x', [], { format: 'horde-model-reference/snapshot@0', categories: {} }, { format: SNAPSHOT_FORMAT }]) expect(() => client.hydrate(bad as never)).toThrow(TypeError)
    const good = snapshot.categories.image_generation!
    const records = { ...good.records } as Record<string, unknown>
    // One broken record, one named __proto__ (a plain key), one unknown field: validated like any foreign copy.
    records['Broken'] = { name: 'Broken', baseline: 42 }
    Object.defineProperty(records, '__proto__', { value: { ...(good.records['Deliberate'] as object), name: '__proto__' }, enumerable: true, configurable: true, writable: true })
    const hostile = JSON.parse(
      JSON.stringify({
        format: SNAPSHOT_FORMAT,
        createdAt: Date.now(),
        categories: {
          image_generation: { ...good, records },
          text_generation: { ...good, category: 'text_generation', fetchedAt: Date.now() + 3_600_000 },
          controlnet: { ...good, category: 'controlnet', records: { x: { name: 'x', nonsense: true, config: 5 } } },
          blip: { ...good, category: 'clip' },
          lora: good,
          not_a_category: good,
          esrgan: 'not an envelope',
        },
      }),
    )
    const events: string[] = []
    const watched = ctx.client({ onEvent: (e) => e.type === 'issues' && events.push(`${e.source}:${e.issues.length}`) })
    const report = watched.hydrate(hostile)
    expect(report.installed).toEqual(['image_generation'])
    expect(Object.fromEntries(report.skipped.map((s) => [s.category, s.reason]))).toEqual({
      text_generation: 'dated in the future',
      controlnet: 'copy of "controlnet" holds no valid record',
      blip: 'value for "blip" is not a current envelope',
      lora: 'not a category this client fetches',
      not_a_category: 'not a category this client fetches',
      esrgan: 'value for "esrgan" is not a current envelope',
    })
    const models = watched.peek('image_generation').result!.models
    expect(Object.prototype.hasOwnProperty.call(models, '__proto__')).toBe(true)
    expect(Object.prototype.hasOwnProperty.call(models, 'Broken')).toBe(false)
    expect(Object.getPrototypeOf(models)).toBe(null)
    expect(events.some((e) => e.startsWith('snapshot:'))).toBe(true)
  })

  it('refuses a category of more than 100 000 records without validating it', () => {
    const records: Record<string, unknown> = {}
    for (let i = 0; i <= 100_000; i++) records[`m${i}`] = { name: `m${i}` }
    const started = performance.now()
    const report = ctx.client().hydrate({ format: SNAPSHOT_FORMAT, createdAt: 0, categories: { blip: { format: 2, category: 'blip', source: 'primary', fetchedAt: Date.now(), records, aliases: {}, issues: [], fingerprint: '' } } } as never)
    expect(report.skipped).toEqual([{ category: 'blip', reason: 'more than 100000 records' }])
    expect(performance.now() - started).toBeLessThan(2_000)
  })
})

describe('a snapshot as the last resort', () => {
  it('off (the default): a snapshot past maxStaleSeconds is not served when every source fails', async () => {
    const snapshot = await serverSnapshot()
    advance(8 * 24 * 3600)
    const client = ctx.client({ primaryUrl: down, githubUrl: down, retries: 0 })
    client.hydrate(snapshot)
    const error = await client.getModelReferenceResult('image_generation').catch((e: unknown) => e)
    expect(isSourcesUnavailableError(error)).toBe(true)
  })

  it('on: served stale with lastResort and its age when every source fails, whatever its age; a success replaces it', async () => {
    const snapshot = await serverSnapshot(['image_generation'], true)
    const takenAt = snapshot.categories.image_generation!.fetchedAt
    advance(90 * 24 * 3600)
    const offline = ctx.client({ primaryUrl: down, githubUrl: down, retries: 0, staleWhileRevalidate: true })
    expect(offline.hydrate(snapshot).installed).toEqual(['image_generation'])
    const result = await offline.getModelReferenceResult('image_generation')
    expect(result).toMatchObject({ stale: true, lastResort: true, fetchedAt: takenAt, source: 'snapshot' })
    expect(result.error).toBeInstanceOf(Error)
    expect(Date.now() - result.fetchedAt).toBeGreaterThan(89 * 24 * 3600 * 1000)
    // Online again: a real copy replaces it.
    const online = ctx.client()
    online.hydrate(snapshot, { lastResort: true })
    const fresh = await online.getModelReferenceResult('image_generation')
    expect(fresh.source).toBe('primary')
    expect(fresh.lastResort).toBeUndefined()
    // hydrate's option overrides the snapshot's flag.
    const refused = ctx.client({ primaryUrl: down, githubUrl: down, retries: 0 })
    refused.hydrate(snapshot, { lastResort: false })
    await expect(refused.getModelReferenceResult('image_generation')).rejects.toThrow()
  })
})

describe('what a review of hydrate found', () => {
  it('getters that throw and proxies skip their category (reported), never throw; initialData survives them', async () => {
    const snapshot = await serverSnapshot()
    const good = snapshot.categories.image_generation!
    const categories: Record<string, unknown> = {
      image_generation: good,
      text_generation: Object.defineProperty({ ...good, category: 'text_generation' }, 'fetchedAt', { get: () => { throw new Error('boom getter') }, enumerable: true }),
      clip: { ...good, category: 'clip', records: new Proxy({}, { ownKeys: () => { throw new Error('boom keys') } }) },
    }
    Object.defineProperty(categories, 'esrgan', { get: () => { throw new Error('boom entry') }, enumerable: true })
    const hostile = { format: SNAPSHOT_FORMAT, createdAt: 0, categories } as unknown as ModelReferenceSnapshot
    const events: string[] = []
    const client = ctx.client({ initialData: hostile, onEvent: (e) => e.type === 'issues' && e.source === 'snapshot' && events.push(e.issues[0]!.key) })
    expect(client.peek('image_generation').status).toBe('success')
    const report = ctx.client().hydrate(hostile)
    expect(report.installed).toEqual(['image_generation'])
    expect(report.skipped.map((s) => s.category).sort()).toEqual(['clip', 'esrgan', 'text_generation'])
    expect(events.sort()).toEqual(expect.arrayContaining(['clip', 'esrgan', 'text_generation']))
    const revoked = Proxy.revocable({}, {})
    revoked.revoke()
    expect(() => ctx.client().hydrate(revoked.proxy as never)).toThrow(TypeError)
  })

  it('a copy older than ttlSeconds + maxStaleSeconds is skipped unless it is a last resort; lastResort must be a boolean', async () => {
    const snapshot = await serverSnapshot()
    advance(8 * 24 * 3600)
    expect(ctx.client().hydrate(snapshot).skipped).toEqual([{ category: 'image_generation', reason: 'older than ttlSeconds + maxStaleSeconds (and not a last resort)' }])
    expect(ctx.client().hydrate(snapshot, { lastResort: true }).installed).toEqual(['image_generation'])
    expect(() => ctx.client().hydrate(snapshot, { lastResort: 'no' as never })).toThrow(TypeError)
  })

  it('the first read after a hydration waits for the storage, and a fresher stored copy wins with no request', async () => {
    const snapshot = await serverSnapshot()
    advance(200)
    const storage = createMemoryStorage()
    await ctx.client({ storage }).getModelReference('image_generation')
    const before = ctx.server.requests.length
    const client = ctx.client({ storage })
    client.hydrate(snapshot, { lastResort: true })
    const result = await client.getModelReferenceResult('image_generation')
    expect(result.source).toBe('storage')
    expect(result.stale).toBe(false)
    expect(ctx.server.requests.length).toBe(before)
  })

  it('a snapshot dated a little ahead never replaces a held copy, and alone counts from now', async () => {
    const snapshot = await serverSnapshot()
    const ahead = JSON.parse(JSON.stringify({ ...snapshot, categories: { image_generation: { ...snapshot.categories.image_generation, fetchedAt: Date.now() + 59_000 } } }))
    const held = ctx.client()
    await held.getModelReference('image_generation')
    expect(held.hydrate(ahead).skipped[0]?.reason).toBe('dated in the future while a copy is held')
    const alone = ctx.client()
    expect(alone.hydrate(ahead).installed).toEqual(['image_generation'])
    expect(alone.peek('image_generation').result!.fetchedAt).toBeLessThanOrEqual(Date.now())
  })

  it('hydrate after dispose throws the disposal', async () => {
    const snapshot = await serverSnapshot()
    const client = ctx.client()
    client.dispose()
    expect(() => client.hydrate(snapshot)).toThrow(/disposed/)
  })
})
