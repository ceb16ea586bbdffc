import { expect, it } from 'vitest'
import {
  createMemoryStorage,
  isSourcesUnavailableError,
  isValidationError,
  type LockManagerLike,
  type SourcesUnavailableError,
  type StorageAdapter,
} from '../src/index.js'
import { CategoryView } from '../src/cache/result.js'
import { ENVELOPE_FORMAT, type CategoryEnvelope } from '../src/cache/envelope.js'
import type { Copy, QueryState } from '../src/cache/query.js'
import { normalizeOptions } from '../src/options.js'
import { createTransport } from '../src/sources/transport.js'
import { useReferenceServer } from './helpers/setup.js'

// Rules a mutation campaign on the redesign found unguarded (each test kills its mutant), in real time.
const ctx = useReferenceServer()
const sharedStorage = (): StorageAdapter => ({ ...createMemoryStorage(), sharedAcrossContexts: true })
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

it('never retries a timeout or a network error, even with no other source', async () => {
  ctx.server.primaryDown({ kind: 'reset' })
  await expect(ctx.client({ githubFallback: false, retries: 2 }).getModelReference('blip')).rejects.toThrow()
  expect(ctx.server.count('primary')).toBe(1)
  ctx.server.reset()
  ctx.server.primaryDown({ kind: 'hang' })
  await expect(ctx.client({ githubFallback: false, retries: 2, timeoutMs: 200 }).getModelReference('blip')).rejects.toThrow()
  expect(ctx.server.count('primary')).toBe(1)
})

it('a Retry-After of exactly 5 s is still waited for', async () => {
  ctx.server.fault('/v2/blip', { kind: 'status', status: 429, headers: { 'retry-after': '5' } }, 1)
  expect((await ctx.client({ githubFallback: false, retries: 1 }).getModelReferenceResult('blip')).source).toBe('primary')
  expect(ctx.server.count('primary')).toBe(2)
}, 15_000)

it('a retry whose wait would end past totalTimeoutMs is not waited for', async () => {
  ctx.server.primaryDown({ kind: 'status', status: 503, headers: { 'retry-after': '2' } })
  const started = performance.now()
  const error = await ctx.client({ githubFallback: false, retries: 2, totalTimeoutMs: 1_500 }).getModelReference('blip').catch((e: unknown) => e)
  expect(isSourcesUnavailableError(error)).toBe(true)
  expect(performance.now() - started).toBeLessThan(700)
  expect(ctx.server.count('primary')).toBe(1)
})

it('attempts are listed in the order the sources were asked, not the order they failed', async () => {
  ctx.server.primaryDown({ kind: 'hang' })
  ctx.server.githubDown({ kind: 'status', status: 500 })
  const error = (await ctx.client({ timeoutMs: 400, fallbackAfterMs: 50, retries: 0 }).getModelReference('blip').catch((e: unknown) => e)) as SourcesUnavailableError
  expect(error.attempts.map((a) => [a.source, a.kind])).toEqual([
    ['primary', 'timeout'],
    ['github', 'http'],
  ])
})

it('strict: a single issue from the only source is a ValidationError', async () => {
  ctx.server.fault('/v2/blip', { kind: 'body', body: JSON.stringify({ a: { name: 'a', description: 5 } }) })
  expect(isValidationError(await ctx.client({ strict: true, githubFallback: false }).getModelReference('blip').catch((e: unknown) => e))).toBe(true)
})

it('a source that went quiet (a hedge) is put aside like one that answered 503', async () => {
  ctx.server.primaryDown({ kind: 'hang' })
  const client = ctx.client({ fallbackAfterMs: 50 })
  expect((await client.getModelReferenceResult('blip')).source).toBe('github')
  expect((await client.getModelReferenceResult('clip')).source).toBe('github')
  expect(ctx.server.count('primary')).toBe(1)
  expect(ctx.events.some((e) => e.type === 'source-skipped' && e.source === 'primary')).toBe(true)
})

it('credentials go only under their base, not to a sibling path sharing its prefix', async () => {
  const seen: Headers[] = []
  const options = normalizeOptions({
    primaryUrl: 'https://user:secret@mirror.example/api',
    fetch: async (input) => {
      seen.push(new Headers(input.headers))
      return new Response('{}')
    },
  })
  const transport = createTransport(options, () => {})
  const common = { category: 'blip', source: 'primary', signal: new AbortController().signal, timeoutMs: 1_000 } as const
  await transport.get({ ...common, url: 'https://mirror.example/api/model_references/v2/blip' })
  await transport.get({ ...common, url: 'https://mirror.example/api-other/model_references/v2/blip' })
  expect(seen[0]!.get('authorization')).toMatch(/^Basic /)
  expect(seen[1]!.get('authorization')).toBeNull()
})

it('a 304 to a request without If-None-Match is a failure, never a renewal', async () => {
  ctx.server.primaryDown()
  ctx.server.githubDown({ kind: 'status', status: 304 })
  const error = await ctx.client({ retries: 0 }).getModelReference('blip').catch((e: unknown) => e)
  expect(isSourcesUnavailableError(error)).toBe(true)
  expect((error as SourcesUnavailableError).attempts.find((a) => a.source === 'github')?.status).toBe(304)
})

it('a lock never granted costs the lock wait, never a hung read', async () => {
  const locks: LockManagerLike = { request: () => new Promise<never>(() => {}) }
  const client = ctx.client({ storage: sharedStorage(), locks, broadcastChannel: false, totalTimeoutMs: 300 })
  const started = performance.now()
  const result = await Promise.race([client.getModelReferenceResult('blip'), sleep(3_000).then(() => undefined)])
  expect(result?.source).toBe('primary')
  expect(performance.now() - started).toBeLessThan(1_500)
})

it('a lock granted after the wait was given up is let go at once (one download)', async () => {
  const locks: LockManagerLike = { request: (_name, _options, callback) => sleep(500).then(callback) }
  // A failing set(): no shortcut through storage.
  const storage: StorageAdapter = { ...sharedStorage(), set: () => Promise.reject(new Error('full')) }
  await ctx.client({ storage, locks, broadcastChannel: false, totalTimeoutMs: 200 }).getModelReference('blip')
  await sleep(700)
  expect(ctx.server.count('primary')).toBe(1)
})

it('a copy older than the state’s is stale and does not carry the newer copy’s error', () => {
  const now = Date.now()
  const copyAt = (fetchedAt: number): Copy<CategoryEnvelope> => ({
    value: Object.freeze({ format: ENVELOPE_FORMAT, category: 'blip', source: 'primary', fetchedAt, records: {}, aliases: {}, issues: [] }) as unknown as CategoryEnvelope,
    fetchedAt,
    origin: 'primary',
  })
  const older = copyAt(now - 1_000)
  const newer = copyAt(now)
  const view = new CategoryView('blip', { ttlMs: 60_000, maxStaleMs: 60_000 })
  const state: QueryState<CategoryEnvelope> = { copy: newer, error: undefined, failedAt: 0, invalidated: false, invalidatedAt: 0, fetching: false }
  expect(view.result(state, older, now).stale).toBe(true)
  expect(view.result({ ...state, error: new Error('x'), failedAt: now }, older, now).error).toBeUndefined()
})

it('the OrNull reads give null when strict validation failed every source', async () => {
  ctx.server.fault('/v2/blip', { kind: 'body', body: JSON.stringify({ a: { name: 'a', description: 5 } }) })
  ctx.server.githubDown({ kind: 'body', body: JSON.stringify({ b: { name: 7 } }) })
  const client = ctx.client({ strict: true })
  expect(await client.getModelReferenceOrNull('blip')).toBeNull()
  expect(await client.getModelOrNull('blip', 'a')).toBeNull()
})
