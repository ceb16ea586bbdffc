import { describe, expect, it } from 'vitest'
import { createMemoryStorage, createModelReferenceClient, type CategoryEnvelope, type CategoryState, type FetchFunction, type LockManagerLike, type StorageAdapter } from '../src/index.js'
import { envelopeKey } from '../src/cache/envelope.js'
import { getPopularModels } from '../src/popular.js'
import { useReferenceServer } from './helpers/setup.js'

// Rules a hostile review of the redesign found broken, each now held by a test.
const ctx = useReferenceServer()

const never = <T,>(): Promise<T> => new Promise<T>(() => {})
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const requestsOf = (type: string) => ctx.events.filter((event) => event.type === type)

async function storedEnvelope(category: 'blip' | 'image_generation'): Promise<CategoryEnvelope> {
  const storage = createMemoryStorage()
  await ctx.client({ storage }).getModelReference(category)
  await sleep(10)
  const envelope = (await storage.get(envelopeKey(category))) as CategoryEnvelope
  ctx.server.reset()
  return envelope
}

describe('one deadline for the whole read', () => {
  it('storage, the cross-tab lock and every source fit in totalTimeoutMs together', async () => {
    const hungLocks: LockManagerLike = { request: () => never() }
    const storage: StorageAdapter = { ...createMemoryStorage(), get: never, sharedAcrossContexts: true }
    ctx.server.primaryDown({ kind: 'hang' })
    ctx.server.githubDown({ kind: 'hang' })
    const client = ctx.client({ storage, storageTimeoutMs: 300, locks: hungLocks, broadcastChannel: false, totalTimeoutMs: 500, fallbackAfterMs: 50 })
    const started = performance.now()
    await expect(client.getModelReference('blip')).rejects.toThrow(/totalTimeoutMs/)
    expect(performance.now() - started).toBeLessThan(750)
  })

  it("under prefetchStrategy 'sync', a read waiting for a prefetch that failed gets that failure, not a second full wait", async () => {
    ctx.server.primaryDown({ kind: 'hang' })
    ctx.server.githubDown({ kind: 'hang' })
    const client = ctx.client({ prefetchStrategy: 'sync', totalTimeoutMs: 300, fallbackAfterMs: 50 })
    const started = performance.now()
    await expect(client.getModelReference('blip')).rejects.toThrow(/every source failed/)
    expect(performance.now() - started).toBeLessThan(550)
    await client.ready.catch(() => undefined)
  })
})

describe('copies dated in the future', () => {
  it('a copy another tab stored with a fetchedAt in the future does not stop downloads', async () => {
    const envelope = await storedEnvelope('blip')
    const storage = { ...createMemoryStorage(), sharedAcrossContexts: true }
    await storage.set(envelopeKey('blip'), { ...envelope, fetchedAt: Date.now() + 365 * 86_400_000 }, { retentionSeconds: 600, metadata: { format: 2, category: 'blip', source: 'primary', fetchedAt: 0 } })
    const client = ctx.client({ storage, locks: false, broadcastChannel: false })
    await client.getModelReference('blip')
    const refreshed = await client.refresh('blip')
    expect(refreshed.source).toBe('primary')
    expect(refreshed.fetchedAt).toBeLessThanOrEqual(Date.now())
    expect(ctx.server.count('primary')).toBeGreaterThanOrEqual(1)
  })
})

describe('a body stream that ignores the abort', () => {
  it('is cancelled when its request times out, not read on until maxBodyBytes', async () => {
    let pulls = 0
    const fetch: FetchFunction = async () =>
      new Response(
        new ReadableStream({
          async pull(controller) {
            pulls++
            await sleep(1)
            controller.enqueue(new Uint8Array(1))
          },
        }),
      )
    const client = createModelReferenceClient({ primaryUrl: 'http://primary.test/api', githubFallback: false, retries: 0, timeoutMs: 150, fetch })
    await expect(client.getModelReference('blip')).rejects.toThrow(/no complete response within 150 ms/)
    const after = pulls
    await sleep(150)
    expect(pulls - after).toBeLessThanOrEqual(2)
  })
})

describe('dispose()', () => {
  it('ends every read: one still reading storage, and any after it, reject and ask nobody', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const client = ctx.client({ storage: { ...createMemoryStorage(), get: async () => (await gate, undefined) } })
    const reading = client.getModelReference('blip')
    await sleep(10)
    client.dispose()
    release()
    await expect(reading).rejects.toThrow(/disposed/)
    await expect(client.getModelReference('clip')).rejects.toMatchObject({ name: 'AbortError' })
    await expect(client.refresh('clip')).rejects.toMatchObject({ name: 'AbortError' })
    expect(ctx.server.requests).toHaveLength(0)
  })
})

describe('invalidate()', () => {
  it('a second invalidate() changes nothing: no notification, the same peek() object', async () => {
    const client = ctx.client()
    await client.getModelReference('blip')
    const seen: CategoryState[] = []
    client.subscribe('blip', (state) => seen.push(state))
    client.invalidate('blip')
    const state = client.peek('blip')
    client.invalidate('blip')
    client.invalidate('blip')
    expect(seen).toHaveLength(1)
    expect(client.peek('blip')).toBe(state)
  })

  it('before anything is loaded, it still makes the next read fetch (a copy in storage is out of date too)', async () => {
    const storage = createMemoryStorage()
    await ctx.client({ storage }).getModelReference('blip')
    await sleep(10)
    ctx.server.reset()
    const client = ctx.client({ storage })
    client.invalidate('blip')
    const result = await client.getModelReferenceResult('blip')
    expect(result.source).toBe('primary')
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('during a load, the copy that load delivers is already out of date', async () => {
    ctx.server.fault('/v2/blip', { kind: 'trickle', intervalMs: 30, chunks: 3 }, 1)
    const client = ctx.client()
    const loading = client.getModelReferenceResult('blip')
    await sleep(20)
    client.invalidate('blip')
    const landed = await loading
    expect(client.peek('blip').result?.stale).toBe(true)
    const next = await client.getModelReferenceResult('blip')
    expect(next.fetchedAt).toBeGreaterThanOrEqual(landed.fetchedAt)
    expect(next.stale).toBe(false)
    expect(ctx.server.count('primary')).toBe(2)
  })
})

describe('a cold load in flight', () => {
  it('a reader arriving meanwhile joins it instead of waiting on storage again', async () => {
    const client = ctx.client({ storage: { ...createMemoryStorage(), get: never }, storageTimeoutMs: 300 })
    ctx.server.fault('/v2/blip', { kind: 'trickle', intervalMs: 100, chunks: 3 }, 1)
    const first = client.getModelReferenceResult('blip')
    await sleep(320)
    const started = performance.now()
    const second = await client.getModelReferenceResult('blip')
    expect(performance.now() - started).toBeLessThan(280)
    expect(second).toBe(await first)
    expect(ctx.server.count('primary')).toBe(1)
  })
})

describe('hedging after a revalidation', () => {
  it('a quick last_updated answer does not stop GitHub from being asked beside a hung data route', async () => {
    const client = ctx.client({ fallbackAfterMs: 100, timeoutMs: 3_000, ttlSeconds: 0 })
    await client.getModelReference('blip')
    ctx.server.setLastUpdated('blip', 1)
    ctx.server.fault('/v2/blip', { kind: 'hang' })
    const started = performance.now()
    expect((await client.getModelReferenceResult('blip')).source).toBe('github')
    expect(performance.now() - started).toBeLessThan(1_000)
  })
})

describe('what a stored copy may be', () => {
  it('a stored envelope with no records for a category that always has some is a miss, like the same answer from a source', async () => {
    const envelope = await storedEnvelope('image_generation')
    const storage = createMemoryStorage()
    await storage.set(envelopeKey('image_generation'), JSON.parse(JSON.stringify({ ...envelope, records: {}, aliases: {} })), { retentionSeconds: 600, metadata: { format: 2, category: 'image_generation', source: 'primary', fetchedAt: 0 } })
    const result = await ctx.client({ storage }).getModelReferenceResult('image_generation')
    expect(result.source).toBe('primary')
    expect(Object.keys(result.models)).toHaveLength(161)
  })

  it('stored issues that are not issues are dropped', async () => {
    const envelope = await storedEnvelope('blip')
    const storage = createMemoryStorage()
    await storage.set(envelopeKey('blip'), JSON.parse(JSON.stringify({ ...envelope, issues: [1, null, 'x', { category: 'blip', severity: 'warning', key: 'k', path: '', message: 'kept' }] })), { retentionSeconds: 600, metadata: { format: 2, category: 'blip', source: 'primary', fetchedAt: 0 } })
    const result = await ctx.client({ storage }).getModelReferenceResult('blip')
    expect(result.source).toBe('storage')
    expect(result.issues).toEqual([{ category: 'blip', severity: 'warning', key: 'k', path: '', message: 'kept' }])
  })
})

describe('aborts', () => {
  it('an abort from an onEvent listener as the request is announced sends nothing further', async () => {
    const controller = new AbortController()
    const events: string[] = []
    const client = ctx.client({
      onEvent: (event) => {
        events.push(event.type)
        if (event.type === 'request') controller.abort()
      },
    })
    ctx.server.fault('/v2/blip', { kind: 'trickle', intervalMs: 100, chunks: 5 })
    await expect(client.getModelReference('blip', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
    await sleep(50)
    expect(events).not.toContain('response')
  })

  it('aborting getAllModelReferences() is the caller’s abort: no error events, one listener on the signal', async () => {
    const controller = new AbortController()
    let listeners = 0
    const add = controller.signal.addEventListener.bind(controller.signal)
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++
      return add(...args)
    }) as typeof add
    ctx.server.primaryDown({ kind: 'hang' })
    const client = ctx.client({ fallbackAfterMs: 5_000 })
    const all = client.getAllModelReferences({ signal: controller.signal })
    await sleep(20)
    controller.abort()
    await expect(all).rejects.toMatchObject({ name: 'AbortError' })
    expect(listeners).toBe(1)
    expect(requestsOf('error')).toEqual([])
  })
})

describe('subscribe()', () => {
  it('a listener removed during a notification by another is not called in that round', async () => {
    const client = ctx.client()
    const calls: string[] = []
    let stopB: () => void = () => {}
    client.subscribe('blip', () => {
      calls.push('a')
      stopB()
    })
    stopB = client.subscribe('blip', () => calls.push('b'))
    await client.getModelReference('blip')
    expect(calls.filter((c) => c === 'b')).toEqual([])
    expect(calls.length).toBeGreaterThan(0)
  })
})

describe("prefetchStrategy 'none'", () => {
  it('getPopularModels asks the AI Horde nothing either, and says nothing is cached', async () => {
    const client = ctx.client({ prefetchStrategy: 'none', hordeApiUrl: `${ctx.server.origin}/horde` })
    await expect(getPopularModels(client, 'image_generation')).rejects.toMatchObject({ code: 'NOT_CACHED' })
    expect(requestsOf('request')).toEqual([])
  })
})
