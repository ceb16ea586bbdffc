/**
 * One reader of one category, with no framework in it: the client's state as a stable frozen
 * snapshot, `data` derived by `select`, and the loads the reader needs while someone listens.
 * What a UI binding (the React hooks, a Svelte store, a Vue ref) sits on.
 *
 * @module @horde-model-reference/core/observer
 */
import type { CategoryState, ModelReferenceResult } from './cache/result.js'
import type { ModelReferenceCategory } from './categories.js'
import type { ModelReferenceClient } from './client.js'
import type { ModelMap } from './records/types.js'
import { checkOptions, type KnownOptions } from './options-check.js'

const OBSERVER_OPTIONS = { enabled: 1, select: 1 } satisfies KnownOptions<CategoryObserverOptions<ModelReferenceCategory>>

/** What an observer uses of a client (`createModelReferenceClient`) or of the `ModelReferenceManager`. */
export type ObservedClient = Pick<ModelReferenceClient, 'peek' | 'subscribe' | 'getModelReferenceResult'>

/** Options of {@link createCategoryObserver} and `setOptions`. */
export interface CategoryObserverOptions<C extends ModelReferenceCategory, T = ModelMap<C>> {
  /**
   * `false`: never asks the client to load; the observer only reports what the client has
   * (another reader's load, a copy restored from storage or another tab). @default true
   */
  enabled?: boolean | undefined
  /**
   * Derives `data` from the result (`(result) => Object.keys(result.models)`). Called again only
   * when the result object or the function changes, so `data` keeps its identity across
   * unrelated changes (a refresh starting or ending): pass the same function every time. A
   * throwing `select` gives `status: 'error'` with what it threw. By default `data` is `result.models`.
   */
  select?: ((result: ModelReferenceResult<C>) => T) | undefined
}

/** What every state of an observer has. */
export interface CategoryObserverStateBase<C extends ModelReferenceCategory> {
  /** The category observed. */
  readonly category: C
  /** The client is loading the category (this observer's load, or anyone's). */
  readonly isFetching: boolean
}

/** Nothing loaded yet (with `enabled: false`, until someone else loads the category). */
export interface CategoryObserverLoading<C extends ModelReferenceCategory> extends CategoryObserverStateBase<C> {
  readonly status: 'loading'
  readonly data: undefined
  readonly result: undefined
  readonly error: undefined
  readonly stale: false
  readonly isLoading: true
  readonly isSuccess: false
  readonly isError: false
}

/** A load failed and nothing usable is cached, or `select` threw. */
export interface CategoryObserverError<C extends ModelReferenceCategory> extends CategoryObserverStateBase<C> {
  readonly status: 'error'
  readonly data: undefined
  readonly result: undefined
  /** Why: the load's error (a `SourcesUnavailableError` as a rule), or what `select` threw. */
  readonly error: Error
  readonly stale: false
  readonly isLoading: false
  readonly isSuccess: false
  readonly isError: true
}

/** A copy is there (maybe stale, maybe being refreshed). */
export interface CategoryObserverSuccess<C extends ModelReferenceCategory, T = ModelMap<C>> extends CategoryObserverStateBase<C> {
  readonly status: 'success'
  /** `result.models`, or what `select` derived from the result. */
  readonly data: T
  /** The client's copy: records, source, `fetchedAt`, `stale`, issues. */
  readonly result: ModelReferenceResult<C>
  /** Why the last refresh failed, when the copy is served stale because of it. */
  readonly error: Error | undefined
  /** The copy is past its TTL (a refresh is due or running, or failed: see `error`). */
  readonly stale: boolean
  readonly isLoading: false
  readonly isSuccess: true
  readonly isError: false
}

/**
 * What an observer reports, by `status` (or `isLoading`, `isSuccess`, `isError`): `'success'` has
 * `data` and `result`; `'error'` has `error`; `'loading'` neither yet. The same object until
 * something in it changes.
 */
export type CategoryObserverState<C extends ModelReferenceCategory = ModelReferenceCategory, T = ModelMap<C>> = CategoryObserverLoading<C> | CategoryObserverError<C> | CategoryObserverSuccess<C, T>

/** A listener of an observer: called with the new state after each change. */
export type CategoryObserverListener<C extends ModelReferenceCategory, T> = (state: CategoryObserverState<C, T>) => void

/**
 * One reader of a category: the client's state as a stable snapshot, with `data` derived by
 * `select`, and the loads the reader needs. Bind it to any UI framework with `subscribe` and
 * `getSnapshot` (React's `useSyncExternalStore`, a Svelte store, a Vue `shallowRef`).
 *
 * While it has listeners it asks the client to load the category when the copy is missing or
 * goes stale: an invalidation or a failed refresh the client tells of, or its TTL running out (a
 * timer for that moment, only while it has listeners, unref'd in Node, needing the client's
 * `options.ttlSeconds`) (one load at a time; a load that fails is not retried until the copy changes or the
 * observer is enabled or subscribed again). When the last listener leaves (or on `destroy()`) it
 * aborts its load: the request goes on only while another reader waits for it. Without
 * listeners it holds nothing: no timer, no subscription.
 */
export class CategoryObserver<C extends ModelReferenceCategory, T = ModelMap<C>> {
  /** The category observed. */
  readonly category: C
  readonly #client: ObservedClient
  #enabled: boolean
  #select: ((result: ModelReferenceResult<C>) => T) | undefined
  readonly #listeners = new Set<CategoryObserverListener<C, T>>()
  #unsubscribe: (() => void) | undefined
  #load: AbortController | undefined
  // The copy went missing or stale while a load ran: check once more when it settles.
  #again = false
  // The last state needed a load (a load is asked for when this becomes true).
  #needed = false
  #destroyed = false
  // Fires when the copy's TTL runs out, while the observer has listeners (then it loads again).
  #timer: ReturnType<typeof setTimeout> | undefined
  // The last state told to the listeners.
  #told: CategoryObserverState<C, T> | undefined
  // Per select function (or NO_SELECT): what it gave for which result, and the last snapshot.
  readonly #memo = new WeakMap<object, { result?: ModelReferenceResult<C>; value?: T; thrown?: Error; state?: CategoryState<C>; snapshot?: CategoryObserverState<C, T> }>()
  #server: { result: ModelReferenceResult<C> | undefined; select: unknown; snapshot: CategoryObserverState<C, T> } | undefined

  /**
   * Creates an observer; it does nothing (no subscription, no load) until its first listener.
   * @param client A client or the `ModelReferenceManager`.
   * @param category The category to observe.
   * @param options `enabled` and `select`.
   */
  constructor(client: ObservedClient, category: C, options: CategoryObserverOptions<C, T> = {}) {
    checkOptions('createCategoryObserver', options, OBSERVER_OPTIONS)
    this.#client = client
    this.category = category
    this.#enabled = options.enabled ?? true
    this.#select = options.select
  }

  /** The current state (no load, no side effect): the same object until something in it changes. */
  readonly getSnapshot = (): CategoryObserverState<C, T> => this.#derive(this.#client.peek(this.category), this.#select)

  /**
   * The state these options would give, without applying them (a framework reads it while
   * rendering, and applies the options after: `setOptions`). The same object as `getSnapshot()`
   * once they are applied.
   */
  getSnapshotFor(options: CategoryObserverOptions<C, T>): CategoryObserverState<C, T> {
    checkOptions('getSnapshotFor', options, OBSERVER_OPTIONS)
    return this.#derive(this.#client.peek(this.category), options.select)
  }

  /**
   * The state for server rendering and hydration, never the client's live one: `result` (a
   * result serialized on the server) as `'success'`, or `'loading'` without one. The same object
   * for the same result and `select`.
   */
  getServerSnapshot(result?: ModelReferenceResult<C>, options: CategoryObserverOptions<C, T> = { select: this.#select }): CategoryObserverState<C, T> {
    checkOptions('getServerSnapshot', options, OBSERVER_OPTIONS)
    const { select } = options
    const server = this.#server
    if (server !== undefined && server.result === result && server.select === select) return server.snapshot
    const state = (result === undefined
      ? { status: 'loading', category: this.category, result: undefined, error: undefined, isFetching: false }
      : { status: 'success', category: this.category, result, error: undefined, isFetching: false }) as CategoryState<C>
    const snapshot = this.#build(state, select, undefined)
    this.#server = { result, select, snapshot }
    return snapshot
  }

  /**
   * Calls `onChange` with the new state after every change (not with the current one: read
   * `getSnapshot()`). The first listener subscribes to the client and loads what is missing or
   * stale; when the last one leaves, the observer unsubscribes and aborts its load.
   *
   * @returns the function that removes the listener.
   */
  readonly subscribe = (onChange: CategoryObserverListener<C, T>): (() => void) => {
    if (this.#destroyed) return noop
    const listener: CategoryObserverListener<C, T> = (state) => onChange(state)
    this.#listeners.add(listener)
    if (this.#unsubscribe === undefined) {
      this.#told = this.getSnapshot()
      this.#unsubscribe = this.#client.subscribe(this.category, (state) => this.#changed(state))
      this.#needed = needsLoad(this.#client.peek(this.category))
      this.#request(false)
      this.#watchTtl()
    }
    return () => {
      if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return
      this.#unsubscribe?.()
      this.#unsubscribe = undefined
      this.#stopTtl()
      // After this task's other work: a framework that resubscribes at once (React's StrictMode)
      // keeps the load it started.
      queueMicrotask(() => {
        if (this.#listeners.size === 0) this.#abort()
      })
    }
  }

  /**
   * Changes the options given (the others keep theirs; `select: undefined` goes back to
   * `result.models`). Enabling loads what is missing or stale, disabling aborts the load; a new
   * `select` derives `data` again. Listeners are told when the state changed.
   */
  setOptions(options: CategoryObserverOptions<C, T>): void {
    checkOptions('setOptions', options, OBSERVER_OPTIONS)
    if ('select' in options) this.#select = options.select
    if ('enabled' in options) {
      const enabled = options.enabled ?? true
      const enabling = enabled && !this.#enabled
      this.#enabled = enabled
      if (!enabled) {
        this.#abort()
        this.#stopTtl()
      } else if (enabling && this.#unsubscribe !== undefined) {
        this.#needed = needsLoad(this.#client.peek(this.category))
        this.#request(false)
        this.#watchTtl()
      }
    }
    if (this.#unsubscribe !== undefined) this.#tell(this.getSnapshot())
  }

  /** Ends the observer: aborts its load, drops its listeners and its subscription; it never loads again. */
  destroy(): void {
    this.#destroyed = true
    this.#listeners.clear()
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    this.#abort()
    this.#stopTtl()
  }

  #changed(state: CategoryState<C>): void {
    const needed = needsLoad(state)
    const rising = needed && !this.#needed
    this.#needed = needed
    if (rising) this.#request(true)
    this.#watchTtl()
    this.#tell(this.#derive(state, this.#select))
  }

  // While someone listens and the copy is fresh: a timer for the moment its TTL runs out, so that
  // a page open for hours still refreshes. Unref'd where it can be (Node): it never keeps a process alive.
  #watchTtl(): void {
    this.#stopTtl()
    if (this.#destroyed || !this.#enabled || this.#unsubscribe === undefined) return
    const ttlSeconds = (this.#client as { options?: { ttlSeconds?: unknown } }).options?.ttlSeconds
    const state = this.#client.peek(this.category)
    if (typeof ttlSeconds !== 'number' || state.status !== 'success' || state.result.stale) return
    const ms = Math.max(0, state.result.fetchedAt + ttlSeconds * 1000 - Date.now()) + 1
    // Beyond what a timer can wait (about 24.8 days), nothing is scheduled.
    if (ms > 2_147_483_647) return
    const timer = setTimeout(() => {
      if (this.#timer !== timer) return
      this.#timer = undefined
      this.#changed(this.#client.peek(this.category))
    }, ms)
    ;(timer as { unref?: () => void }).unref?.()
    this.#timer = timer
  }

  #stopTtl(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #tell(snapshot: CategoryObserverState<C, T>): void {
    if (snapshot === this.#told) return
    this.#told = snapshot
    let failure: { error: unknown } | undefined
    for (const listener of [...this.#listeners]) {
      if (!this.#listeners.has(listener)) continue
      try {
        listener(snapshot)
      } catch (error) {
        failure ??= { error }
      }
    }
    // The client reports a listener's error (an `'error'` event); the other listeners were told.
    if (failure !== undefined) throw failure.error
  }

  // Loads when the copy is missing or stale: at most one load in flight.
  #request(rising: boolean): void {
    if (this.#destroyed || !this.#enabled || this.#unsubscribe === undefined || !this.#needed) return
    if (this.#load !== undefined) {
      if (rising) this.#again = true
      return
    }
    const load = (this.#load = new AbortController())
    this.#again = false
    const settled = (): void => {
      if (this.#load !== load) return
      this.#load = undefined
      if (this.#again) {
        this.#again = false
        this.#request(false)
      }
    }
    // A failure is the client's state (`status: 'error'`, or a stale copy with its `error`).
    this.#client.getModelReferenceResult(this.category, { signal: load.signal }).then(settled, settled)
  }

  #abort(): void {
    const load = this.#load
    this.#load = undefined
    this.#again = false
    load?.abort(new DOMException('The observer stopped reading.', 'AbortError'))
  }

  #derive(state: CategoryState<C>, select: ((result: ModelReferenceResult<C>) => T) | undefined): CategoryObserverState<C, T> {
    let memo = this.#memo.get(select ?? NO_SELECT)
    if (memo === undefined) this.#memo.set(select ?? NO_SELECT, (memo = {}))
    if (memo.state === state && memo.snapshot !== undefined) return memo.snapshot
    memo.state = state
    return (memo.snapshot = this.#build(state, select, memo))
  }

  // The snapshot of a state: the previous one (of `memo`) while nothing in it changed.
  #build(state: CategoryState<C>, select: ((result: ModelReferenceResult<C>) => T) | undefined, memo: { result?: ModelReferenceResult<C>; value?: T; thrown?: Error; snapshot?: CategoryObserverState<C, T> } | undefined): CategoryObserverState<C, T> {
    const { category, isFetching } = state
    let next: Omit<CategoryObserverState<C, T>, 'category' | 'isFetching'>
    if (state.status !== 'success') {
      next = state.status === 'loading' ? LOADING : { ...ERROR, error: state.error }
    } else {
      const { result } = state
      let value: T | undefined
      let thrown: Error | undefined
      if (select === undefined) value = result.models as T
      else if (memo !== undefined && memo.result === result) ({ value, thrown } = memo)
      else {
        try {
          value = select(result)
        } catch (error) {
          thrown = error instanceof Error ? error : new Error(String(error))
        }
        if (memo !== undefined) Object.assign(memo, { result, value, thrown })
      }
      next = thrown !== undefined ? { ...ERROR, error: thrown } : { ...SUCCESS, data: value as T, result, error: state.error, stale: result.stale }
    }
    const last = memo?.snapshot
    if (last !== undefined && last.category === category && last.isFetching === isFetching && last.status === next.status && last.data === next.data && last.result === next.result && last.error === next.error && last.stale === next.stale) return last
    return Object.freeze({ ...next, category, isFetching }) as CategoryObserverState<C, T>
  }
}

const noop = (): void => {}
const NO_SELECT = {}
const LOADING = { status: 'loading', data: undefined, result: undefined, error: undefined, stale: false, isLoading: true, isSuccess: false, isError: false } as const
const ERROR = { status: 'error', data: undefined, result: undefined, stale: false, isLoading: false, isSuccess: false, isError: true } as const
const SUCCESS = { status: 'success', isLoading: false, isSuccess: true, isError: false } as const

const needsLoad = (state: CategoryState): boolean => state.status !== 'success' || state.result.stale

/**
 * An observer of one category of a client: see {@link CategoryObserver}.
 *
 * @example
 * ```ts
 * const observer = createCategoryObserver(client, 'image_generation', { select: (r) => Object.keys(r.models) })
 * const stop = observer.subscribe((state) => {
 *   if (state.status === 'success') render(state.data)
 * })
 * render(observer.getSnapshot().data)
 * ```
 *
 * @param client A client or the `ModelReferenceManager` (it uses `peek`, `subscribe` and `getModelReferenceResult`).
 * @param category The category to observe.
 * @param options `enabled` and `select`.
 */
export function createCategoryObserver<C extends ModelReferenceCategory, T = ModelMap<C>>(client: ObservedClient, category: C, options?: CategoryObserverOptions<C, T>): CategoryObserver<C, T> {
  return new CategoryObserver(client, category, options)
}
