import { createMemoryStorage, type StorageAdapter } from './cache/storage.js'
import { ENVELOPE_FORMAT, envelopeKey, envelopeMetadata, readEnvelope, type CategoryEnvelope } from './cache/envelope.js'
import {
  assertCategory,
  getCategoryDescriptor,
  isModelReferenceCategory,
  MODEL_REFERENCE_CATEGORIES,
  type FetchableCategory,
  type ManagedElsewhereCategory,
  type ModelReferenceCategory,
} from './categories.js'
import { isHordeModelReferenceError } from './errors/base.js'
import { ModelNotFoundError } from './errors/model-not-found.js'
import { NotCachedError } from './errors/not-cached.js'
import { isSourcesUnavailableError, SourcesUnavailableError } from './errors/sources-unavailable.js'
import { isValidationError } from './errors/validation.js'
import type { ModelReferenceEvent } from './events.js'
import { loadCategory, loadRawCategory, type LoadedCategory, type RawModelReference, type UnchangedCategory } from './load.js'
import { normalizeOptions, type LockManagerLike, type ModelReferenceOptions, type NormalizedOptions } from './options.js'
import type { ModelReferenceIssue } from './records/issues.js'
import type { AnyModelRecord, ModelMap, RecordFor } from './records/types.js'
import { validateRecords } from './records/validate.js'
import { createQuery, type ModelQuery, type QueryFor } from './query/query.js'
import { loadHordeStats, loadHordeStatus, rankPopularModels, type PopularModel, type PopularSortBy } from './popular.js'
import { loadLegacyCategory, type LegacyModelReference } from './legacy.js'

/** Where the data of a result came from. `'none'`: nothing was asked (`lora`, `ti`). */
export type ResultSource = 'primary' | 'github' | 'storage' | 'none'

/** A category's records with their provenance. Frozen; the same object until the data or its staleness changes. */
export interface ModelReferenceResult<C extends ModelReferenceCategory = ModelReferenceCategory> {
  readonly category: C
  /** The records keyed by `name`: frozen, with no prototype. */
  readonly models: ModelMap<C>
  /** Where the records came from in this client's lifetime: a source, or the storage adapter. */
  readonly source: ResultSource
  /** When the records were fetched from their source, in milliseconds since the epoch. */
  readonly fetchedAt: number
  /** `true` when the copy is past its TTL: a refresh failed, or the copy was invalidated or not yet refreshed. */
  readonly stale: boolean
  /** Records skipped (`error`) or accepted with a warning when the data was fetched. */
  readonly issues: readonly ModelReferenceIssue[]
  /** Why a stale copy is being served, when a refresh failed. */
  readonly error?: Error
}

/** Options of every read. */
export interface ReadOptions {
  /** Abort this read. A request shared with other readers goes on while any of them still waits. */
  readonly signal?: AbortSignal
}

/** Every fetched category's records; a category that could not be loaded is left out. */
export type AllModelReferences = { readonly [C in FetchableCategory]?: ModelMap<C> }

/** A records map of some category, for reads by a plain string. */
export type AnyModelMap = Readonly<Record<string, AnyModelRecord>>

/** A handle to run the prefetch of `prefetchStrategy: 'deferred'` when you choose; awaiting it runs it. */
export interface DeferredPrefetchHandle extends PromiseLike<void> {
  /** Loads every category; resolves when all have loaded, rejects if any failed. A second call while one runs shares it. */
  run(): Promise<void>
}

/** Options of {@link ModelReferenceClient.getPopularModels}. */
export interface PopularModelsOptions extends ReadOptions {
  /** How many models to return. @default 10 */
  readonly limit?: number
  /** How to rank them: by workers serving them now, or by requests served. @default 'worker_count' */
  readonly sortBy?: PopularSortBy
}

interface TimedValue {
  value?: unknown
  fetchedAt: number
  inflight?: Promise<unknown>
  failure?: { readonly error: Error; readonly retryAt: number }
}

const SORTS: readonly PopularSortBy[] = ['worker_count', 'usage_day', 'usage_month', 'usage_total']

/** A listener of {@link ModelReferenceClient.subscribe}. */
export type ModelReferenceListener<C extends ModelReferenceCategory> = (result: ModelReferenceResult<C>) => void

interface Entry {
  readonly envelope: CategoryEnvelope
  readonly servedFrom: 'primary' | 'github' | 'storage'
  fresh?: ModelReferenceResult
  stale?: ModelReferenceResult
  names?: readonly string[]
}

interface Inflight {
  readonly promise: Promise<ModelReferenceResult>
  readonly controller: AbortController
  waiters: number
}

interface CategoryState {
  entry?: Entry
  invalidated: boolean
  failure?: { readonly error: Error; readonly retryAt: number }
  inflight?: Inflight
  storageLoad?: Promise<void>
  published?: ModelReferenceResult
  readonly listeners: Set<ModelReferenceListener<ModelReferenceCategory>>
}

const FETCHABLE = MODEL_REFERENCE_CATEGORIES.filter((c) => !getCategoryDescriptor(c).managedElsewhere) as FetchableCategory[]

// Envelopes this module built and froze itself: a storage hit that returns one of these (the
// in-memory adapter keeps values by reference) needs no revalidation and no copy.
const trustedEnvelopes = new WeakSet<object>()

const EMPTY_RESULTS = new Map<ModelReferenceCategory, ModelReferenceResult>()
function emptyResult(category: ManagedElsewhereCategory): ModelReferenceResult {
  let result = EMPTY_RESULTS.get(category)
  if (result === undefined) {
    result = Object.freeze({ category, models: Object.freeze(Object.create(null)), source: 'none', fetchedAt: 0, stale: false, issues: Object.freeze([]) })
    EMPTY_RESULTS.set(category, result)
  }
  return result
}

function normalizeForMatch(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, ' ').trim()
}

function isDataError(error: unknown): error is Error {
  return isSourcesUnavailableError(error) || isValidationError(error)
}

const noop = (): void => {}

const BROADCAST_UPDATED = 'horde-model-reference:updated'
const FUTURE_TOLERANCE_MS = 60_000

/**
 * A model reference client. Create one with {@link createModelReferenceClient}; the singleton
 * `ModelReferenceManager` wraps one.
 */
export class ModelReferenceClient {
  /** The options in force, with every default filled in. */
  readonly options: NormalizedOptions
  /**
   * Settles when the prefetch of `prefetchStrategy: 'sync'` has loaded every category (and
   * rejects if any failed). Already resolved for the other strategies.
   */
  readonly ready: Promise<void>
  /** The handle of `prefetchStrategy: 'deferred'`; `undefined` for the other strategies. */
  readonly deferredPrefetch: DeferredPrefetchHandle | undefined

  readonly #storage: StorageAdapter
  readonly #states = new Map<ModelReferenceCategory, CategoryState>()
  readonly #horde = new Map<string, TimedValue>()
  #asyncTimer: ReturnType<typeof setTimeout> | undefined
  // undefined: not created yet; null: not available (no shared storage, or turned off).
  #broadcastChannel: BroadcastChannel | null | undefined
  #disposed = false

  constructor(options: ModelReferenceOptions = {}) {
    this.options = normalizeOptions(options)
    this.#storage = this.options.storage ?? createMemoryStorage()
    let ready: Promise<void> = Promise.resolve()
    let deferred: DeferredPrefetchHandle | undefined
    switch (this.options.prefetchStrategy) {
      case 'sync':
        ready = this.#prefetchAll()
        // Marks the promise handled: a caller who never awaits `ready` gets no unhandled rejection,
        // and one who does still sees the failure.
        ready.catch(noop)
        break
      case 'async':
        this.#asyncTimer = setTimeout(() => {
          this.#asyncTimer = undefined
          this.#prefetchAll().catch((error: unknown) => this.#emit({ type: 'error', error }))
        }, 0)
        break
      case 'deferred':
        deferred = this.#createDeferredHandle()
        break
    }
    this.ready = ready
    this.deferredPrefetch = deferred
  }

  /**
   * The records of a category, keyed by name, typed per category.
   *
   * @example
   * ```ts
   * const imageModels = await client.getModelReference('image_generation')
   * console.log(Object.keys(imageModels).length, imageModels['AlbedoBase XL (SDXL)']?.baseline)
   * ```
   * @throws {UnknownCategoryError | SourcesUnavailableError | ValidationError | NotCachedError}
   */
  async getModelReference<C extends ModelReferenceCategory>(category: C, options?: ReadOptions): Promise<ModelMap<C>>
  async getModelReference(category: string, options?: ReadOptions): Promise<AnyModelMap>
  async getModelReference(category: string, options: ReadOptions = {}): Promise<AnyModelMap> {
    return (await this.getModelReferenceResult(category, options)).models as AnyModelMap
  }

  /** Like {@link getModelReference}, but resolves with `null` when the data cannot be had. Unknown categories still throw. */
  async getModelReferenceOrNull<C extends ModelReferenceCategory>(category: C, options?: ReadOptions): Promise<ModelMap<C> | null>
  async getModelReferenceOrNull(category: string, options?: ReadOptions): Promise<AnyModelMap | null>
  async getModelReferenceOrNull(category: string, options: ReadOptions = {}): Promise<AnyModelMap | null> {
    try {
      return await this.getModelReference(category, options)
    } catch (error) {
      if (isDataError(error) || (isHordeModelReferenceError(error) && error.code === 'NOT_CACHED')) return null
      throw error
    }
  }

  /**
   * The records of a category with their provenance: source, `fetchedAt`, staleness and issues.
   * A warm read returns the same frozen object every time.
   */
  async getModelReferenceResult<C extends ModelReferenceCategory>(category: C, options?: ReadOptions): Promise<ModelReferenceResult<C>>
  async getModelReferenceResult(category: string, options?: ReadOptions): Promise<ModelReferenceResult>
  async getModelReferenceResult(category: string, options: ReadOptions = {}): Promise<ModelReferenceResult> {
    assertCategory(category)
    const { signal } = options
    signal?.throwIfAborted()
    if (getCategoryDescriptor(category).managedElsewhere) return emptyResult(category as ManagedElsewhereCategory)
    if (this.options.prefetchStrategy === 'sync') await this.#waitFor(this.ready.catch(noop), signal)
    return this.#read(category as FetchableCategory, signal)
  }

  /**
   * One model, by name or by its original key in the source.
   *
   * @throws {ModelNotFoundError} when the category has no such model.
   */
  async getModel<C extends ModelReferenceCategory>(category: C, name: string, options?: ReadOptions): Promise<RecordFor<C>>
  async getModel(category: string, name: string, options?: ReadOptions): Promise<AnyModelRecord>
  async getModel(category: string, name: string, options: ReadOptions = {}): Promise<AnyModelRecord> {
    const result = await this.getModelReferenceResult(category, options)
    const model = this.#find(result, name)
    if (model !== undefined) return model
    const wanted = normalizeForMatch(name)
    const suggestions = Object.keys(result.models).filter((candidate) => normalizeForMatch(candidate) === wanted)
    throw new ModelNotFoundError(category, name, suggestions)
  }

  /** Like {@link getModel}, but `null` when the model or the category's data cannot be had. */
  async getModelOrNull<C extends ModelReferenceCategory>(category: C, name: string, options?: ReadOptions): Promise<RecordFor<C> | null>
  async getModelOrNull(category: string, name: string, options?: ReadOptions): Promise<AnyModelRecord | null>
  async getModelOrNull(category: string, name: string, options: ReadOptions = {}): Promise<AnyModelRecord | null> {
    let result: ModelReferenceResult
    try {
      result = await this.getModelReferenceResult(category, options)
    } catch (error) {
      if (isDataError(error) || (isHordeModelReferenceError(error) && error.code === 'NOT_CACHED')) return null
      throw error
    }
    return this.#find(result, name) ?? null
  }

  /** The names of a category's models, in source order (a frozen array, shared while the data is unchanged). */
  async getModelNames(category: ModelReferenceCategory | (string & {}), options: ReadOptions = {}): Promise<readonly string[]> {
    const result = await this.getModelReferenceResult(category, options)
    const entry = this.#states.get(result.category)?.entry
    if (entry === undefined || entry.envelope.records !== result.models) return Object.freeze(Object.keys(result.models))
    return (entry.names ??= Object.freeze(Object.keys(result.models)))
  }

  /**
   * Every category except `lora` and `ti` (managed elsewhere, as upstream), fetched
   * concurrently. A category that cannot be loaded is left out, never replaced by an empty
   * stand-in, and its error goes to `onEvent`.
   *
   * @throws {SourcesUnavailableError} (the first category's) when no category could be loaded.
   */
  async getAllModelReferences(options: ReadOptions = {}): Promise<AllModelReferences> {
    const settled = await Promise.allSettled(FETCHABLE.map((category) => this.getModelReferenceResult(category, options)))
    const all: Record<string, unknown> = {}
    let firstError: unknown
    settled.forEach((outcome, index) => {
      const category = FETCHABLE[index]!
      if (outcome.status === 'fulfilled') {
        all[category] = outcome.value.models
      } else {
        firstError ??= outcome.reason
        this.#emit({ type: 'error', category, error: outcome.reason })
      }
    })
    if (Object.keys(all).length === 0 && firstError !== undefined) throw firstError
    if (options.signal?.aborted) throw options.signal.reason
    return all as AllModelReferences
  }

  /**
   * The body of a category exactly as a source sent it, before conversion or validation:
   * parsed JSON (primary v2, or the legacy GitHub file), or the CSV text for text from GitHub.
   * Not cached: each call fetches.
   */
  async getRawModelReference(category: ModelReferenceCategory | (string & {}), options: ReadOptions = {}): Promise<RawModelReference> {
    assertCategory(category)
    if (getCategoryDescriptor(category).managedElsewhere) {
      throw new SourcesUnavailableError(category, [], `"${category}" is managed elsewhere and has no source`)
    }
    return loadRawCategory(category as FetchableCategory, { options: this.options, signal: options.signal, emit: (event) => this.#emit(event) })
  }

  /**
   * Fetches now, whether or not the cached copy is fresh (sharing a request already in flight).
   * With a category, resolves with its result, which is the stale copy with `error` set when the
   * fetch failed and a copy is cached. Without one, refreshes every category and rejects with
   * the first failure once all have settled.
   */
  async refresh<C extends ModelReferenceCategory>(category: C, options?: ReadOptions): Promise<ModelReferenceResult<C>>
  async refresh(category?: undefined, options?: ReadOptions): Promise<void>
  async refresh(category?: string, options: ReadOptions = {}): Promise<ModelReferenceResult | void> {
    if (category === undefined) {
      const settled = await Promise.allSettled(FETCHABLE.map((c) => this.refresh(c, options)))
      const failed = settled.find((outcome) => outcome.status === 'rejected')
      if (failed !== undefined) throw failed.reason
      return
    }
    assertCategory(category)
    options.signal?.throwIfAborted()
    if (getCategoryDescriptor(category).managedElsewhere) return emptyResult(category as ManagedElsewhereCategory)
    return this.#fetch(category as FetchableCategory, options.signal)
  }

  /**
   * A query over a category's records: immutable and lazy; its terminals load the category
   * (through the cache) when they run. Image, text and ControlNet queries have shortcuts of
   * their own (`forBaseline`, `excludeQuantized`, `forStyle`, ...).
   *
   * @example
   * ```ts
   * const sdxl = await client.query('image_generation').forBaseline('SDXL').excludeNsfw().orderBy('name').toArray()
   * ```
   */
  query<C extends ModelReferenceCategory>(category: C): QueryFor<C>
  query(category: string): ModelQuery<ModelReferenceCategory>
  query(category: string): ModelQuery<ModelReferenceCategory> {
    assertCategory(category)
    return createQuery(category, () => this.getModelReference(category)) as ModelQuery<ModelReferenceCategory>
  }

  /**
   * The most used image or text models right now, from the AI Horde public API
   * (`{hordeApiUrl}/v2/status/models`, and `/v2/stats/.../models` for usage ranks), joined with
   * the reference: only models of the reference are listed. The Horde's answers are cached like
   * the reference (TTL, one request for concurrent readers, the last good answer served when it
   * fails). Other categories give `[]`, as upstream.
   *
   * @throws {SourcesUnavailableError} when the Horde cannot be reached and nothing is cached.
   */
  async getPopularModels<C extends ModelReferenceCategory>(category: C, options: PopularModelsOptions = {}): Promise<PopularModel<C>[]> {
    assertCategory(category)
    const limit = options.limit ?? 10
    const sortBy = options.sortBy ?? 'worker_count'
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a whole number >= 0.')
    if (!SORTS.includes(sortBy)) throw new TypeError(`sortBy must be one of ${SORTS.join(', ')}.`)
    if (category !== 'image_generation' && category !== 'text_generation') return []
    const { signal } = options
    const context = { options: this.options, signal: undefined, emit: (event: ModelReferenceEvent) => this.#emit(event) }
    const [models, status, stats] = await Promise.all([
      this.getModelReference(category as 'image_generation' | 'text_generation', options),
      this.#timed(`status:${category}`, () => loadHordeStatus(category, context), signal),
      sortBy === 'worker_count' ? undefined : this.#timed(`stats:${category}`, () => loadHordeStats(category, context), signal),
    ])
    return rankPopularModels(models, status, stats, sortBy, limit) as unknown as PopularModel<C>[]
  }

  /**
   * A category in the legacy (v1 / GitHub) shape that older consumers still read: the
   * primary's `/model_references/v1/{category}`, else the GitHub file (`db.json` for text).
   * Each record is validated (an invalid one is skipped with an issue), not converted. Not cached.
   */
  async getLegacyModelReference(category: ModelReferenceCategory | (string & {}), options: ReadOptions = {}): Promise<LegacyModelReference> {
    assertCategory(category)
    if (getCategoryDescriptor(category).managedElsewhere) {
      return Object.freeze({ category: category as FetchableCategory, source: 'primary', url: '', fetchedAt: 0, records: Object.freeze(Object.create(null)), issues: Object.freeze([]) })
    }
    return loadLegacyCategory(category as FetchableCategory, { options: this.options, signal: options.signal, emit: (event) => this.#emit(event) })
  }

  /**
   * Marks the cached copy (of one category, or of all) as expired: the next read fetches. The
   * copy is kept, so it is still served, marked stale, if that fetch fails.
   */
  invalidate(category?: ModelReferenceCategory | (string & {})): void {
    const categories = category === undefined ? FETCHABLE : [category]
    for (const c of categories) {
      assertCategory(c)
      const state = this.#states.get(c)
      if (state?.entry === undefined) continue
      state.invalidated = true
      state.failure = undefined
      state.entry.stale = undefined
      this.#publish(c, state)
    }
  }

  /** The cached result of a category, synchronously, or `undefined`. Never fetches. */
  peek<C extends ModelReferenceCategory>(category: C): ModelReferenceResult<C> | undefined
  peek(category: string): ModelReferenceResult | undefined
  peek(category: string): ModelReferenceResult | undefined {
    assertCategory(category)
    if (getCategoryDescriptor(category).managedElsewhere) return emptyResult(category as ManagedElsewhereCategory)
    const state = this.#states.get(category)
    return state === undefined ? undefined : this.#resultOf(state)
  }

  /**
   * Calls `listener` with the new result whenever a category's cached data changes: new data
   * landed, a stale copy is served after a failed refresh, or the copy was invalidated.
   *
   * @returns A function that removes the listener.
   */
  subscribe<C extends ModelReferenceCategory>(category: C, listener: ModelReferenceListener<C>): () => void
  subscribe(category: string, listener: ModelReferenceListener<ModelReferenceCategory>): () => void
  subscribe(category: string, listener: ModelReferenceListener<ModelReferenceCategory>): () => void {
    assertCategory(category)
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function.')
    const state = this.#state(category)
    state.listeners.add(listener)
    return () => {
      state.listeners.delete(listener)
    }
  }

  /** Stops background work: aborts requests in flight, cancels a scheduled prefetch, drops listeners. */
  dispose(): void {
    this.#disposed = true
    clearTimeout(this.#asyncTimer)
    this.#broadcastChannel?.close()
    for (const state of this.#states.values()) {
      state.inflight?.controller.abort(new DOMException('The client was disposed.', 'AbortError'))
      state.listeners.clear()
    }
  }

  // ---------------------------------------------------------------------------------------

  /**
   * A value from the AI Horde with the reference's discipline: fresh for `ttlSeconds`, one
   * request for concurrent readers, and after a failure the last good value (within
   * `maxStaleSeconds`) until another `ttlSeconds` has passed.
   */
  async #timed<T>(key: string, load: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    let entry = this.#horde.get(key)
    if (entry === undefined) this.#horde.set(key, (entry = { fetchedAt: 0 }))
    const now = Date.now()
    const ttl = this.#ttlMs()
    const usable = entry.value !== undefined && now - entry.fetchedAt < ttl + this.options.maxStaleSeconds * 1000
    if (entry.value !== undefined && (now - entry.fetchedAt < ttl || (entry.failure !== undefined && now < entry.failure.retryAt && usable))) return entry.value as T
    const current = entry
    current.inflight ??= load().then(
      (value) => {
        current.value = value
        current.fetchedAt = Date.now()
        current.failure = undefined
        current.inflight = undefined
        return value
      },
      (error: Error) => {
        current.inflight = undefined
        if (current.value === undefined || Date.now() - current.fetchedAt >= ttl + this.options.maxStaleSeconds * 1000) throw error
        current.failure = { error, retryAt: Date.now() + ttl }
        return current.value
      },
    )
    return (await this.#waitFor(current.inflight, signal)) as T
  }

  #state(category: ModelReferenceCategory): CategoryState {
    let state = this.#states.get(category)
    if (state === undefined) {
      state = { invalidated: false, listeners: new Set() }
      this.#states.set(category, state)
    }
    return state
  }

  #emit(event: ModelReferenceEvent): void {
    try {
      this.options.onEvent?.(event)
    } catch {
      // A listener's bug must never break a read.
    }
  }

  #find(result: ModelReferenceResult, name: string): AnyModelRecord | undefined {
    const models = result.models as Readonly<Record<string, AnyModelRecord>>
    if (Object.prototype.hasOwnProperty.call(models, name)) return models[name]
    const entry = this.#states.get(result.category)?.entry
    const aliases = entry?.envelope.aliases
    if (aliases !== undefined && Object.prototype.hasOwnProperty.call(aliases, name)) return models[aliases[name]!]
    return undefined
  }

  #ttlMs(): number {
    return this.options.ttlSeconds * 1000
  }

  #withinMaxStale(entry: Entry, now: number): boolean {
    return now - entry.envelope.fetchedAt < this.#ttlMs() + this.options.maxStaleSeconds * 1000
  }

  /**
   * Fresh: younger than the TTL. A copy dated in the future (beyond a minute of clock skew: a
   * copy stored by a machine whose clock runs ahead, or a clock set back) is not trusted to be fresh.
   */
  #isFresh(state: CategoryState, entry: Entry, now: number): boolean {
    const age = now - entry.envelope.fetchedAt
    return !state.invalidated && age >= -FUTURE_TOLERANCE_MS && age < this.#ttlMs()
  }

  #resultOf(state: CategoryState): ModelReferenceResult | undefined {
    const entry = state.entry
    if (entry === undefined) return undefined
    const { envelope } = entry
    const stale = state.failure !== undefined || !this.#isFresh(state, entry, Date.now())
    const base = { category: envelope.category, models: envelope.records as ModelMap<ModelReferenceCategory>, source: entry.servedFrom, fetchedAt: envelope.fetchedAt, issues: envelope.issues }
    if (!stale) return (entry.fresh ??= Object.freeze({ ...base, stale: false }))
    return (entry.stale ??= Object.freeze({ ...base, stale: true, ...(state.failure !== undefined && { error: state.failure.error }) }))
  }

  #publish(category: ModelReferenceCategory, state: CategoryState): void {
    const result = this.#resultOf(state)
    if (result === undefined || result === state.published) return
    state.published = result
    for (const listener of [...state.listeners]) {
      try {
        listener(result)
      } catch (error) {
        this.#emit({ type: 'error', category, error })
      }
    }
  }

  async #read(category: FetchableCategory, signal: AbortSignal | undefined): Promise<ModelReferenceResult> {
    const state = this.#state(category)
    if (state.entry === undefined) await this.#waitFor((state.storageLoad ??= this.#loadFromStorage(category, state)), signal)
    const entry = state.entry
    const now = Date.now()
    if (entry !== undefined) {
      const fresh = this.#isFresh(state, entry, now)
      // After a failed refresh the stale copy is served until retryAt, not refetched on every read.
      const backingOff = state.failure !== undefined && now < state.failure.retryAt && this.#withinMaxStale(entry, now)
      if (fresh || backingOff) return this.#resultOf(state)!
      if (this.options.staleWhileRevalidate && this.options.prefetchStrategy !== 'none' && this.#withinMaxStale(entry, now)) {
        // One background refresh (concurrent stale reads join it); the stale copy is served now.
        const refresh = this.#fetch(category, undefined)
        refresh.catch((error: unknown) => this.#emit({ type: 'error', category, error }))
        this.#keepAlive(refresh)
        return this.#resultOf(state)!
      }
    }
    if (this.options.prefetchStrategy === 'none') {
      if (entry !== undefined && this.#withinMaxStale(entry, now)) return this.#resultOf(state)!
      throw new NotCachedError(category)
    }
    return this.#fetch(category, signal)
  }

  #fetch(category: FetchableCategory, signal: AbortSignal | undefined): Promise<ModelReferenceResult> {
    const state = this.#state(category)
    let inflight = state.inflight
    if (inflight === undefined) {
      const controller = new AbortController()
      const created: Inflight = {
        controller,
        waiters: 0,
        promise: this.#refreshNow(category, state, controller.signal).finally(() => {
          if (state.inflight === created) state.inflight = undefined
        }),
      }
      // Every waiter may have aborted; the shared promise must not become an unhandled rejection.
      created.promise.catch(noop)
      state.inflight = inflight = created
    }
    return this.#join(inflight, signal)
  }

  #join(inflight: Inflight, signal: AbortSignal | undefined): Promise<ModelReferenceResult> {
    inflight.waiters++
    if (signal === undefined) return inflight.promise.finally(() => inflight.waiters--)
    return new Promise<ModelReferenceResult>((resolve, reject) => {
      const onAbort = (): void => {
        inflight.waiters--
        // The shared request is cancelled only when nobody is left waiting for it.
        if (inflight.waiters === 0) inflight.controller.abort(signal.reason)
        reject(signal.reason)
      }
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
      inflight.promise.then(
        (result) => {
          signal.removeEventListener('abort', onAbort)
          inflight.waiters--
          resolve(result)
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort)
          inflight.waiters--
          reject(error)
        },
      )
    })
  }

  async #waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal === undefined) return promise
    signal.throwIfAborted()
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  async #refreshNow(category: FetchableCategory, state: CategoryState, signal: AbortSignal): Promise<ModelReferenceResult> {
    const locks = this.#locks()
    if (locks === undefined) return this.#download(category, state, signal)
    const requestedAt = Date.now()
    // One context at a time downloads a category. Whoever waited re-reads the shared storage
    // first: a copy fetched after this refresh was asked for is as good as our own.
    return locks.request(`${envelopeKey(category)}:refresh`, { signal }, async () => {
      const stored = await this.#readStored(category)
      if (stored !== undefined && stored.fetchedAt >= requestedAt) {
        this.#install(category, state, stored, 'storage')
        return this.#resultOf(state)!
      }
      return this.#download(category, state, signal)
    })
  }

  async #download(category: FetchableCategory, state: CategoryState, signal: AbortSignal): Promise<ModelReferenceResult> {
    const previous = state.entry?.envelope
    let loaded: LoadedCategory | UnchangedCategory
    try {
      loaded = await loadCategory(category, { options: this.options, signal, emit: (event) => this.#emit(event), ...(previous !== undefined && { previous }) })
    } catch (error) {
      if (signal.aborted || !isDataError(error)) throw error
      return this.#serveStale(category, state, error)
    }
    let envelope: CategoryEnvelope
    if (loaded.unchanged) {
      // Same records, confirmed by the source: renew the copy instead of downloading it again.
      envelope = Object.freeze({
        ...previous!,
        fetchedAt: loaded.fetchedAt,
        ...(loaded.lastUpdated !== undefined && { lastUpdated: loaded.lastUpdated }),
      })
      this.#emit({ type: 'revalidated', category, source: loaded.source, method: loaded.method, fetchedAt: loaded.fetchedAt })
    } else {
      // Never trade records for nothing: an empty answer (valid only for categories with no
      // GitHub source) does not replace a copy that has records.
      if (loaded.recordCount === 0 && previous !== undefined && Object.keys(previous.records).length > 0) {
        const error = new SourcesUnavailableError(category, [], 'the source answered with no records while the cached copy has some, so the cached copy was kept')
        return this.#serveStale(category, state, error)
      }
      envelope = Object.freeze({
        format: ENVELOPE_FORMAT,
        category,
        source: loaded.source,
        fetchedAt: loaded.fetchedAt,
        records: loaded.models,
        aliases: loaded.aliases,
        issues: Object.freeze(loaded.issues),
        ...(loaded.lastUpdated !== undefined && { lastUpdated: loaded.lastUpdated }),
        ...(loaded.etag !== undefined && { etag: loaded.etag }),
      })
    }
    trustedEnvelopes.add(envelope)
    this.#install(category, state, envelope, loaded.source)
    this.#persist(category, envelope)
    this.#broadcast(category, envelope.fetchedAt)
    return this.#resultOf(state)!
  }

  #install(category: FetchableCategory, state: CategoryState, envelope: CategoryEnvelope, servedFrom: Entry['servedFrom']): void {
    state.entry = { envelope, servedFrom }
    state.invalidated = false
    state.failure = undefined
    this.#emit({ type: 'updated', category, source: servedFrom, recordCount: Object.keys(envelope.records).length })
    this.#publish(category, state)
  }

  #serveStale(category: FetchableCategory, state: CategoryState, error: Error): ModelReferenceResult {
    const entry = state.entry
    const now = Date.now()
    if (entry === undefined || !this.#withinMaxStale(entry, now)) throw error
    state.failure = { error, retryAt: now + this.#ttlMs() }
    entry.stale = undefined
    this.#emit({ type: 'stale-served', category, fetchedAt: entry.envelope.fetchedAt, error })
    this.#publish(category, state)
    return this.#resultOf(state)!
  }

  /** Hands background work to `waitUntil` (a Worker's `ctx.waitUntil`), when given. */
  #keepAlive(promise: Promise<unknown>): void {
    if (this.options.waitUntil === undefined) return
    try {
      this.options.waitUntil(promise.catch(noop))
    } catch (error) {
      this.#emit({ type: 'error', error })
    }
  }

  #persist(category: FetchableCategory, envelope: CategoryEnvelope): void {
    const retentionSeconds = Math.ceil(this.options.ttlSeconds + this.options.maxStaleSeconds)
    let pending: Promise<void>
    try {
      pending = Promise.resolve(this.#storage.set(envelopeKey(category), envelope, { retentionSeconds, metadata: envelopeMetadata(envelope) }))
    } catch (error) {
      pending = Promise.reject(error)
    }
    const reported = pending.catch((error: unknown) => this.#emit({ type: 'storage-error', category, operation: 'set', error }))
    this.#keepAlive(reported)
  }

  /**
   * The stored envelope of a category, ready to install: our own frozen envelopes as they are,
   * anything else validated again record by record. `undefined` for a miss, an adapter error
   * or a value that is not a current envelope (the last two are reported).
   */
  async #readStored(category: FetchableCategory): Promise<CategoryEnvelope | undefined> {
    let value: unknown
    try {
      value = await this.#storage.get(envelopeKey(category))
    } catch (error) {
      this.#emit({ type: 'storage-error', category, operation: 'get', error })
      return undefined
    }
    if (value === undefined || value === null) return undefined
    const envelope = readEnvelope(value, category)
    if (envelope === undefined) {
      this.#emit({ type: 'storage-error', category, operation: 'get', error: new TypeError(`the stored value for "${category}" is not a current envelope; ignored`) })
      return undefined
    }
    if (trustedEnvelopes.has(envelope)) return envelope
    // Anything outside this realm could have written it: validate it like a source's answer.
    const validated = validateRecords(category, Object.entries(envelope.records))
    if (validated.issues.length > 0) this.#emit({ type: 'issues', category, source: 'storage', issues: validated.issues })
    if (validated.recordCount === 0 && Object.keys(envelope.records).length > 0) return undefined
    const checked: CategoryEnvelope = Object.freeze({
      ...envelope,
      records: validated.models,
      aliases: Object.freeze(Object.assign(Object.create(null), envelope.aliases)),
      issues: Object.freeze([...(envelope.issues as ModelReferenceIssue[]), ...validated.issues]),
    })
    trustedEnvelopes.add(checked)
    return checked
  }

  async #loadFromStorage(category: FetchableCategory, state: CategoryState): Promise<void> {
    this.#channel()
    const envelope = await this.#readStored(category)
    // A fetch may have landed while storage was read: the newer copy wins.
    if (envelope === undefined || this.#disposed || (state.entry !== undefined && state.entry.envelope.fetchedAt >= envelope.fetchedAt)) return
    this.#install(category, state, envelope, 'storage')
  }

  // --- other browsing contexts (tabs) sharing the storage ---------------------------------

  #locks(): LockManagerLike | undefined {
    if (this.#storage.sharedAcrossContexts !== true || this.options.locks === false) return undefined
    return this.options.locks ?? (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks
  }

  #channel(): BroadcastChannel | undefined {
    if (this.#broadcastChannel !== undefined || this.#disposed) return this.#broadcastChannel ?? undefined
    const name = this.options.broadcastChannel
    if (this.#storage.sharedAcrossContexts !== true || name === false || typeof BroadcastChannel !== 'function') {
      this.#broadcastChannel = null
      return undefined
    }
    const channel = new BroadcastChannel(name)
    // In Node a channel would keep the process alive.
    ;(channel as { unref?: () => void }).unref?.()
    channel.onmessage = (event: MessageEvent) => this.#onBroadcast(event.data)
    this.#broadcastChannel = channel
    return channel
  }

  #broadcast(category: FetchableCategory, fetchedAt: number): void {
    try {
      this.#channel()?.postMessage({ type: BROADCAST_UPDATED, category, fetchedAt })
    } catch (error) {
      this.#emit({ type: 'error', category, error })
    }
  }

  #onBroadcast(message: unknown): void {
    if (typeof message !== 'object' || message === null) return
    const { type, category, fetchedAt } = message as Record<string, unknown>
    if (type !== BROADCAST_UPDATED || !isModelReferenceCategory(category) || typeof fetchedAt !== 'number') return
    if (getCategoryDescriptor(category).managedElsewhere) return
    const state = this.#state(category)
    if (state.entry !== undefined && state.entry.envelope.fetchedAt >= fetchedAt) return
    // Another tab refreshed: read its copy from the shared storage and tell our subscribers.
    this.#readStored(category as FetchableCategory).then((envelope) => {
      if (envelope === undefined || this.#disposed) return
      if (state.entry !== undefined && state.entry.envelope.fetchedAt >= envelope.fetchedAt) return
      this.#install(category as FetchableCategory, state, envelope, 'storage')
    }, noop)
  }

  async #prefetchAll(): Promise<void> {
    const settled = await Promise.allSettled(FETCHABLE.map((category) => this.#read(category, undefined)))
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }

  #createDeferredHandle(): DeferredPrefetchHandle {
    let running: Promise<void> | undefined
    const run = (): Promise<void> => {
      running ??= this.#prefetchAll().finally(() => {
        running = undefined
      })
      return running
    }
    return Object.freeze({
      run,
      then<A = void, B = never>(onFulfilled?: ((value: void) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): PromiseLike<A | B> {
        return run().then(onFulfilled, onRejected)
      },
    })
  }
}

/**
 * Creates an independent (non-singleton) client: for tests, multi-tenant servers, and Workers
 * that build one per request with their own bindings.
 *
 * @example
 * ```ts
 * import { createModelReferenceClient } from '@horde-model-reference/core'
 * const client = createModelReferenceClient({ ttlSeconds: 300 })
 * const text = await client.getModelReference('text_generation')
 * ```
 */
export function createModelReferenceClient(options: ModelReferenceOptions = {}): ModelReferenceClient {
  return new ModelReferenceClient(options)
}
