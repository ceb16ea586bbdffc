import { abortable } from '../abort.js'

/** A copy of a query's data with its provenance. */
export interface Copy<T> {
  readonly value: T
  /** When the data was fetched from its source or last confirmed unchanged, in ms since the epoch. */
  readonly fetchedAt: number
  /** Where this copy came from for this client: a source's id, `'storage'`, or `'snapshot'`. */
  readonly origin: string
  /**
   * A snapshot marked as the last resort, or a copy that replaced one: served (stale) when every
   * load fails, whatever its age; otherwise the same rules as any copy (fresh for the TTL from
   * `fetchedAt`).
   */
  readonly lastResort?: boolean
}

/**
 * Everything a query knows, replaced (never mutated) on every change, so that its identity
 * says whether anything changed.
 */
export interface QueryState<T> {
  /** The last good copy, if any. */
  readonly copy: Copy<T> | undefined
  /** Why the last load failed, until a copy lands (also with nothing cached: a real state). */
  readonly error: Error | undefined
  /** When that load failed (0 when there is no error). */
  readonly failedAt: number
  /** The copy was declared out of date: the next read loads, whatever its age. */
  readonly invalidated: boolean
  /** When it was (0 when it is not): a copy fetched, or a load started, before then is out of date too. */
  readonly invalidatedAt: number
  /** A load is running. */
  readonly fetching: boolean
}

/** Every change a query goes through. */
export type QueryAction<T> =
  /** A load started. */
  | { readonly type: 'fetch' }
  /** A load delivered a copy; `startedAt` is when the load started. */
  | { readonly type: 'success'; readonly copy: Copy<T>; readonly startedAt: number }
  /** A load failed; the copy, if any, is kept. */
  | { readonly type: 'failure'; readonly error: Error; readonly at: number }
  /** A load ended with nothing to record (it was cancelled). */
  | { readonly type: 'cancel' }
  /** A copy from elsewhere (storage, another tab): taken only when newer than the one held (at `at`). */
  | { readonly type: 'restore'; readonly copy: Copy<T>; readonly at: number }
  /** The copy (and any copy from before `at`) is declared out of date. */
  | { readonly type: 'invalidate'; readonly at: number }

const INITIAL: QueryState<never> = Object.freeze({ copy: undefined, error: undefined, failedAt: 0, invalidated: false, invalidatedAt: 0, fetching: false })

// A copy dated further in the future than this (written under a clock running ahead, or read
// under a clock set back) is not trusted to be fresh, nor to be newer than anything.
export const FUTURE_TOLERANCE_MS = 60_000

// A last resort stays one: the copy that replaces it is at least as good, so it is served
// whatever its age too when every source fails.
function inheriting<T>(held: Copy<T> | undefined, next: Copy<T>): Copy<T> {
  return held?.lastResort === true && next.lastResort !== true ? { ...next, lastResort: true } : next
}

// An invalidation holds for a copy that predates it.
function stillInvalidated(state: QueryState<unknown>, predates: boolean): Pick<QueryState<unknown>, 'invalidated' | 'invalidatedAt'> {
  return state.invalidated && predates ? { invalidated: true, invalidatedAt: state.invalidatedAt } : { invalidated: false, invalidatedAt: 0 }
}

/** The one transition function of a query: the state after `action`, or the same object when nothing changes. */
export function reduceQueryState<T>(state: QueryState<T>, action: QueryAction<T>): QueryState<T> {
  switch (action.type) {
    case 'fetch':
      return state.fetching ? state : { ...state, fetching: true }
    case 'success':
      // A load that started before an invalidation delivers a copy that is out of date already.
      return { copy: inheriting(state.copy, action.copy), error: undefined, failedAt: 0, ...stillInvalidated(state, action.startedAt < state.invalidatedAt), fetching: false }
    case 'failure':
      return { ...state, error: action.error, failedAt: action.at, fetching: false }
    case 'cancel':
      return state.fetching ? { ...state, fetching: false } : state
    case 'restore': {
      const held = state.copy
      // Never replace a copy with an older one (a slow storage read landing after a refresh),
      // unless the one held claims a time that has not come yet.
      if (held !== undefined && held.fetchedAt >= action.copy.fetchedAt && held.fetchedAt <= action.at + FUTURE_TOLERANCE_MS) return state
      return { ...state, copy: inheriting(held, action.copy), error: undefined, failedAt: 0, ...stillInvalidated(state, action.copy.fetchedAt <= state.invalidatedAt) }
    }
    case 'invalidate':
      if (state.invalidated && state.error === undefined) return state
      return { ...state, invalidated: true, invalidatedAt: action.at, error: undefined, failedAt: 0 }
  }
}

/** How long a copy is good for. */
export interface Freshness {
  /** Fresh for this long after `fetchedAt`, in ms. */
  readonly ttlMs: number
  /** Still served this long past the TTL when loads fail, in ms. */
  readonly maxStaleMs: number
}

/** `true` while `copy` is within its TTL plus `maxStaleMs`. */
export function isWithinMaxStale(copy: Copy<unknown> | undefined, freshness: Freshness, now: number): copy is Copy<unknown> {
  return copy !== undefined && now - copy.fetchedAt < freshness.ttlMs + freshness.maxStaleMs
}

/** `true` while `copy` may be served at all: within its TTL plus `maxStaleMs`, or a last resort (whatever its age). */
export function isUsable(copy: Copy<unknown> | undefined, freshness: Freshness, now: number): copy is Copy<unknown> {
  return copy !== undefined && (copy.lastResort === true || isWithinMaxStale(copy, freshness, now))
}

/** `true` while the state's copy is fresh: younger than the TTL, not invalidated, and its last refresh did not fail. */
export function isFresh(state: QueryState<unknown>, freshness: Freshness, now: number): boolean {
  if (state.copy === undefined || state.invalidated || state.error !== undefined) return false
  const age = now - state.copy.fetchedAt
  return age >= -FUTURE_TOLERANCE_MS && age < freshness.ttlMs
}

/** What a load is given. */
export interface LoadContext {
  readonly signal: AbortSignal
  /** Keeps the load's own background work (a storage write) alive, as the read that started it asked. */
  readonly keepAlive: (promise: Promise<unknown>) => void
  /** When the read that started the load started (its deadline counts from then). */
  readonly startedAt: number
}

/** What a query is built with: it is given its loader and never imports the source layer. */
export interface QueryConfig<T> {
  /** Loads a new copy; given the copy being refreshed, it may renew that copy instead. */
  load(previous: Copy<T> | undefined, context: LoadContext): Promise<Copy<T>>
  /** Reads a copy kept elsewhere, for a query with none (a cold start); never rejects. */
  restore?(): Promise<Copy<T> | undefined>
  readonly freshness: Freshness
  /** Told of every change, after it happened. */
  onChange?(action: QueryAction<T>, state: QueryState<T>): void
}

/** Options of one read. */
export interface QueryReadOptions {
  readonly signal?: AbortSignal | undefined
  /** `false`: serve what is cached (within `maxStaleMs`) and never load; `undefined` then means nothing usable. */
  readonly load: boolean
  /** Serve a usable stale copy at once and refresh it in the background. */
  readonly staleWhileRevalidate: boolean
  readonly keepAlive: (promise: Promise<unknown>) => void
}

interface Inflight<T> {
  readonly promise: Promise<Copy<T>>
  readonly controller: AbortController
  waiters: number
}

const noop = (): void => {}

/**
 * One key's cached data and its whole life: fresh, stale, invalidated, backing off after a
 * failure, loading or idle, failed with nothing cached. Every change goes through
 * {@link reduceQueryState}; readers of a load share it, each may leave (abort) on its own, and
 * the load is cancelled when the last one leaves.
 */
export class Query<T> {
  #state: QueryState<T> = INITIAL
  #inflight: Inflight<T> | undefined
  #restoring: Promise<void> | undefined
  readonly #listeners = new Set<() => void>()
  // Set by dispose(): every later read rejects with it, and nothing changes any more.
  #disposed: { readonly reason: unknown } | undefined

  constructor(readonly config: QueryConfig<T>) {}

  /** The current state (a new object after every change). */
  get state(): QueryState<T> {
    return this.#state
  }

  /** Calls `listener` after every change. @returns the function that removes it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => void this.#listeners.delete(listener)
  }

  /** Applies one change and tells the listeners. */
  dispatch(action: QueryAction<T>): void {
    if (this.#disposed !== undefined) return
    const next = reduceQueryState(this.#state, action)
    if (next === this.#state) return
    this.#state = next
    this.config.onChange?.(action, next)
    // A listener removed by an earlier one during this round is not called.
    for (const listener of [...this.#listeners]) if (this.#listeners.has(listener)) listener()
  }

  /**
   * The copy a read gets: a fresh one as it is; a stale one while backing off after a failed
   * refresh (one refetch per TTL, not one per read) or with `staleWhileRevalidate` (then one
   * background refresh); otherwise the result of a load, which is the stale copy again when the
   * load fails and the copy is still usable.
   *
   * @returns `undefined` only with `load: false` and nothing usable.
   * @throws the load's error when it failed and nothing usable is cached; the signal's reason on abort.
   */
  async read(options: QueryReadOptions): Promise<Copy<T> | undefined> {
    const { signal } = options
    const startedAt = Date.now()
    this.#throwIfDisposed()
    // With a load already running, join it: storage was asked when it started.
    if (this.#state.copy === undefined && this.#inflight === undefined) await this.restore(signal)
    // A storage read started beside a copy (after a hydration) is waited for: it may be newer.
    else if (this.#restoring !== undefined) await abortable(this.#restoring, signal)
    this.#throwIfDisposed()
    const state = this.#state
    const { freshness } = this.config
    const now = Date.now()
    const usable = isUsable(state.copy, freshness, now)
    if (usable) {
      const backingOff = state.error !== undefined && now < state.failedAt + freshness.ttlMs
      if (isFresh(state, freshness, now) || backingOff) return state.copy
      // A last resort past maxStale is not served before a load has failed.
      if (options.staleWhileRevalidate && options.load && isWithinMaxStale(state.copy, freshness, now)) {
        // One background refresh, joined by later stale reads and kept alive by `keepAlive`.
        options.keepAlive(this.fetch(undefined, options.keepAlive).catch(noop))
        return state.copy
      }
    }
    if (!options.load) return usable ? state.copy : undefined
    return this.fetch(signal, options.keepAlive, startedAt)
  }

  /**
   * Loads now, or joins the load already running. Resolves with the stale copy when the load
   * fails and it is usable. `startedAt` is when the read asking began (the load's deadline counts from then).
   */
  fetch(signal: AbortSignal | undefined, keepAlive: (promise: Promise<unknown>) => void, startedAt = Date.now()): Promise<Copy<T>> {
    this.#throwIfDisposed()
    signal?.throwIfAborted()
    let inflight = this.#inflight
    if (inflight === undefined) {
      const controller = new AbortController()
      const created: Inflight<T> = { controller, waiters: 0, promise: undefined as unknown as Promise<Copy<T>> }
      ;(created as { promise: Promise<Copy<T>> }).promise = this.#run(created, keepAlive, startedAt)
      // Every reader may leave; the shared promise must not become an unhandled rejection.
      created.promise.catch(noop)
      this.#inflight = inflight = created
    }
    return this.#join(inflight, signal)
  }

  /** Reads the copy kept elsewhere when there is none here; concurrent callers share one read, and nothing about it is remembered. */
  restore(signal?: AbortSignal, evenWithCopy = false): Promise<void> {
    const { restore } = this.config
    if (restore === undefined || (this.#state.copy !== undefined && !evenWithCopy)) return Promise.resolve()
    this.#restoring ??= restore()
      .then((copy) => {
        if (copy !== undefined) this.dispatch({ type: 'restore', copy, at: Date.now() })
      }, noop)
      .finally(() => {
        this.#restoring = undefined
      })
    return abortable(this.#restoring, signal)
  }

  /**
   * Ends the query: cancels the load in flight (its readers reject with `reason`), drops the
   * listeners, and makes every later read reject with `reason`.
   */
  dispose(reason: unknown): void {
    const inflight = this.#inflight
    if (inflight !== undefined) this.#detach(inflight, reason)
    this.#disposed = { reason }
    this.#listeners.clear()
  }

  #throwIfDisposed(): void {
    if (this.#disposed !== undefined) throw this.#disposed.reason
  }

  async #run(inflight: Inflight<T>, keepAlive: (promise: Promise<unknown>) => void, readStartedAt: number): Promise<Copy<T>> {
    const { signal } = inflight.controller
    const loadStartedAt = Date.now()
    try {
      // Let the caller finish setting up (`#inflight`) before anything is told of the load.
      await undefined
      signal.throwIfAborted()
      this.dispatch({ type: 'fetch' })
      const copy = await this.config.load(this.#state.copy, { signal, keepAlive, startedAt: readStartedAt })
      signal.throwIfAborted()
      this.#inflight = undefined
      this.dispatch({ type: 'success', copy, startedAt: loadStartedAt })
      return copy
    } catch (error) {
      // A cancelled load was detached when it was cancelled: nothing of it is recorded.
      if (this.#inflight !== inflight) throw error
      this.#inflight = undefined
      const failure = error instanceof Error ? error : new Error(String(error))
      const now = Date.now()
      this.dispatch({ type: 'failure', error: failure, at: now })
      const { copy } = this.#state
      if (isUsable(copy, this.config.freshness, now)) return copy
      throw failure
    }
  }

  #detach(inflight: Inflight<T>, reason: unknown): void {
    inflight.controller.abort(reason)
    // A reader who comes next starts a new load: an aborted one is never handed out again.
    if (this.#inflight === inflight) {
      this.#inflight = undefined
      this.dispatch({ type: 'cancel' })
    }
  }

  #join(inflight: Inflight<T>, signal: AbortSignal | undefined): Promise<Copy<T>> {
    inflight.waiters++
    const leave = (): void => {
      inflight.waiters--
    }
    if (signal === undefined) return inflight.promise.finally(leave)
    return new Promise<Copy<T>>((resolve, reject) => {
      const onAbort = (): void => {
        leave()
        // The shared load is cancelled only when nobody is left waiting for it.
        if (inflight.waiters === 0) this.#detach(inflight, signal.reason)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      inflight.promise.then(
        (copy) => {
          signal.removeEventListener('abort', onAbort)
          leave()
          resolve(copy)
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort)
          leave()
          reject(error)
        },
      )
    })
  }
}
