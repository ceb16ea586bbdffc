import { describe, expect, it } from 'vitest'
import { createModelReferenceClient, type FetchFunction } from '../src/index.js'
import { Query, reduceQueryState, type Copy, type QueryState } from '../src/cache/query.js'
import { fixtureText } from '../../../e2e/fixtures.js'
import { useFakeClock } from './helpers/clock.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()
const { advance } = useFakeClock()

/** A fetch serving the blip fixture after `gate` opens, recording each request's signal. */
function gatedFetch(): FetchFunction & { signals: AbortSignal[]; open(): void } {
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  const signals: AbortSignal[] = []
  const fetch = (async (request: Request, init?: RequestInit) => {
    const signal = init?.signal ?? request.signal
    signals.push(signal)
    await Promise.race([gate, new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))])
    return new Response(fixtureText('derived-v2/blip.json'), { headers: { 'content-type': 'application/json' } })
  }) as FetchFunction & { signals: AbortSignal[]; open(): void }
  fetch.signals = signals
  fetch.open = () => open()
  return fetch
}

const clientOver = (fetch: FetchFunction) => createModelReferenceClient({ primaryUrl: 'http://primary.test/api', githubFallback: false, retries: 0, fetch })

describe('freshness at the boundary', () => {
  it('a read at exactly ttlSeconds is stale (refetched); a millisecond earlier it is fresh', async () => {
    const client = ctx.client({ ttlSeconds: 60 })
    const first = await client.getModelReferenceResult('blip')
    advance(59.999)
    expect(await client.getModelReferenceResult('blip')).toBe(first)
    expect(ctx.server.count('primary')).toBe(1)
    advance(0.001)
    expect(client.peek('blip').result?.stale).toBe(true)
    const second = await client.getModelReferenceResult('blip')
    expect(second).not.toBe(first)
    expect(second.stale).toBe(false)
    expect(ctx.server.count('primary')).toBe(2)
  })

  it('a stale copy is still served at ttl + maxStaleSeconds minus a millisecond, and not at it', async () => {
    const client = ctx.client({ ttlSeconds: 60, maxStaleSeconds: 60, retries: 0 })
    await client.getModelReference('blip')
    ctx.server.primaryDown()
    ctx.server.githubDown()
    advance(119.999)
    expect((await client.getModelReferenceResult('blip')).stale).toBe(true)
    client.invalidate('blip')
    advance(0.001)
    await expect(client.getModelReference('blip')).rejects.toThrow(/every source failed/)
  })
})

describe('readers of a shared load', () => {
  it('when every reader aborts, the request is cancelled and the next read starts a new one', async () => {
    const fetch = gatedFetch()
    const client = clientOver(fetch)
    const a = new AbortController()
    const b = new AbortController()
    const reads = [client.getModelReference('blip', { signal: a.signal }), client.getModelReference('blip', { signal: b.signal })]
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(fetch.signals).toHaveLength(1)
    a.abort()
    expect(fetch.signals[0]!.aborted).toBe(false)
    b.abort()
    expect(fetch.signals[0]!.aborted).toBe(true)
    await expect(Promise.all(reads)).rejects.toMatchObject({ name: 'AbortError' })
    expect(client.peek('blip')).toMatchObject({ status: 'loading', isFetching: false })
    const next = client.getModelReference('blip')
    fetch.open()
    expect(Object.keys(await next)).toEqual(['BLIP', 'BLIP_Large'])
    expect(fetch.signals).toHaveLength(2)
  })

  it('when one of two readers aborts, the request goes on for the other', async () => {
    const fetch = gatedFetch()
    const client = clientOver(fetch)
    const a = new AbortController()
    const aborted = client.getModelReference('blip', { signal: a.signal })
    const patient = client.getModelReference('blip')
    await new Promise((resolve) => setTimeout(resolve, 10))
    a.abort()
    fetch.open()
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
    expect(Object.keys(await patient)).toEqual(['BLIP', 'BLIP_Large'])
    expect(fetch.signals).toHaveLength(1)
    expect(fetch.signals[0]!.aborted).toBe(false)
  })

  it('a reader joining in the same tick as the last reader aborted gets a new request, never the aborted one (StrictMode remount)', async () => {
    const fetch = gatedFetch()
    const client = clientOver(fetch)
    const first = new AbortController()
    const unmounted = client.getModelReference('blip', { signal: first.signal })
    await new Promise((resolve) => setTimeout(resolve, 10))
    first.abort(new Error('unmounted'))
    const remounted = client.getModelReference('blip')
    fetch.open()
    await expect(unmounted).rejects.toThrow('unmounted')
    expect(Object.keys(await remounted)).toEqual(['BLIP', 'BLIP_Large'])
    expect(fetch.signals.map((signal) => signal.aborted)).toEqual([true, false])
  })

  it('a signal aborted before the read starts rejects at once and asks nobody', async () => {
    const fetch = gatedFetch()
    const client = clientOver(fetch)
    const controller = new AbortController()
    controller.abort()
    await expect(client.getModelReference('blip', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(fetch.signals).toHaveLength(0)
  })

  it('dispose() cancels the load in flight: its readers reject and nothing is recorded', async () => {
    const fetch = gatedFetch()
    const client = clientOver(fetch)
    const read = client.getModelReference('blip')
    await new Promise((resolve) => setTimeout(resolve, 10))
    client.dispose()
    await expect(read).rejects.toMatchObject({ name: 'AbortError' })
    expect(client.peek('blip')).toMatchObject({ status: 'loading', error: undefined, isFetching: false })
  })
})

describe('the transition function', () => {
  const copy = (fetchedAt: number): Copy<string> => ({ value: `copy ${fetchedAt}`, fetchedAt, origin: 'primary' })
  const initial: QueryState<string> = { copy: undefined, error: undefined, failedAt: 0, invalidated: false, invalidatedAt: 0, fetching: false }
  const now = 10_000

  it('a restored copy older than the one held never replaces it (a slow storage read landing after a refresh)', () => {
    const held = reduceQueryState(initial, { type: 'success', copy: copy(2_000), startedAt: 1_900 })
    expect(reduceQueryState(held, { type: 'restore', copy: copy(1_000), at: now })).toBe(held)
    expect(reduceQueryState(held, { type: 'restore', copy: copy(2_000), at: now })).toBe(held)
    expect(reduceQueryState(held, { type: 'restore', copy: copy(3_000), at: now }).copy?.fetchedAt).toBe(3_000)
  })

  it('a held copy dated in the future does not block newer copies from elsewhere', () => {
    const future = reduceQueryState(initial, { type: 'restore', copy: copy(now + 365 * 86_400_000), at: now })
    expect(reduceQueryState(future, { type: 'restore', copy: copy(now), at: now }).copy?.fetchedAt).toBe(now)
  })

  it('a failure keeps the copy; a success clears the failure and the invalidation', () => {
    const held = reduceQueryState(initial, { type: 'success', copy: copy(1), startedAt: 0 })
    const failed = reduceQueryState(reduceQueryState(held, { type: 'invalidate', at: 4 }), { type: 'failure', error: new Error('down'), at: 5 })
    expect(failed).toMatchObject({ copy: held.copy, failedAt: 5, invalidated: true, fetching: false })
    expect(reduceQueryState(failed, { type: 'success', copy: copy(6), startedAt: 5 })).toEqual({ copy: copy(6), error: undefined, failedAt: 0, invalidated: false, invalidatedAt: 0, fetching: false })
  })

  it('an invalidation outlives a load that started before it, and a restored copy older than it', () => {
    const invalidated = reduceQueryState(initial, { type: 'invalidate', at: 100 })
    expect(invalidated).toMatchObject({ copy: undefined, invalidated: true, invalidatedAt: 100 })
    expect(reduceQueryState(invalidated, { type: 'success', copy: copy(150), startedAt: 90 })).toMatchObject({ invalidated: true, invalidatedAt: 100 })
    expect(reduceQueryState(invalidated, { type: 'success', copy: copy(150), startedAt: 100 })).toMatchObject({ invalidated: false })
    expect(reduceQueryState(invalidated, { type: 'restore', copy: copy(99), at: now })).toMatchObject({ invalidated: true })
    expect(reduceQueryState(invalidated, { type: 'restore', copy: copy(101), at: now })).toMatchObject({ invalidated: false })
  })

  it('returns the same object when nothing changes, so that identity says whether anything did', () => {
    expect(reduceQueryState(initial, { type: 'cancel' })).toBe(initial)
    const fetching = reduceQueryState(initial, { type: 'fetch' })
    expect(reduceQueryState(fetching, { type: 'fetch' })).toBe(fetching)
    const invalidated = reduceQueryState(initial, { type: 'invalidate', at: 1 })
    expect(reduceQueryState(invalidated, { type: 'invalidate', at: 2 })).toBe(invalidated)
  })

  it('a query of any data uses the same rules: the AI Horde status is one too', async () => {
    let calls = 0
    const query = new Query<number>({
      load: async () => ({ value: ++calls, fetchedAt: Date.now(), origin: 'test' }),
      freshness: { ttlMs: 60_000, maxStaleMs: 0 },
    })
    const read = () => query.read({ load: true, staleWhileRevalidate: false, keepAlive: () => {} })
    expect((await Promise.all([read(), read()])).map((c) => c?.value)).toEqual([1, 1])
    advance(60)
    expect((await read())?.value).toBe(2)
  })
})
