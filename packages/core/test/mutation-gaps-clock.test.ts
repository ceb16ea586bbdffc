import { expect, it, vi } from 'vitest'
import { createMemoryStorage, type ModelReferenceResult, type StorageAdapter } from '../src/index.js'
import { ENVELOPE_FORMAT, envelopeKey } from '../src/cache/envelope.js'
import { createInProcessLocks } from './helpers/locks.js'
import { useFakeClock } from './helpers/clock.js'
import { useReferenceServer } from './helpers/setup.js'

// Rules a mutation campaign on the redesign found unguarded (each test kills its mutant); the
// ones that move the clock.
const ctx = useReferenceServer()
const { advance } = useFakeClock()
const sharedStorage = (): StorageAdapter => ({ ...createMemoryStorage(), sharedAcrossContexts: true })
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

it('invalidate() after a failed refresh ends the back-off: the next read fetches', async () => {
  const client = ctx.client({ retries: 0 })
  await client.getModelReference('blip')
  advance(61)
  ctx.server.primaryDown()
  ctx.server.githubDown()
  expect((await client.getModelReferenceResult('blip')).stale).toBe(true)
  ctx.server.reset()
  client.invalidate('blip')
  expect((await client.getModelReferenceResult('blip')).stale).toBe(false)
  expect(ctx.server.count('primary')).toBe(1)
})

it('the back-off after a failed refresh ends at exactly one TTL', async () => {
  const client = ctx.client({ retries: 0 })
  await client.getModelReference('blip')
  advance(61)
  ctx.server.primaryDown()
  ctx.server.githubDown()
  await client.getModelReferenceResult('blip')
  ctx.server.reset()
  advance(60)
  expect((await client.getModelReferenceResult('blip')).stale).toBe(false)
  expect(ctx.server.count('primary')).toBe(1)
})

it("prefetchStrategy 'none' with staleWhileRevalidate serves the stale copy and never loads by itself", async () => {
  const client = ctx.client({ prefetchStrategy: 'none', staleWhileRevalidate: true })
  await client.refresh('blip')
  advance(61)
  expect((await client.getModelReferenceResult('blip')).stale).toBe(true)
  await sleep(100)
  expect(client.peek('blip').isFetching).toBe(false)
  expect(ctx.server.count('primary')).toBe(1)
})

it('a probe the caller aborted does not keep the source aside', async () => {
  const client = ctx.client()
  ctx.server.fault('/v2/blip', { kind: 'status', status: 503 }, 1)
  expect((await client.getModelReferenceResult('blip')).source).toBe('github')
  advance(31)
  ctx.server.fault('/v2/clip', { kind: 'hang' }, 1)
  const controller = new AbortController()
  const aborted = client.getModelReference('clip', { signal: controller.signal }).catch((e: unknown) => e)
  await vi.waitFor(() => expect(ctx.server.requests.some((r) => r.path.endsWith('/v2/clip'))).toBe(true))
  controller.abort()
  await aborted
  expect((await client.getModelReferenceResult('image_generation')).source).toBe('primary')
})

it('a foreign stored envelope whose every record is invalid is a miss, never empty data', async () => {
  const storage = createMemoryStorage()
  await ctx.client({ storage }).getModelReference('blip')
  await sleep(10)
  const envelope = structuredClone(await storage.get(envelopeKey('blip'))) as { records: Record<string, unknown> }
  envelope.records = { broken: { name: 42 } }
  await storage.set(envelopeKey('blip'), envelope, { retentionSeconds: 60, metadata: { format: ENVELOPE_FORMAT, category: 'blip', source: 'primary', fetchedAt: Date.now() } })
  const result = await ctx.client({ storage }).getModelReferenceResult('blip')
  expect(result.source).toBe('primary')
  expect(Object.keys(result.models).length).toBeGreaterThan(0)
  expect(ctx.server.count('primary')).toBe(2)
})

it('with a shared storage and locks, a failing get() is a miss inside the lock too', async () => {
  const storage: StorageAdapter = { ...sharedStorage(), get: () => Promise.reject(new Error('storage broken')) }
  const result = await ctx.client({ storage, locks: createInProcessLocks(), broadcastChannel: false }).getModelReferenceResult('blip')
  expect(result.source).toBe('primary')
  expect(ctx.events.some((e) => e.type === 'storage-error')).toBe(true)
})

it('other tabs are told only once the new copy is stored (a slow set())', async () => {
  const base = sharedStorage()
  const storage: StorageAdapter = {
    ...base,
    set: async (key, value, options) => {
      await sleep(100)
      return base.set(key, value, options)
    },
  }
  const channel = `test-${Math.random()}`
  const tabA = ctx.client({ storage, broadcastChannel: channel, locks: false })
  const tabB = ctx.client({ storage, broadcastChannel: channel, locks: false })
  await tabA.getModelReference('blip')
  await sleep(150)
  await tabB.getModelReference('blip')
  const updated = new Promise<ModelReferenceResult<'blip'>>((resolve) => tabB.subscribe('blip', ({ result }) => result?.source === 'storage' && result.fetchedAt > Date.now() - 1 && resolve(result)))
  advance(5)
  const refreshed = await tabA.refresh('blip')
  const seen = await Promise.race([updated, sleep(1_000).then(() => undefined)])
  expect(seen?.fetchedAt).toBe(refreshed.fetchedAt)
  tabA.dispose()
  tabB.dispose()
})

it('an announcement of a copy no newer than the one held reads nothing from storage', async () => {
  const base = sharedStorage()
  let gets = 0
  const storage: StorageAdapter = {
    ...base,
    get: (key) => {
      gets++
      return base.get(key)
    },
  }
  const channel = `test-${Math.random()}`
  const client = ctx.client({ storage, broadcastChannel: channel, locks: false })
  const { fetchedAt } = await client.getModelReferenceResult('blip')
  const other = new BroadcastChannel(channel)
  const before = gets
  other.postMessage({ type: 'horde-model-reference:updated', category: 'blip', fetchedAt })
  await sleep(50)
  expect(gets).toBe(before)
  // The control: a newer announcement is delivered and read.
  other.postMessage({ type: 'horde-model-reference:updated', category: 'blip', fetchedAt: fetchedAt + 1 })
  await vi.waitFor(() => expect(gets).toBe(before + 1))
  other.close()
  client.dispose()
})
