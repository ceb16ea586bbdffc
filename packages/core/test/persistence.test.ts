import { describe, expect, it, vi } from 'vitest'
import { createMemoryStorage, type ModelReferenceResult, type StorageAdapter } from '../src/index.js'
import { DEFAULT_LAST_UPDATED } from '../../../e2e/reference-server.js'
import { createInProcessLocks } from './helpers/locks.js'
import { useFakeClock } from './helpers/clock.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()

const { advance } = useFakeClock()

describe('cheap revalidation with the primary’s last_updated', () => {
  it('renews an unchanged copy without downloading it again', async () => {
    const client = ctx.client({ ttlSeconds: 60 })
    const first = await client.getModelReferenceResult('text_generation')
    advance(61)
    // The first copy has no last_updated yet: this refresh records it while downloading.
    await client.getModelReferenceResult('text_generation')
    expect(ctx.server.count('primary')).toBe(2)
    advance(61)
    const renewed = await client.getModelReferenceResult('text_generation')
    expect(ctx.server.count('primary')).toBe(2)
    expect(ctx.server.countMetadata()).toBe(2)
    expect(renewed.stale).toBe(false)
    expect(renewed.fetchedAt).toBe(Date.now())
    expect(renewed.source).toBe('primary')
    expect(Object.keys(renewed.models)).toEqual(Object.keys(first.models))
    expect(ctx.events.some((e) => e.type === 'revalidated' && e.method === 'last-updated')).toBe(true)
  })

  it('downloads when last_updated moved on', async () => {
    const client = ctx.client({ ttlSeconds: 60 })
    await client.getModelReference('blip')
    advance(61)
    await client.getModelReference('blip')
    ctx.server.setLastUpdated('blip', DEFAULT_LAST_UPDATED + 10)
    advance(61)
    await client.getModelReference('blip')
    expect(ctx.server.count('primary')).toBe(3)
  })

  it('a last_updated that moved back (a restored backup) is a change too: any difference downloads', async () => {
    const client = ctx.client({ ttlSeconds: 60 })
    await client.getModelReference('blip')
    advance(61)
    await client.getModelReference('blip')
    ctx.server.setLastUpdated('blip', DEFAULT_LAST_UPDATED - 86_400)
    advance(61)
    await client.getModelReference('blip')
    expect(ctx.server.count('primary')).toBe(3)
  })

  it('a last_updated from the future is not believed or stored: every later refresh still asks and downloads', async () => {
    const client = ctx.client({ ttlSeconds: 60 })
    await client.getModelReference('blip')
    ctx.server.setLastUpdated('blip', Math.floor(Date.now() / 1000) + 365 * 86_400)
    for (let refresh = 1; refresh <= 3; refresh++) {
      advance(61)
      await client.getModelReference('blip')
      expect(ctx.server.count('primary')).toBe(1 + refresh)
    }
    // Back to a believable value: recorded with the next download, then it saves downloads again.
    ctx.server.setLastUpdated('blip', DEFAULT_LAST_UPDATED)
    advance(61)
    await client.getModelReference('blip')
    advance(61)
    await client.getModelReference('blip')
    expect(ctx.server.count('primary')).toBe(5)
    expect(ctx.events.filter((e) => e.type === 'revalidated')).toHaveLength(1)
  })

  it('any failure of the metadata route (a replica answers 503) means downloading as usual', async () => {
    ctx.server.fault('/last_updated', { kind: 'status', status: 503 })
    const client = ctx.client({ ttlSeconds: 60, retries: 0 })
    await client.getModelReference('blip')
    advance(61)
    await client.getModelReference('blip')
    advance(61)
    const result = await client.getModelReferenceResult('blip')
    expect(result.stale).toBe(false)
    expect(ctx.server.count('primary')).toBe(3)
    expect(ctx.server.count('github')).toBe(0)
  })
})

describe('cheap revalidation with GitHub’s ETag', () => {
  it('sends If-None-Match for a stale GitHub copy and renews it on 304', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    const client = ctx.client({ ttlSeconds: 60 })
    const first = await client.getModelReferenceResult('controlnet')
    advance(61)
    const renewed = await client.getModelReferenceResult('controlnet')
    const githubRequests = ctx.server.requests.filter((r) => r.source === 'github')
    expect(githubRequests).toHaveLength(2)
    expect(githubRequests[0]!.headers['if-none-match']).toBeUndefined()
    expect(githubRequests[1]!.headers['if-none-match']).toMatch(/^".+"$/)
    expect(renewed.stale).toBe(false)
    expect(renewed.source).toBe('github')
    expect(renewed.models).toBe(first.models)
    expect(ctx.events.some((e) => e.type === 'revalidated' && e.method === 'etag')).toBe(true)
  })

  it("'auto' sends no If-None-Match where CORS applies (a browser's user agent)", async () => {
    vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0' })
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    const client = ctx.client({ ttlSeconds: 60 })
    await client.getModelReference('controlnet')
    advance(61)
    await client.getModelReference('controlnet')
    const githubRequests = ctx.server.requests.filter((r) => r.source === 'github')
    expect(githubRequests.map((r) => r.headers['if-none-match'])).toEqual([undefined, undefined])
  })

  it('conditionalRequests: false never sends it', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    const client = ctx.client({ ttlSeconds: 60, conditionalRequests: false })
    await client.getModelReference('esrgan')
    advance(61)
    await client.getModelReference('esrgan')
    expect(ctx.server.requests.filter((r) => r.source === 'github').map((r) => r.headers['if-none-match'])).toEqual([undefined, undefined])
  })
})

describe('stale-while-revalidate', () => {
  it('returns the stale copy at once, runs one background refresh, and tells subscribers when it lands', async () => {
    const kept: Promise<unknown>[] = []
    const client = ctx.client({ ttlSeconds: 60, staleWhileRevalidate: true, waitUntil: (promise) => kept.push(promise) })
    const first = await client.getModelReferenceResult('image_generation')
    advance(61)
    ctx.server.fault('/v2/image_generation', { kind: 'trickle', intervalMs: 20, chunks: 5 })
    const landed = new Promise<ModelReferenceResult<'image_generation'>>((resolve) => {
      client.subscribe('image_generation', ({ result }) => {
        if (result !== undefined && !result.stale) resolve(result)
      })
    })
    const reads = await Promise.all([client.getModelReferenceResult('image_generation'), client.getModelReferenceResult('image_generation')])
    expect(reads[0].stale).toBe(true)
    expect(reads[0].models).toBe(first.models)
    expect(reads[1]).toBe(reads[0])
    expect(kept.length).toBeGreaterThan(0)
    const fresh = await landed
    expect(fresh.fetchedAt).toBe(Date.now())
    await Promise.all(kept)
    // One refresh for both stale reads: the first load, then one more download.
    expect(ctx.server.count('primary')).toBe(2)
  })

  it('past maxStaleSeconds a read waits for the refresh', async () => {
    const client = ctx.client({ ttlSeconds: 60, maxStaleSeconds: 60, staleWhileRevalidate: true })
    await client.getModelReference('blip')
    advance(200)
    const result = await client.getModelReferenceResult('blip')
    expect(result.stale).toBe(false)
    expect(ctx.server.count('primary')).toBe(2)
  })

  it('a background refresh that fails keeps serving the copy and reports it', async () => {
    const client = ctx.client({ ttlSeconds: 60, staleWhileRevalidate: true, retries: 0 })
    await client.getModelReference('blip')
    advance(61)
    ctx.server.primaryDown()
    ctx.server.githubDown()
    const served = new Promise<ModelReferenceResult<'blip'>>((resolve) => client.subscribe('blip', ({ result }) => result?.error && resolve(result)))
    expect((await client.getModelReferenceResult('blip')).stale).toBe(true)
    const result = await served
    expect(result.error?.message).toMatch(/every source failed/)
    expect(ctx.events.some((e) => e.type === 'stale-served')).toBe(true)
  })
})

/** A storage that several "tabs" (clients) share, flagged like IndexedDB. */
function sharedStorage(): StorageAdapter {
  return { ...createMemoryStorage(), sharedAcrossContexts: true }
}

describe('other tabs', () => {
  it('a refresh in one tab updates the other tab’s subscribers over BroadcastChannel', async () => {
    const storage = sharedStorage()
    const channel = `test-${Math.random()}`
    const tabA = ctx.client({ storage, broadcastChannel: channel, locks: false })
    const tabB = ctx.client({ storage, broadcastChannel: channel, locks: false })
    await tabA.getModelReference('blip')
    await tabB.getModelReference('blip')
    expect(ctx.server.count('primary')).toBe(1)
    const updated = new Promise<ModelReferenceResult<'blip'>>((resolve) => tabB.subscribe('blip', ({ result }) => result?.source === 'storage' && resolve(result)))
    advance(5)
    const refreshed = await tabA.refresh('blip')
    const seen = await updated
    expect(seen.fetchedAt).toBe(refreshed.fetchedAt)
    expect(seen.source).toBe('storage')
    expect(ctx.server.count('primary')).toBe(2)
    tabA.dispose()
    tabB.dispose()
  })

  it('two tabs never download the same category at the same moment', async () => {
    const storage = sharedStorage()
    const locks = createInProcessLocks()
    const tabA = ctx.client({ storage, locks, broadcastChannel: false })
    const tabB = ctx.client({ storage, locks, broadcastChannel: false })
    const [a, b] = await Promise.all([tabA.getModelReferenceResult('text_generation'), tabB.getModelReferenceResult('text_generation')])
    expect(ctx.server.count('primary')).toBe(1)
    expect(a.models).toBe(b.models)
    expect([a.source, b.source].sort()).toEqual(['primary', 'storage'])
    expect(locks.granted).toEqual(['horde-model-reference:text_generation:refresh', 'horde-model-reference:text_generation:refresh'])
  })

  it('no BroadcastChannel or locks are used with a storage that is not shared', async () => {
    const locks = createInProcessLocks()
    await ctx.client({ locks }).getModelReference('blip')
    expect(locks.granted).toEqual([])
  })
})
