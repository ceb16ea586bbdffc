import { describe, expect, it } from 'vitest'
import { createMemoryStorage, isSourcesUnavailableError, type CategoryState, type StorageAdapter, type StorageSetOptions } from '../src/index.js'
import { ENVELOPE_FORMAT, envelopeKey } from '../src/cache/envelope.js'
import { useFakeClock } from './helpers/clock.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()

const { advance } = useFakeClock()

describe('TTL', () => {
  it('a warm read returns the same frozen object with no request', async () => {
    const client = ctx.client()
    const first = await client.getModelReferenceResult('image_generation')
    const second = await client.getModelReferenceResult('image_generation')
    expect(second).toBe(first)
    expect(await client.getModelReference('image_generation')).toBe(first.models)
    expect(Object.isFrozen(first)).toBe(true)
    expect(Object.isFrozen(first.models)).toBe(true)
    expect(Object.isFrozen(first.models['AlbedoBase XL (SDXL)'])).toBe(true)
    expect(Object.isFrozen(first.models['AlbedoBase XL (SDXL)']!.config.download[0])).toBe(true)
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('is fresh within ttlSeconds and refetched after', async () => {
    const client = ctx.client({ ttlSeconds: 60 })
    const first = await client.getModelReferenceResult('blip')
    advance(59)
    expect(await client.getModelReferenceResult('blip')).toBe(first)
    expect(ctx.server.count('primary')).toBe(1)
    advance(2)
    const second = await client.getModelReferenceResult('blip')
    expect(ctx.server.count('primary')).toBe(2)
    expect(second).not.toBe(first)
    expect(second.fetchedAt).toBe(Date.now())
    expect(second.stale).toBe(false)
  })

  it('N concurrent reads of one category make one request', async () => {
    const client = ctx.client()
    const results = await Promise.all(Array.from({ length: 50 }, () => client.getModelReferenceResult('text_generation')))
    expect(new Set(results).size).toBe(1)
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('concurrent reads share one fallback too', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    const client = ctx.client()
    await Promise.all(Array.from({ length: 20 }, () => client.getModelReference('controlnet')))
    expect(ctx.server.count('primary')).toBe(1)
    expect(ctx.server.count('github')).toBe(1)
  })

  it('one reader aborting does not cancel the request the others wait for', async () => {
    ctx.server.fault('/v2/blip', { kind: 'trickle', intervalMs: 30, chunks: 4 })
    const client = ctx.client()
    const controller = new AbortController()
    const aborted = client.getModelReference('blip', { signal: controller.signal })
    const patient = client.getModelReferenceResult('blip')
    controller.abort()
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
    expect((await patient).source).toBe('primary')
    expect(ctx.server.count('primary')).toBe(1)
    expect(ctx.server.count('github')).toBe(0)
  })
})

describe('stale-if-error', () => {
  it('serves the last good copy, marked stale, when every source fails', async () => {
    const client = ctx.client({ ttlSeconds: 60, retries: 0 })
    const good = await client.getModelReferenceResult('controlnet')
    advance(120)
    ctx.server.primaryDown()
    ctx.server.githubDown()
    const stale = await client.getModelReferenceResult('controlnet')
    expect(stale.stale).toBe(true)
    expect(stale.models).toBe(good.models)
    expect(stale.fetchedAt).toBe(good.fetchedAt)
    expect(isSourcesUnavailableError(stale.error)).toBe(true)
    expect(ctx.events.some((e) => e.type === 'stale-served' && e.category === 'controlnet')).toBe(true)
  })

  it('does not refetch on every read while serving stale, but retries after another TTL', async () => {
    const client = ctx.client({ ttlSeconds: 60, retries: 0 })
    await client.getModelReference('esrgan')
    advance(61)
    ctx.server.primaryDown()
    ctx.server.githubDown()
    await client.getModelReference('esrgan')
    const afterFailure = ctx.server.requests.length
    await client.getModelReference('esrgan')
    advance(30)
    await client.getModelReference('esrgan')
    expect(ctx.server.requests.length).toBe(afterFailure)
    ctx.server.reset()
    advance(31)
    const recovered = await client.getModelReferenceResult('esrgan')
    expect(recovered.stale).toBe(false)
    expect(recovered.error).toBeUndefined()
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('stops serving the copy after maxStaleSeconds', async () => {
    const client = ctx.client({ ttlSeconds: 60, maxStaleSeconds: 3600, retries: 0 })
    await client.getModelReference('gfpgan')
    advance(60 + 3600 + 1)
    ctx.server.primaryDown()
    ctx.server.githubDown()
    await expect(client.getModelReference('gfpgan')).rejects.toThrow(/every source failed/)
  })

  it('a refresh() that fails resolves with the stale copy and its error', async () => {
    const client = ctx.client({ retries: 0 })
    const good = await client.getModelReferenceResult('clip')
    ctx.server.primaryDown({ kind: 'reset' })
    ctx.server.githubDown({ kind: 'reset' })
    const result = await client.refresh('clip')
    expect(result.models).toBe(good.models)
    expect(result.stale).toBe(true)
    expect(result.error?.message).toMatch(/network/)
  })

  it('an empty answer never replaces a copy that has records', async () => {
    const record = { name: 'canny', control_types: ['canny'], preprocessors: ['CannyPreprocessor'] }
    ctx.server.fault('/v2/controlnet_annotator', { kind: 'body', body: JSON.stringify({ canny: record }) }, 1)
    const client = ctx.client()
    const good = await client.getModelReferenceResult('controlnet_annotator')
    expect(Object.keys(good.models)).toEqual(['canny'])
    // The server now answers {} (its normal answer for this category).
    const after = await client.refresh('controlnet_annotator')
    expect(after.models).toBe(good.models)
    expect(after.stale).toBe(true)
    expect(after.error?.message).toMatch(/no records/)
  })

  it('worse data from the primary (all invalid) falls back, and with GitHub down keeps the good copy', async () => {
    const client = ctx.client({ retries: 0 })
    const good = await client.getModelReferenceResult('image_generation')
    ctx.server.primaryDown({ kind: 'body', body: '{"x": {"name": "x"}}' })
    ctx.server.githubDown({ kind: 'body', body: '{}' })
    const after = await client.refresh('image_generation')
    expect(after.models).toBe(good.models)
    expect(after.stale).toBe(true)
  })
})

describe('cache control', () => {
  it('refresh() forces a fetch even when fresh', async () => {
    const client = ctx.client()
    await client.getModelReference('blip')
    await client.refresh('blip')
    expect(ctx.server.count('primary')).toBe(2)
  })

  it('refresh() without a category refreshes every fetchable category', async () => {
    await ctx.client().refresh()
    expect(ctx.server.count('primary')).toBe(13)
  })

  it('invalidate() makes the next read fetch and keeps the copy as a fallback', async () => {
    const client = ctx.client({ retries: 0 })
    const good = await client.getModelReferenceResult('blip')
    client.invalidate('blip')
    expect(client.peek('blip').result?.stale).toBe(true)
    ctx.server.primaryDown()
    ctx.server.githubDown()
    const after = await client.getModelReferenceResult('blip')
    expect(after.models).toBe(good.models)
    expect(after.stale).toBe(true)
    // The first load, then one refetch after invalidate().
    expect(ctx.server.count('primary')).toBe(2)
  })

  it('peek() is synchronous and never fetches', async () => {
    const client = ctx.client()
    expect(client.peek('blip')).toMatchObject({ status: 'loading', result: undefined, isFetching: false })
    expect(ctx.server.requests).toHaveLength(0)
    const result = await client.getModelReferenceResult('blip')
    const state = client.peek('blip')
    expect(state).toMatchObject({ status: 'success', result, error: undefined, isFetching: false })
    expect(client.peek('blip')).toBe(state)
    advance(61)
    expect(client.peek('blip').result?.stale).toBe(true)
    expect(client.peek('blip').result?.models).toBe(result.models)
    expect(ctx.server.count('primary')).toBe(1)
    expect(client.peek('lora').result?.models).toEqual({})
  })

  it('subscribe() is told of every change: loading, data landing, a refresh running, stale served; and stops after unsubscribe', async () => {
    const client = ctx.client({ retries: 0 })
    const seen: CategoryState<'blip'>[] = []
    const unsubscribe = client.subscribe('blip', (state) => seen.push(state))
    const first = await client.getModelReferenceResult('blip')
    advance(61)
    ctx.server.primaryDown()
    ctx.server.githubDown()
    const stale = await client.getModelReferenceResult('blip')
    expect(seen.map((state) => [state.status, state.isFetching, state.result])).toEqual([
      ['loading', true, undefined],
      ['success', false, first],
      ['success', true, expect.objectContaining({ models: first.models, stale: true })],
      ['success', false, stale],
    ])
    expect(isSourcesUnavailableError(seen.at(-1)!.error)).toBe(true)
    expect(seen.at(-1)).toBe(client.peek('blip'))
    unsubscribe()
    ctx.server.reset()
    await client.refresh('blip')
    expect(seen).toHaveLength(4)
  })

  it('a load that fails with nothing cached is a state subscribers and peek() see', async () => {
    const client = ctx.client({ retries: 0 })
    ctx.server.primaryDown()
    ctx.server.githubDown()
    const seen: CategoryState<'blip'>[] = []
    client.subscribe('blip', (state) => seen.push(state))
    const error = await client.getModelReferenceResult('blip').catch((e: unknown) => e)
    expect(isSourcesUnavailableError(error)).toBe(true)
    expect(client.peek('blip')).toMatchObject({ status: 'error', result: undefined, error, isFetching: false })
    expect(seen.map((state) => state.status)).toEqual(['loading', 'error'])
    ctx.server.reset()
    await client.getModelReferenceResult('blip')
    expect(client.peek('blip')).toMatchObject({ status: 'success', error: undefined })
  })

  it('a listener that throws does not break the read', async () => {
    const client = ctx.client()
    client.subscribe('blip', () => {
      throw new Error('listener bug')
    })
    expect(Object.keys(await client.getModelReference('blip'))).toHaveLength(2)
    expect(ctx.events.some((e) => e.type === 'error' && (e.error as Error).message === 'listener bug')).toBe(true)
  })
})

describe('storage', () => {
  it('a second client over the same storage reads it with no request (source: storage)', async () => {
    const storage = createMemoryStorage()
    const first = await ctx.client({ storage }).getModelReferenceResult('image_generation')
    const second = await ctx.client({ storage }).getModelReferenceResult('image_generation')
    expect(second.source).toBe('storage')
    // The in-memory adapter keeps the frozen records by reference: one copy in memory.
    expect(second.models).toBe(first.models)
    expect(second.fetchedAt).toBe(first.fetchedAt)
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('a stale stored copy is refetched, and served if that fails', async () => {
    const storage = createMemoryStorage()
    await ctx.client({ storage }).getModelReference('blip')
    advance(120)
    ctx.server.primaryDown()
    ctx.server.githubDown()
    const result = await ctx.client({ storage, retries: 0 }).getModelReferenceResult('blip')
    expect(result.source).toBe('storage')
    expect(result.stale).toBe(true)
    // The first client's load, then the second client's refetch of the stale copy.
    expect(ctx.server.count('primary')).toBe(2)
  })

  it('a storage that throws is a cache miss plus an event, never a failed read', async () => {
    const broken: StorageAdapter = {
      get: () => Promise.reject(new Error('quota')),
      set: () => {
        throw new Error('quota')
      },
      delete: () => Promise.reject(new Error('quota')),
      clear: () => Promise.reject(new Error('quota')),
    }
    const result = await ctx.client({ storage: broken }).getModelReferenceResult('blip')
    expect(result.source).toBe('primary')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(ctx.events.filter((e) => e.type === 'storage-error').map((e) => e.type === 'storage-error' && e.operation).sort()).toEqual(['get', 'set'])
  })

  it('a corrupt or foreign value in storage is ignored and refetched', async () => {
    const storage = createMemoryStorage()
    await storage.set(envelopeKey('blip'), { format: 999, category: 'blip', records: {} }, { retentionSeconds: 60, metadata: { format: 999, category: 'blip', source: 'primary', fetchedAt: 0 } })
    const result = await ctx.client({ storage }).getModelReferenceResult('blip')
    expect(result.source).toBe('primary')
    expect(ctx.events.some((e) => e.type === 'storage-error')).toBe(true)
  })

  it('a stored copy dated in the future (a skewed clock) is not trusted to be fresh', async () => {
    const storage = createMemoryStorage()
    const writer = ctx.client({ storage })
    await writer.getModelReference('blip')
    const stored = (await storage.get(envelopeKey('blip'))) as { fetchedAt: number }
    // As a machine whose clock runs a day ahead would have written it.
    await storage.set(envelopeKey('blip'), { ...structuredClone(stored), fetchedAt: stored.fetchedAt + 86_400_000 }, { retentionSeconds: 600, metadata: { format: ENVELOPE_FORMAT, category: 'blip', source: 'primary', fetchedAt: 0 } })
    const reader = ctx.client({ storage })
    const result = await reader.getModelReferenceResult('blip')
    expect(result.source).toBe('primary')
    expect(result.stale).toBe(false)
    expect(ctx.server.count('primary')).toBe(2)
  })

  it('an envelope of an older format is discarded and refetched, never misread', async () => {
    const storage = createMemoryStorage()
    const good = await ctx.client({ storage }).getModelReferenceResult('blip')
    // The same copy, as format 1 (before lastUpdated and etag) wrote it.
    const older = { ...(await storage.get(envelopeKey('blip')) as object), format: 1 }
    await storage.set(envelopeKey('blip'), older, { retentionSeconds: 60, metadata: { format: 1, category: 'blip', source: 'primary', fetchedAt: Date.now() } })
    const result = await ctx.client({ storage }).getModelReferenceResult('blip')
    expect(result.source).toBe('primary')
    expect(result.models).toEqual(good.models)
    expect(ctx.server.count('primary')).toBe(2)
  })

  it('a stored envelope written elsewhere is validated again, record by record', async () => {
    const storage = createMemoryStorage()
    const good = await ctx.client({ storage }).getModelReferenceResult('blip')
    // A structured clone (as IndexedDB would return) with one broken record added.
    const envelope = structuredClone(await storage.get(envelopeKey('blip'))) as { records: Record<string, unknown> }
    envelope.records.broken = { name: 42 }
    await storage.set(envelopeKey('blip'), envelope, { retentionSeconds: 60, metadata: { format: ENVELOPE_FORMAT, category: 'blip', source: 'primary', fetchedAt: Date.now() } })
    const result = await ctx.client({ storage }).getModelReferenceResult('blip')
    expect(result.source).toBe('storage')
    expect(result.models).toEqual(good.models)
    expect(result.issues.some((i) => i.key === 'broken' && i.severity === 'error')).toBe(true)
  })

  it('writes the envelope with a retention of TTL plus maxStaleSeconds', async () => {
    const calls: [string, unknown, StorageSetOptions][] = []
    const storage: StorageAdapter = {
      get: async () => undefined,
      set: async (key, value, options) => {
        calls.push([key, value, options])
      },
      delete: async () => {},
      clear: async () => {},
    }
    await ctx.client({ storage, ttlSeconds: 60, maxStaleSeconds: 600 }).getModelReference('blip')
    expect(calls).toHaveLength(1)
    expect(calls[0]![0]).toBe('horde-model-reference:blip')
    expect(calls[0]![1]).toMatchObject({ format: ENVELOPE_FORMAT, category: 'blip', source: 'primary', fetchedAt: Date.now() })
    expect(calls[0]![2]).toEqual({ retentionSeconds: 660, metadata: { format: ENVELOPE_FORMAT, category: 'blip', source: 'primary', fetchedAt: Date.now() } })
  })
})
