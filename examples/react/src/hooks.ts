/**
 * React hooks over `@horde-model-reference/core`: a category's records kept up to date
 * ({@link useModelReference}, {@link useSuspenseModelReference}), one model ({@link useModel}),
 * live worker counts ({@link useModelAvailability}) and search as you type ({@link useModelSearch}),
 * reading a client put in context by {@link ModelReferenceProvider}.
 *
 * @module @horde-model-reference/react
 */
import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react'
import { checkOptions, type KnownOptions, type MODEL_REFERENCE_CATEGORY, type ModelMap, type ModelReferenceCategory, type ModelReferenceClient, type ModelReferenceResult, type RecordFor } from '@horde-model-reference/core'
import { getModelAvailability, type ModelAvailabilityResult } from '@horde-model-reference/core/availability'
import { createCategoryObserver, type CategoryObserverError, type CategoryObserverLoading, type CategoryObserverSuccess } from '@horde-model-reference/core/observer'
import { query, type ModelQuery, type QueryFor } from '@horde-model-reference/core/query'

/** What the hooks use of a client (`createModelReferenceClient`) or of the `ModelReferenceManager`. */
export type ModelReferenceReader = Pick<ModelReferenceClient, 'peek' | 'subscribe' | 'getModelReferenceResult' | 'refresh'>

const ClientContext = createContext<ModelReferenceReader | null>(null)

/** The props of {@link ModelReferenceProvider}. */
export interface ModelReferenceProviderProps {
  /** The client (or the manager) every hook below reads unless given its own `client` option. */
  client: ModelReferenceReader
  /** What renders inside, reading `client` through the hooks. */
  children?: ReactNode | undefined
}

/**
 * Makes a client (or the manager) available to the hooks below it.
 *
 * @example
 * ```tsx
 * <ModelReferenceProvider client={createModelReferenceClient()}><App /></ModelReferenceProvider>
 * ```
 */
export function ModelReferenceProvider(props: ModelReferenceProviderProps): ReactNode {
  return createElement(ClientContext.Provider, { value: props.client }, props.children)
}

/** Options of {@link useModelReference} (and, without `select`, of {@link useModel}). */
export interface UseModelReferenceOptions<C extends ModelReferenceCategory, T = ModelMap<C>> {
  /** The client to read; the {@link ModelReferenceProvider}'s by default. */
  client?: ModelReferenceReader | undefined
  /**
   * `false`: asks the client for nothing (the state is what it has cached, `'loading'` when
   * nothing); `true` again loads what is missing or stale. @default true
   */
  enabled?: boolean | undefined
  /**
   * Derives `data` from the result: `(result) => Object.keys(result.models)`. Runs again only
   * for a new result or a new function, so `data` keeps its identity across renders and across a
   * refresh starting or ending: define it outside the component, or with `useCallback`.
   * By default `data` is `result.models`.
   */
  select?: ((result: ModelReferenceResult<C>) => T) | undefined
  /**
   * Suspend (throw a promise) while nothing is loaded, and throw the error to an error boundary.
   * @deprecated Use {@link useSuspenseModelReference}, whose state is always `'success'`.
   * @default false
   */
  suspense?: boolean | undefined
  /**
   * The result rendered on the server and during hydration. Without it, the copy the client
   * holds when the component first renders is used (so a server's client that has read renders
   * it, and a browser client hydrated with the server's snapshot, `initialData`, hydrates to the
   * same markup with no loading state); with neither, the loading state. Pass the same object on
   * every render.
   */
  serverResult?: ModelReferenceResult<C> | undefined
}

/** Options of {@link useSuspenseModelReference}: it always loads (no `enabled`). */
export type UseSuspenseModelReferenceOptions<C extends ModelReferenceCategory, T = ModelMap<C>> = Omit<UseModelReferenceOptions<C, T>, 'enabled' | 'suspense'>

/** What every state of {@link useModelReference} has besides the observer's. */
export interface ModelReferenceActions {
  /** Fetches now; the component re-renders when the data lands. */
  refresh(): Promise<unknown>
}

/** The state of {@link useSuspenseModelReference}, and of {@link useModelReference} once loaded. */
export type ModelReferenceSuccess<C extends ModelReferenceCategory, T = ModelMap<C>> = CategoryObserverSuccess<C, T> &
  ModelReferenceActions & {
    /** `result.models`. */
    readonly models: ModelMap<C>
  }

/**
 * What {@link useModelReference} returns: the core observer's state (`status`, `data`, `result`,
 * `error`, `isFetching`, `stale`, `isLoading`, `isSuccess`, `isError`) plus `models` and
 * `refresh()`. `status === 'success'` narrows `models` and `data` to defined.
 */
export type ModelReferenceState<C extends ModelReferenceCategory, T = ModelMap<C>> =
  | (CategoryObserverLoading<C> & ModelReferenceActions & { readonly models: undefined })
  | (CategoryObserverError<C> & ModelReferenceActions & { readonly models: undefined })
  | ModelReferenceSuccess<C, T>

// Suspense needs the same promise on every render until it settles.
const pending = new WeakMap<object, Map<string, Promise<unknown>>>()

function suspend(client: ModelReferenceReader, category: ModelReferenceCategory): never {
  let byCategory = pending.get(client)
  if (byCategory === undefined) pending.set(client, (byCategory = new Map()))
  let promise = byCategory.get(category)
  if (promise === undefined) {
    promise = client.getModelReferenceResult(category).then(
      () => byCategory.delete(category),
      () => byCategory.delete(category),
    )
    byCategory.set(category, promise)
  }
  throw promise
}

// A state that is not a success suspends (loading) or throws its error (to an error boundary).
function suspendUnlessLoaded<C extends ModelReferenceCategory, T>(state: ModelReferenceState<C, T>, client: ModelReferenceReader): asserts state is ModelReferenceSuccess<C, T> {
  if (state.status === 'error') throw state.error
  if (state.status === 'loading') suspend(client, state.category)
}

// The options of the hooks (an unknown key is a TypeError naming the closest one).
const REFERENCE_OPTIONS = { client: 1, enabled: 1, select: 1, suspense: 1, serverResult: 1 } satisfies KnownOptions<UseModelReferenceOptions<ModelReferenceCategory>>
const SUSPENSE_OPTIONS = { client: 1, select: 1, serverResult: 1 } satisfies KnownOptions<UseSuspenseModelReferenceOptions<ModelReferenceCategory>>
const MODEL_OPTIONS = { client: 1, enabled: 1, suspense: 1, serverResult: 1 } satisfies KnownOptions<Omit<UseModelReferenceOptions<ModelReferenceCategory>, 'select'>>

function useObserved<C extends ModelReferenceCategory, T>(category: C, options: UseModelReferenceOptions<C, T>, hook: string): [ModelReferenceState<C, T>, ModelReferenceReader] {
  checkOptions(hook, options, REFERENCE_OPTIONS)
  const client = useClient(options.client, hook)
  const { enabled = true, select, serverResult } = options
  // One observer per (client, category). Without listeners it holds nothing (no subscription,
  // no load), so one React discards needs no cleanup; it unsubscribes and aborts on unmount.
  const observer = useMemo(() => createCategoryObserver<C, T>(client, category, { enabled, select }), [client, category])
  // What the server rendered: `serverResult`, else the copy the client held when this component
  // first rendered (a server's client that has read; in the browser, a snapshot hydrated before
  // hydrateRoot, or the initialData option). Then hydration renders what the server rendered:
  // no loading state, and no request while that copy is fresh.
  const held = useMemo(() => client.peek(category).result as ModelReferenceResult<C> | undefined, [client, category])
  const initial = serverResult ?? held
  const snapshot = useSyncExternalStore(
    observer.subscribe,
    // This render's select, applied to the observer after the commit (below): the same snapshot.
    () => observer.getSnapshotFor({ select }),
    // A stable snapshot for the server and for hydration: never the live one.
    () => observer.getServerSnapshot(initial, { select }),
  )
  useEffect(() => observer.setOptions({ enabled, select }), [observer, enabled, select])
  const refresh = useCallback(() => client.refresh(category), [client, category])
  const state = useMemo(() => ({ ...snapshot, models: snapshot.result?.models, refresh }) as ModelReferenceState<C, T>, [snapshot, refresh])
  return [state, client]
}

/**
 * A category's records, kept up to date: the component re-renders when new data lands (a
 * refresh, a background revalidation, another tab), when a refresh starts or ends and when a
 * load fails. Built on the core's observer (`@horde-model-reference/core/observer`) with
 * `useSyncExternalStore`: all data lives in the client; the observer asks it to load what is
 * missing or stale and aborts that load on unmount. Server rendering uses `serverResult` (or the
 * loading state) and never fetches. The returned object is the same while nothing in it changed.
 *
 * @example
 * ```tsx
 * const { status, models, stale } = useModelReference('image_generation')
 * if (status === 'success') return <p>{Object.keys(models).length} models{stale ? ' (stale)' : ''}</p>
 *
 * const names = (result: ModelReferenceResult<'image_generation'>) => Object.keys(result.models)
 * const picked = useModelReference('image_generation', { select: names, enabled: open })
 * ```
 *
 * @param category The category to read (a `MODEL_REFERENCE_CATEGORY` value or its string).
 * @param options The client, `select`, `enabled`, `suspense` and `serverResult`.
 * @throws Error when there is no client: neither `options.client` nor a {@link ModelReferenceProvider} above.
 */
export function useModelReference<C extends ModelReferenceCategory, T = ModelMap<C>>(category: C, options: UseModelReferenceOptions<C, T> = {}): ModelReferenceState<C, T> {
  const [state, client] = useObserved(category, options, 'useModelReference')
  if (options.suspense === true && options.enabled !== false) suspendUnlessLoaded(state, client)
  return state
}

/**
 * {@link useModelReference} for a `<Suspense>` boundary: suspends while nothing is loaded and
 * throws a load's error to the nearest error boundary, so its state is always `'success'`,
 * `models` and `data` always defined. A stale copy is returned at once and refreshed behind it.
 *
 * @example
 * ```tsx
 * function Count() {
 *   const { models } = useSuspenseModelReference('image_generation')
 *   return <p>{Object.keys(models).length} models</p>
 * }
 * // <ErrorBoundary><Suspense fallback={<p>Loading…</p>}><Count /></Suspense></ErrorBoundary>
 * ```
 *
 * @param category The category to read.
 * @param options The client, `select` and `serverResult`.
 * @throws The promise of the load while nothing is loaded (for Suspense), the load's error when it fails.
 */
export function useSuspenseModelReference<C extends ModelReferenceCategory, T = ModelMap<C>>(category: C, options: UseSuspenseModelReferenceOptions<C, T> = {}): ModelReferenceSuccess<C, T> {
  checkOptions('useSuspenseModelReference', options, SUSPENSE_OPTIONS)
  const [state, client] = useObserved(category, { ...options, enabled: true }, 'useSuspenseModelReference')
  suspendUnlessLoaded(state, client)
  return state
}

/** What {@link useModel} returns: the category's state plus the one record (or `undefined`). */
export type ModelState<C extends ModelReferenceCategory> = ModelReferenceState<C> & {
  /** The record named so, or `undefined` while loading, on an error, or when the category has no such model. */
  readonly model: RecordFor<C> | undefined
}

/**
 * One model of a category, by name, kept up to date like {@link useModelReference}.
 *
 * @example
 * ```tsx
 * const { model } = useModel('image_generation', 'AlbedoBase XL (SDXL)')
 * ```
 *
 * @param category The category the model is in.
 * @param name The model's name, exactly as the reference spells it (its key).
 * @param options The client, `enabled`, `suspense` and `serverResult` (no `select`).
 */
export function useModel<C extends ModelReferenceCategory>(category: C, name: string, options?: Omit<UseModelReferenceOptions<C>, 'select'>): ModelState<C> {
  checkOptions('useModel', options, MODEL_OPTIONS)
  const state = useModelReference(category, { ...options, select: undefined })
  const models = state.models as Readonly<Record<string, RecordFor<C>>> | undefined
  const model = models !== undefined && Object.prototype.hasOwnProperty.call(models, name) ? models[name] : undefined
  return useMemo(() => ({ ...state, model }), [state, model])
}

function useClient(client: ModelReferenceReader | undefined, hook: string): ModelReferenceReader {
  const fromContext = useContext(ClientContext)
  const chosen = client ?? fromContext
  if (chosen === null) throw new Error(`${hook} needs a client: render it inside <ModelReferenceProvider client={...}>, or pass { client }.`)
  return chosen
}

/** The categories the AI Horde reports live numbers for. */
// A `keyof`, so that compiler messages spell out the names.
export type HordeCategory = keyof Pick<typeof MODEL_REFERENCE_CATEGORY, 'image_generation' | 'text_generation'>

/** Options of {@link useModelAvailability}. */
export interface UseModelAvailabilityOptions {
  /**
   * The client to read: one from `createModelReferenceClient()` or the `ModelReferenceManager`
   * (the live numbers are cached in it); the {@link ModelReferenceProvider}'s by default.
   */
  client?: ModelReferenceClient | undefined
  /**
   * Reads again this long after each read settles, so that the worker counts stay live. The
   * client caches the Horde's answer for `hordeApiTtlSeconds` (60 by default), so a read within
   * that time costs no request and, the numbers being the same object, no render. `0` reads only
   * on mount and when the category's reference copy changes.
   * @default 60000
   */
  refreshIntervalMs?: number | undefined
}

/**
 * What {@link useModelAvailability} returns, by `status`: `availability` is there exactly when
 * `status` is `'success'`. A failed refresh keeps the last availability: `status` stays
 * `'success'`, `stale` is `true` and `error` says why.
 */
export type ModelAvailabilityState<C extends HordeCategory> =
  | { readonly status: 'loading'; readonly availability: undefined; readonly error: undefined; readonly stale: false }
  | {
      readonly status: 'error'
      readonly availability: undefined
      /** Why the first read failed (nothing was read before). */
      readonly error: Error
      readonly stale: false
    }
  | {
      readonly status: 'success'
      /** Every model of the category with its live numbers (`byName`, `models`, ...). */
      readonly availability: ModelAvailabilityResult<C>
      /** The numbers are past the client's `hordeApiTtlSeconds` (a refresh failed: see `error`). */
      readonly stale: boolean
      /** Why the last refresh failed, when it did. */
      readonly error: Error | undefined
    }

const AVAILABILITY_LOADING = Object.freeze({ status: 'loading', availability: undefined, error: undefined, stale: false } as const)

// What the hook holds: the last read's outcome for one (client, category).
interface AvailabilitySnapshot {
  readonly client: ModelReferenceClient
  readonly category: HordeCategory
  readonly availability: ModelAvailabilityResult | undefined
  readonly error: Error | undefined
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)))

/**
 * Every model of the category with its live numbers on the AI Horde (`getModelAvailability`):
 * worker counts, queue, ETA. It reads on mount, again when the category's reference copy
 * changes (a refresh, another tab) and every `refreshIntervalMs` after the last read settled;
 * unmounting (or changing category or client) aborts the read in flight and stops the timer. The
 * core returns the same result object while neither copy changed, and the hook re-renders only
 * when the object (or the error) does. Server rendering shows `'loading'` and reads nothing.
 *
 * @example
 * ```tsx
 * const live = useModelAvailability('image_generation')
 * if (live.status === 'success') {
 *   const workers = live.availability.byName['AlbedoBase XL (SDXL)']?.workerCount ?? 0
 * }
 * ```
 *
 * @param category `'image_generation'` or `'text_generation'`, the categories the AI Horde counts workers for.
 * @param options The client and `refreshIntervalMs`.
 */
export function useModelAvailability<C extends HordeCategory>(category: C, options: UseModelAvailabilityOptions = {}): ModelAvailabilityState<C> {
  checkOptions('useModelAvailability', options, { client: 1, refreshIntervalMs: 1 } satisfies KnownOptions<UseModelAvailabilityOptions>)
  const client = useClient(options.client, 'useModelAvailability') as ModelReferenceClient
  const interval = options.refreshIntervalMs ?? 60_000
  const [snapshot, setSnapshot] = useState<AvailabilitySnapshot | undefined>(undefined)
  // The snapshot last set, read by the effect to skip updates that change nothing.
  const latest = useRef<AvailabilitySnapshot | undefined>(undefined)

  useEffect(() => {
    let closed = false
    let controller: AbortController | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    let inFlight = false
    let dirty = false
    // The reference copy the last read started from: a different one means reading again.
    let seen: unknown

    const apply = (availability: ModelAvailabilityResult | undefined, error: Error | undefined): void => {
      const previous = latest.current
      const same = previous !== undefined && previous.client === client && previous.category === category
      // A failure keeps the last availability of this (client, category).
      const next = availability ?? (same ? previous.availability : undefined)
      // Unchanged (the core gave the same object): no state update at all, so no render.
      if (same && previous.availability === next && previous.error === error) return
      setSnapshot((latest.current = { client, category, availability: next, error }))
    }

    const read = (): void => {
      clearTimeout(timer)
      const mine = (controller = new AbortController())
      inFlight = true
      dirty = false
      seen = client.peek(category).result?.models
      getModelAvailability(client, category, { signal: mine.signal })
        .then(
          (availability) => ({ availability, error: undefined }),
          (error: unknown) => ({ availability: undefined, error: asError(error) }),
        )
        .then(({ availability, error }) => {
          if (closed || mine.signal.aborted) return
          inFlight = false
          apply(availability, error)
          if (dirty) read()
          else if (interval > 0 && Number.isFinite(interval)) timer = setTimeout(read, interval)
        })
    }

    const unsubscribe = client.subscribe(category, (state) => {
      const models = state.result?.models
      if (models === undefined || models === seen) return
      // One read at a time: a copy that lands meanwhile is read once that one settles.
      if (inFlight) dirty = true
      else read()
    })
    read()
    return () => {
      closed = true
      unsubscribe()
      clearTimeout(timer)
      controller?.abort()
    }
  }, [client, category, interval])

  const current = snapshot !== undefined && snapshot.client === client && snapshot.category === category ? snapshot : undefined
  return useMemo((): ModelAvailabilityState<C> => {
    if (current === undefined || (current.availability === undefined && current.error === undefined)) return AVAILABILITY_LOADING
    if (current.availability === undefined) return { status: 'error', availability: undefined, error: current.error!, stale: false }
    const availability = current.availability as ModelAvailabilityResult<C>
    return { status: 'success', availability, stale: availability.stale || current.error !== undefined, error: current.error ?? availability.error }
  }, [current])
}

/** Options of {@link useModelSearch}. */
export interface UseModelSearchOptions<C extends ModelReferenceCategory> {
  /** The client to read; the {@link ModelReferenceProvider}'s by default. */
  client?: ModelReferenceReader | undefined
  /** At most this many models (the best matches). */
  limit?: number | undefined
  /**
   * More of the query's methods, applied after `search`: `(q) => q.excludeNsfw()`. Pass the same
   * function on every render (define it outside the component, or with `useCallback`): a new
   * one runs the query again.
   */
  refine?: ((query: QueryFor<C>) => QueryFor<C>) | undefined
}

/**
 * What {@link useModelSearch} returns, by `status`: `models` is there exactly when `status` is
 * `'success'`. `'error'` means the category could not be loaded, or the query is wrong (`refine`
 * names a field no record has: `UnknownFieldError`).
 */
export type ModelSearchState<C extends ModelReferenceCategory> = (
  | { readonly status: 'loading'; readonly models: undefined; readonly error: undefined }
  | {
      readonly status: 'error'
      readonly models: undefined
      /** Why: the load failed with nothing cached, or the query is wrong (`UnknownFieldError`). */
      readonly error: Error
    }
  | {
      readonly status: 'success'
      /** The matching records, best match first (reference order for an empty text, or as `refine`'s `orderBy` sorts). */
      readonly models: readonly RecordFor<C>[]
      /** Why the last refresh of the copy failed, when it is served stale because of it. */
      readonly error: Error | undefined
    }
) & {
  /** The text searched for. */
  readonly text: string
  /** The copy searched is past its TTL. */
  readonly stale: boolean
}

/**
 * The category's models matching `text` (`query(client, category).search(text)`, then `refine`
 * and `limit`): ranked, case- and accent-insensitive and tolerant of small typos; an empty text
 * gives every model. The records come from {@link useModelReference} (loaded and kept up to date
 * the same way), and the query runs synchronously over them (`run`) in a memo, so results follow
 * each keystroke in the same render (the search index is built once per copy). A new copy or a
 * new text runs it again.
 *
 * @example
 * ```tsx
 * const noNsfw = (q: ImageGenerationQuery) => q.excludeNsfw()
 * function Picker() {
 *   const [text, setText] = useState('')
 *   const found = useModelSearch('image_generation', text, { limit: 20, refine: noNsfw })
 *   return found.status === 'success' ? <ul>{found.models.map((m) => <li key={m.name}>{m.name}</li>)}</ul> : null
 * }
 * ```
 *
 * @param category The category to search.
 * @param text What the user typed; `''` gives every model.
 * @param options The client, `limit` and `refine`.
 */
export function useModelSearch<C extends ModelReferenceCategory>(category: C, text: string, options: UseModelSearchOptions<C> = {}): ModelSearchState<C> {
  checkOptions('useModelSearch', options, { client: 1, limit: 1, refine: 1 } satisfies KnownOptions<UseModelSearchOptions<ModelReferenceCategory>>)
  const client = useClient(options.client, 'useModelSearch')
  const state = useModelReference(category, { client })
  const { result } = state
  const { limit, refine } = options
  const found = useMemo((): { models: readonly RecordFor<C>[]; error?: undefined } | { models?: undefined; error: Error } | undefined => {
    if (result === undefined) return undefined
    try {
      let built = (query(client, category) as unknown as ModelQuery<C>).search(text)
      if (refine !== undefined) built = refine(built as unknown as QueryFor<C>) as unknown as ModelQuery<C>
      if (limit !== undefined) built = built.limit(limit)
      return { models: built.run(result) }
    } catch (error) {
      return { error: asError(error) }
    }
  }, [client, category, result, text, limit, refine])
  const stale = state.result?.stale ?? false
  const loadError = state.error
  return useMemo((): ModelSearchState<C> => {
    if (found === undefined) return loadError === undefined ? { status: 'loading', models: undefined, error: undefined, text, stale } : { status: 'error', models: undefined, error: loadError, text, stale }
    if (found.error !== undefined) return { status: 'error', models: undefined, error: found.error, text, stale }
    return { status: 'success', models: found.models, error: loadError, text, stale }
  }, [found, loadError, text, stale])
}
