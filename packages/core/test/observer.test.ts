import { describe, expect, it, vi } from 'vitest'
import type { FetchFunction, ModelReferenceResult } from '../src/index.js'
import { createCategoryObserver, type CategoryObserver, type CategoryObserverState, type ObservedClient } from '../src/observer.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()

// A Svelte-style store over an observer (`{ subscribe }`: called at once with the current value,
// then after each change): all a Svelte binding needs. A Vue one is the same with a shallowRef.
function readable<S>(observer: { getSnapshot(): S; subscribe(onChange: (state: S) => void): () => void }): { subscribe(run: (value: S) => void): () => void } {
  return {
    subscribe(run) {
      run(observer.getSnapshot())
      return observer.subscribe(run)
    },
  }
}

// Subscribes to a store and records every value it gives.
function record<S>(store: { subscribe(run: (value: S) => void): () => void }): { values: S[]; last(): S; stop: () => void } {
  const values: S[] = []
  const stop = store.subscribe((value) => values.push(value))
  return { values, last: () => values[values.length - 1]!, stop }
}

// A client that counts its live subscriptions and the signals of the loads it was asked for.
function counted(client: ObservedClient): ObservedClient & { subscriptions: number; signals: AbortSignal[] } {
  const wrapped = {
    subscriptions: 0,
    signals: [] as AbortSignal[],
    peek: client.peek.bind(client),
    subscribe(category: string, listener: Parameters<ObservedClient['subscribe']>[1]) {
      wrapped.subscriptions++
      const stop = client.subscribe(category, listener)
      let stopped = false
      return () => {
        if (!stopped) wrapped.subscriptions--
        stopped = true
        stop()
      }
    },
    getModelReferenceResult(category: string, options?: { signal?: AbortSignal }) {
      if (options?.signal !== undefined) wrapped.signals.push(options.signal)
      return client.getModelReferenceResult(category, options)
    },
  }
  return wrapped as unknown as ObservedClient & { subscriptions: number; signals: AbortSignal[] }
}

// The fetch the client uses, recording each request's signal (a request the server got, then aborted).
function recordingFetch(): FetchFunction & { requests: Request[] } {
  const requests: Request[] = []
  const fetch = ((request: Request) => {
    requests.push(request)
    return globalThis.fetch(request)
  }) as FetchFunction & { requests: Request[] }
  fetch.requests = requests
  return fetch
}

const dataRequests = (): number => ctx.server.requests.filter((request) => request.kind === 'data').length
const settle = (ms = 50): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('createCategoryObserver', () => {
  it('goes from loading to success through a Svelte-style store, with one request', async () => {
    const observer = createCategoryObserver(ctx.client(), 'blip')
    const store = record(readable(observer))
    expect(store.values[0]).toMatchObject({ status: 'loading', category: 'blip', data: undefined, result: undefined, isLoading: true, isSuccess: false, isError: false, stale: false })
    await vi.waitFor(() => expect(store.last().status).toBe('success'))
    const state = store.last()
    if (state.status !== 'success') throw new Error('not narrowed')
    expect(Object.keys(state.data)).toEqual(Object.keys(state.result.models))
    expect(state.data).toBe(state.result.models)
    expect(state).toMatchObject({ isLoading: false, isSuccess: true, isError: false, stale: false, isFetching: false })
    expect(store.values.some((value) => value.status === 'loading' && value.isFetching)).toBe(true)
    // Every value told is a new object, and getSnapshot gives the last one until something changes.
    expect(new Set(store.values).size).toBe(store.values.length)
    expect(observer.getSnapshot()).toBe(state)
    expect(Object.isFrozen(state)).toBe(true)
    expect(dataRequests()).toBe(1)
    store.stop()
  })

  it('select: called once per result, its data the same object across a refresh starting and a setOptions with the same function', async () => {
    const client = ctx.client()
    const calls: ModelReferenceResult<'blip'>[] = []
    const names = (result: ModelReferenceResult<'blip'>): string[] => (calls.push(result), Object.keys(result.models))
    const observer = createCategoryObserver(client, 'blip', { select: names })
    const store = record(readable(observer))
    await vi.waitFor(() => expect(store.last().status).toBe('success'))
    const first = store.last()
    expect(first.data).toEqual(['BLIP', 'BLIP_Large'])
    expect(calls).toHaveLength(1)

    const told = store.values.length
    await client.refresh('blip')
    expect(store.last().isFetching).toBe(false)
    // The refresh started: a new state, the same result, so the same data and no select call.
    const fetching = store.values.slice(told).find((value) => value.isFetching)!
    expect(fetching).toMatchObject({ status: 'success', isFetching: true })
    expect(fetching.result).toBe(first.result)
    expect(fetching.data).toBe(first.data)
    // The refresh ended with a new result object (a new fetchedAt): select ran once for it, and only then.
    const results = new Set(store.values.slice(told).map((value) => value.result))
    expect(calls.length).toBe(1 + [...results].filter((result) => result !== first.result).length)

    const before = observer.getSnapshot()
    observer.setOptions({ select: names })
    expect(observer.getSnapshot()).toBe(before)
    const count = store.values.length
    observer.setOptions({ select: (result) => Object.keys(result.models).reverse() })
    expect(store.values).toHaveLength(count + 1)
    expect(store.last().data).toEqual(['BLIP_Large', 'BLIP'])
    store.stop()
  })

  it('enabled: false asks for nothing and reports what the client has; setOptions({ enabled: true }) loads', async () => {
    const client = counted(ctx.client())
    const observer = createCategoryObserver(client, 'clip', { enabled: false })
    const store = record(readable(observer))
    await settle()
    expect(ctx.server.requests).toEqual([])
    expect(client.signals).toEqual([])
    expect(store.last()).toMatchObject({ status: 'loading', isFetching: false })

    observer.setOptions({ enabled: true })
    await vi.waitFor(() => expect(store.last().status).toBe('success'))
    expect(dataRequests()).toBe(1)
    expect(client.signals).toHaveLength(1)
    store.stop()
  })

  it('enabled: false still reports another reader’s load', async () => {
    const client = ctx.client()
    const store = record(readable(createCategoryObserver(client, 'clip', { enabled: false })))
    await client.getModelReference('clip')
    expect(store.last().status).toBe('success')
    expect(dataRequests()).toBe(1)
    store.stop()
  })

  it('reports a load that fails with nothing cached as status error, and does not retry on its own', async () => {
    ctx.server.primaryDown()
    ctx.server.githubDown()
    const observer = createCategoryObserver(ctx.client({ retries: 0 }), 'blip')
    const store = record(readable(observer))
    await vi.waitFor(() => expect(store.last().status).toBe('error'))
    const state = store.last()
    expect(state).toMatchObject({ isError: true, isLoading: false, isSuccess: false, data: undefined, result: undefined })
    expect(state.error).toBeInstanceOf(Error)
    const requests = ctx.server.requests.length
    await settle(100)
    expect(ctx.server.requests.length).toBe(requests)
    store.stop()
  })

  it('a throwing select is status error with what it threw', async () => {
    const observer = createCategoryObserver(ctx.client(), 'blip', {
      select: (): never => {
        throw new TypeError('bad select')
      },
    })
    const store = record(readable(observer))
    await vi.waitFor(() => expect(store.last().status).toBe('error'))
    expect(store.last().error).toEqual(new TypeError('bad select'))
    store.stop()
  })

  it('loads again when the copy goes stale (an invalidation), once, with one load in flight at a time', async () => {
    const real = ctx.client()
    const client = counted(real)
    const store = record(readable(createCategoryObserver(client, 'blip')))
    await vi.waitFor(() => expect(store.last().status).toBe('success'))
    expect(client.signals).toHaveLength(1)
    real.invalidate('blip')
    real.invalidate('blip')
    await vi.waitFor(() => expect(store.last()).toMatchObject({ status: 'success', stale: false, isFetching: false }))
    expect(client.signals).toHaveLength(2)
    await settle()
    expect(client.signals).toHaveLength(2)
    store.stop()
  })

  it('destroy() aborts the load: the server’s request is aborted and no state comes after', async () => {
    ctx.server.fault('/v2/blip', { kind: 'hang' })
    const fetch = recordingFetch()
    const client = counted(ctx.client({ fetch, githubFallback: false, retries: 0 }))
    const observer = createCategoryObserver(client, 'blip')
    const store = record(readable(observer))
    await vi.waitFor(() => expect(fetch.requests).toHaveLength(1))
    const told = store.values.length
    observer.destroy()
    expect(client.signals[0]!.aborted).toBe(true)
    await vi.waitFor(() => expect(fetch.requests[0]!.signal.aborted).toBe(true))
    expect(client.subscriptions).toBe(0)
    await settle()
    expect(store.values).toHaveLength(told)
    // The client forgot the cancelled load; a destroyed observer neither subscribes nor loads.
    expect(client.peek('blip')).toMatchObject({ status: 'loading', isFetching: false })
    expect(observer.subscribe(() => {})).toBeTypeOf('function')
    expect(client.subscriptions).toBe(0)
    expect(client.signals).toHaveLength(1)
  })

  it('the last listener leaving aborts the load; a listener coming back at once (React’s StrictMode) keeps it', async () => {
    ctx.server.fault('/v2/blip', { kind: 'hang' })
    const client = counted(ctx.client({ githubFallback: false, retries: 0 }))
    const observer = createCategoryObserver(client, 'blip')
    let stop = observer.subscribe(() => {})
    stop()
    stop = observer.subscribe(() => {})
    await settle()
    expect(client.signals).toHaveLength(1)
    expect(client.signals[0]!.aborted).toBe(false)
    stop()
    await vi.waitFor(() => expect(client.signals[0]!.aborted).toBe(true))
    expect(client.subscriptions).toBe(0)
  })

  it('leaks no listener: one client subscription for any number of listeners, none once they leave', async () => {
    const client = counted(ctx.client())
    const observer: CategoryObserver<'blip'> = createCategoryObserver(client, 'blip')
    const seen: CategoryObserverState<'blip'>[][] = [[], []]
    const stops = seen.map((values) => observer.subscribe((state) => values.push(state)))
    expect(client.subscriptions).toBe(1)
    await vi.waitFor(() => expect(observer.getSnapshot().status).toBe('success'))
    expect(seen[0]).toEqual(seen[1])
    stops[0]!()
    stops[0]!()
    expect(client.subscriptions).toBe(1)
    stops[1]!()
    expect(client.subscriptions).toBe(0)
    // Without listeners it still answers getSnapshot, from the client.
    expect(observer.getSnapshot().status).toBe('success')
  })
})

describe('the TTL running out', () => {
  it('with listeners, the copy going stale with time is loaded again (a timer, cleared when the last listener leaves)', async () => {
    const client = ctx.client({ ttlSeconds: 1 })
    await client.getModelReference('blip')
    const observer = createCategoryObserver(client, 'blip')
    const seen: CategoryObserverState<'blip'>[] = []
    const stop = observer.subscribe((state) => seen.push(state))
    const before = ctx.server.requests.length
    await settle(1_400)
    // Past the TTL: the observer noticed, and the client asked the primary (last_updated, maybe the data).
    expect(ctx.server.requests.length).toBeGreaterThan(before)
    expect(seen.length).toBeGreaterThan(0)
    stop()
    await settle(10)
    const after = ctx.server.requests.length
    await settle(1_200)
    // No listener, no timer: nothing more is asked.
    expect(ctx.server.requests.length).toBe(after)
    client.dispose()
  })
})
