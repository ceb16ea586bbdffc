import { describe, expect, it } from 'vitest'
import { createMemoryStorage, createModelReferenceClient, type CategoryEnvelope, type StorageAdapter } from '../src/index.js'
import { envelopeKey } from '../src/cache/envelope.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()

const never = <T,>(): Promise<T> => new Promise<T>(() => {})
const storageErrors = (operation: 'get' | 'set') => ctx.events.filter((event) => event.type === 'storage-error' && event.operation === operation)

/** A stored envelope of `category`, as a first client leaves it in a memory storage. */
async function storedEnvelope(category: 'blip' | 'clip'): Promise<CategoryEnvelope> {
  const storage = createMemoryStorage()
  await ctx.client({ storage }).getModelReference(category)
  await new Promise((resolve) => setTimeout(resolve, 10))
  const envelope = (await storage.get(envelopeKey(category))) as CategoryEnvelope
  ctx.server.reset()
  return envelope
}

describe('a storage adapter that misbehaves', () => {
  it('a get() that never settles costs storageTimeoutMs, then the read goes to the source; getAllModelReferences() finishes too', async () => {
    const hung: StorageAdapter = { ...createMemoryStorage(), get: never }
    const client = ctx.client({ storage: hung, storageTimeoutMs: 100 })
    const started = performance.now()
    expect((await client.getModelReferenceResult('blip')).source).toBe('primary')
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(String((storageErrors('get')[0] as { error: unknown }).error)).toMatch(/did not settle within 100 ms \(storageTimeoutMs\)/)
    const all = await client.getAllModelReferences()
    expect(Object.keys(all)).toHaveLength(13)
  })

  it('a storage read that failed or timed out is not remembered: the next read with nothing cached asks storage again', async () => {
    const envelope = await storedEnvelope('blip')
    let gets = 0
    const flaky: StorageAdapter = { ...createMemoryStorage(), get: async () => (++gets === 1 ? never() : envelope) }
    const client = ctx.client({ storage: flaky, storageTimeoutMs: 50, retries: 0 })
    ctx.server.primaryDown()
    ctx.server.githubDown()
    await expect(client.getModelReference('blip')).rejects.toThrow(/every source failed/)
    const second = await client.getModelReferenceResult('blip')
    expect(second.source).toBe('storage')
    expect(gets).toBe(2)
  })

  it('a stored value whose property access throws (a Proxy, a lazily decoded value) is a miss, never a failed read', async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('lazy value exploded')
        },
        has() {
          throw new Error('lazy value exploded')
        },
      },
    )
    const client = ctx.client({ storage: { ...createMemoryStorage(), get: async () => hostile } })
    expect((await client.getModelReferenceResult('blip')).source).toBe('primary')
    expect((await client.getModelReferenceResult('blip')).source).toBe('primary')
    expect(String((storageErrors('get')[0] as { error: unknown }).error)).toMatch(/lazy value exploded/)
  })

  it('an adapter whose get() throws synchronously is a miss too', async () => {
    const client = ctx.client({
      storage: {
        ...createMemoryStorage(),
        get: () => {
          throw new TypeError('not even a promise')
        },
      },
    })
    expect((await client.getModelReferenceResult('clip')).source).toBe('primary')
    expect(storageErrors('get')).toHaveLength(1)
  })

  it('a slow storage read that returns an older copy after a refresh landed never replaces the fetched copy', async () => {
    const old = await storedEnvelope('blip')
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slow: StorageAdapter = { ...createMemoryStorage(), get: async () => (await gate, old) }
    const client = ctx.client({ storage: slow })
    await new Promise((resolve) => setTimeout(resolve, 5))
    const waiting = client.getModelReferenceResult('blip')
    const refreshed = await client.refresh('blip')
    expect(refreshed.fetchedAt).toBeGreaterThan(old.fetchedAt)
    release()
    const read = await waiting
    expect(read.fetchedAt).toBe(refreshed.fetchedAt)
    expect(read.source).toBe('primary')
    expect(client.peek('blip').result).toBe(refreshed)
  })

  it('a set() that never settles is reported after storageTimeoutMs; the read is unaffected and waitUntil is given a promise that settles', async () => {
    const kept: Promise<unknown>[] = []
    const client = ctx.client({ storage: { ...createMemoryStorage(), set: never }, storageTimeoutMs: 80, waitUntil: (promise) => kept.push(promise) })
    expect((await client.getModelReferenceResult('blip')).source).toBe('primary')
    expect(kept).toHaveLength(1)
    await kept[0]
    expect(String((storageErrors('set')[0] as { error: unknown }).error)).toMatch(/set\(\) did not settle within 80 ms/)
  })

  it('a written copy is observable: a persisted event once the adapter has it', async () => {
    const storage = createMemoryStorage()
    const client = ctx.client({ storage })
    const result = await client.getModelReferenceResult('blip')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(ctx.events.filter((event) => event.type === 'persisted')).toEqual([{ type: 'persisted', category: 'blip', fetchedAt: result.fetchedAt }])
    expect(((await storage.get(envelopeKey('blip'))) as CategoryEnvelope).fetchedAt).toBe(result.fetchedAt)
  })

  it('a read’s own waitUntil keeps its storage write alive, ahead of the client’s', async () => {
    const clientKept: Promise<unknown>[] = []
    const readKept: Promise<unknown>[] = []
    const client = createModelReferenceClient({ primaryUrl: ctx.server.primaryUrl, githubUrl: ctx.server.githubUrl, waitUntil: (promise) => clientKept.push(promise) })
    await client.getModelReference('blip', { waitUntil: (promise) => readKept.push(promise) })
    expect([readKept.length, clientKept.length]).toEqual([1, 0])
    await client.getModelReference('clip')
    expect([readKept.length, clientKept.length]).toEqual([1, 1])
  })
})
