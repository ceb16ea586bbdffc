import { createCrossContext, type CrossContext } from './cache/cross-context.js'
import type { CategoryEnvelope } from './cache/envelope.js'
import { checkForeignEnvelope, createPersistence, type Persistence } from './cache/persistence.js'
import { abortable } from './abort.js'
import { FUTURE_TOLERANCE_MS, isFresh, isUsable, isWithinMaxStale, Query, type Freshness, type QueryAction, type QueryConfig, type QueryState } from './cache/query.js'
import {
  CategoryView,
  freezeResult,
  type AllModelReferenceResults,
  type AllModelReferences,
  type AnyModelMap,
  type CategoryListener,
  type CategoryState,
  type ModelReferenceResult,
  type ReadOptions,
  READ_OPTION_NAMES,
} from './cache/result.js'
import { fingerprintOf, shareRecords } from './cache/fingerprints.js'
import { ENVELOPE_FORMAT } from './cache/envelope.js'
import { SNAPSHOT_FORMAT, type HydrateOptions, type HydrateReport, type ModelReferenceSnapshot, type SnapshotCategory } from './snapshot.js'
import { createMemoryStorage } from './cache/storage.js'
import { createCategoryLoader, type CategoryLoad } from './category-loader.js'
import {
  getCategoryDescriptor,
  couldBeCategoryName,
  isModelReferenceCategory,
  MODEL_REFERENCE_CATEGORIES,
  type CategoryName,
  type FetchableCategory,
  type ManagedElsewhereCategory,
  type ModelReferenceCategory,
} from './categories.js'
import { setInternals, type ClientInternals } from './client-internals.js'
import { createCounters, type Counters, type SourceCounters } from './counters.js'
import type { CategoryMetadata } from './server-metadata.js'
import { HORDE_SOURCE, type ModelReferenceProvider, type RegisterProviderOptions } from './providers/provider.js'
import { ProviderRegistry } from './providers/registry.js'
import { UnknownCategoryError } from './errors/unknown-category.js'
import { isHordeModelReferenceError } from './errors/base.js'
import { ModelNotFoundError } from './errors/model-not-found.js'
import { NotCachedError } from './errors/not-cached.js'
import { createEmit, type Emit } from './events.js'
import { checkOptions, type KnownOptions } from './options-check.js'
import { normalizeOptions, type LockManagerLike, type ModelReferenceOptions, type NormalizedOptions, type WaitUntil } from './options.js'
import { startPrefetch, type DeferredPrefetchHandle, type Prefetch } from './prefetch.js'
import type { AnyModelRecord, ModelMap, RecordFor } from './records/types.js'
import { createGithubSource } from './sources/github.js'
import type { ReferenceSource } from './sources/source.js'
import { createSourceHealth } from './sources/health.js'
import { createSourceLoader } from './sources/loader.js'
import { createPrimarySource } from './sources/primary.js'
import { createTransport } from './sources/transport.js'

// A snapshot's category holding more records than this is refused (the largest real one has 719).
const MAX_SNAPSHOT_RECORDS = 100_000

const FETCHABLE = MODEL_REFERENCE_CATEGORIES.filter((c) => !getCategoryDescriptor(c).managedElsewhere) as FetchableCategory[]

const noop = (): void => {}

// What an unknown key of a read's options is reported for; the option lists of the small methods.
const READ = 'a read'
const SIGNAL_ONLY = { signal: 1 } satisfies KnownOptions<Pick<ReadOptions, 'signal'>>
const LAST_RESORT = { lastResort: 1 } satisfies KnownOptions<HydrateOptions>

// `lora` and `ti` are managed elsewhere (as upstream): always empty, never fetched.
const EMPTY = new Map<ModelReferenceCategory, { result: ModelReferenceResult; state: CategoryState }>()
function empty(category: ManagedElsewhereCategory): { result: ModelReferenceResult; state: CategoryState } {
  let entry = EMPTY.get(category)
  if (entry === undefined) {
    const result: ModelReferenceResult = freezeResult({
      category,
      models: Object.freeze(Object.create(null)),
      source: 'none',
      fetchedAt: 0,
      stale: false,
      issues: Object.freeze([]),
      sources: Object.freeze([Object.freeze({ id: 'horde', status: 'empty', recordCount: 0 })]),
    })
    entry = { result, state: Object.freeze({ status: 'success', category, result, error: undefined, isFetching: false }) }
    EMPTY.set(category, entry)
  }
  return entry
}

function isManaged(category: ModelReferenceCategory): category is ManagedElsewhereCategory {
  return isModelReferenceCategory(category) && getCategoryDescriptor(category).managedElsewhere
}

// The failures `...OrNull` reads turn into `null`: the data cannot be had right now.
function isUnavailable(error: unknown): boolean {
  return isHordeModelReferenceError(error) && (error.code === 'SOURCES_UNAVAILABLE' || error.code === 'VALIDATION_FAILED' || error.code === 'NOT_CACHED')
}

interface CategoryEntry {
  readonly query: Query<CategoryEnvelope>
  readonly view: CategoryView
}

/**
 * A model reference client. Create one with {@link createModelReferenceClient}; the singleton
 * `ModelReferenceManager` is one. It builds its transport, sources, storage and cross-tab link
 * once, and keeps one query per category (see ARCHITECTURE.md).
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

  readonly #entries = new Map<FetchableCategory, CategoryEntry>()
  readonly #values = new Map<string, Query<unknown>>()
  readonly #names = new WeakMap<object, readonly string[]>()
  readonly #freshness: Freshness
  readonly #emit: Emit
  readonly #persistence: Persistence
  readonly #crossContext: CrossContext | undefined
  readonly #load: (category: FetchableCategory) => CategoryLoad
  readonly #prefetch: Prefetch
  readonly #counters: Counters
  readonly #internals: ClientInternals
  readonly #providers: ProviderRegistry
  // Categories this client's server listed that the SDK does not know.
  readonly #serverCategories = new Set<string>()
  // Set by dispose(): the reason every later read rejects with.
  #disposed: DOMException | undefined

  /**
   * Creates an independent client (as `createModelReferenceClient(options)` does); nothing is
   * fetched here unless `prefetchStrategy` says so.
   * @param options Every option is optional; see {@link ModelReferenceOptions} for the defaults.
   * @throws {TypeError | RangeError} for an option of the wrong type or out of range, saying which.
   */
  constructor(options: ModelReferenceOptions = {}) {
    const o = (this.options = normalizeOptions(options))
    const counters = (this.#counters = createCounters())
    const emit = (this.#emit = createEmit(o.onEvent, counters.count))
    this.#freshness = { ttlMs: o.ttlSeconds * 1000, maxStaleMs: o.maxStaleSeconds * 1000 }
    const transport = createTransport(o, emit)
    // GitHub only when primaryUrl is null.
    const sources: ReferenceSource[] = [...(o.primaryUrl === null ? [] : [createPrimarySource(o, transport, emit)]), createGithubSource(o, transport, emit)]
    const loop = { health: createSourceHealth(o.sourceCooldownSeconds * 1000), emit, timeoutMs: o.timeoutMs, totalTimeoutMs: o.totalTimeoutMs, fallbackAfterMs: o.fallbackAfterMs, retries: o.retries }
    const persistence = (this.#persistence = createPersistence(o.storage ?? createMemoryStorage(), {
      // A storage read is part of a read, so it never outlasts the read's own budget.
      timeoutMs: Math.min(o.storageTimeoutMs, o.totalTimeoutMs),
      retentionSeconds: Math.ceil(o.ttlSeconds + o.maxStaleSeconds),
      emit,
    }))
    // Tabs coordinate only through a storage they share (IndexedDB).
    const crossContext = (this.#crossContext = persistence.shared
      ? createCrossContext({
          locks: o.locks === false ? undefined : (o.locks ?? (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks),
          channelName: o.broadcastChannel,
          onAnnounce: (category, fetchedAt) => this.#onAnnounce(category, fetchedAt),
          onError: (error) => emit({ type: 'error', error }),
        })
      : undefined)
    this.#providers = new ProviderRegistry(
      (category, key) => persistence.remove(category as FetchableCategory, key),
      (promise) => this.#keepAlive()(promise),
    )
    this.#load = createCategoryLoader({ sources: createSourceLoader(sources, loop), persistence, crossContext, totalTimeoutMs: o.totalTimeoutMs, emit })
    setInternals(this, (this.#internals = {
      options: o,
      transport,
      sources,
      loop,
      emit,
      query: <T,>(key: string, create: () => Omit<QueryConfig<T>, 'freshness'> & { readonly freshness?: Freshness }): Query<T> => {
        let query = this.#values.get(key) as Query<T> | undefined
        if (query === undefined) {
          query = new Query<T>({ freshness: this.#freshness, ...create() })
          this.#values.set(key, query as Query<unknown>)
        }
        return query
      },
      keepAlive: (waitUntil) => this.#keepAlive(waitUntil),
      knowCategory: (category, readOptions) => this.#knowCategory(category, readOptions),
      freshness: this.#freshness,
      persistence,
      providers: this.#providers,
      serverCategories: this.#serverCategories,
      readCanonical: (category, readOptions) => this.#readCanonical(category, readOptions),
      refreshCanonical: (category, readOptions) => this.#refreshCanonical(category, readOptions),
    }))
    // A snapshot given at construction is in place before the first read (and the first render).
    if (o.initialData !== undefined) this.hydrate(o.initialData)
    this.#prefetch = startPrefetch(o.prefetchStrategy, () => this.#loadAll(), (error) => emit({ type: 'error', error }))
    this.ready = this.#prefetch.ready
    this.deferredPrefetch = this.#prefetch.deferred
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
  async getModelReference<S extends string>(category: CategoryName<S>, options?: ReadOptions): Promise<AnyModelMap>
  async getModelReference(category: string, options: ReadOptions = {}): Promise<AnyModelMap> {
    return (await this.getModelReferenceResult(category, options)).models as AnyModelMap
  }

  /** Like {@link getModelReference}, but resolves with `null` when the data cannot be had. Unknown categories still throw. */
  async getModelReferenceOrNull<C extends ModelReferenceCategory>(category: C, options?: ReadOptions): Promise<ModelMap<C> | null>
  async getModelReferenceOrNull<S extends string>(category: CategoryName<S>, options?: ReadOptions): Promise<AnyModelMap | null>
  async getModelReferenceOrNull(category: string, options: ReadOptions = {}): Promise<AnyModelMap | null> {
    try {
      return await this.getModelReference(category, options)
    } catch (error) {
      if (isUnavailable(error)) return null
      throw error
    }
  }

  /**
   * The records of a category with their provenance: source, `fetchedAt`, staleness and issues.
   * A warm read returns the same frozen object every time.
   */
  async getModelReferenceResult<C extends ModelReferenceCategory>(category: C, options?: ReadOptions): Promise<ModelReferenceResult<C>>
  async getModelReferenceResult<S extends string>(category: CategoryName<S>, options?: ReadOptions): Promise<ModelReferenceResult>
  async getModelReferenceResult(category: string, options: ReadOptions = {}): Promise<ModelReferenceResult> {
    checkOptions(READ, options, READ_OPTION_NAMES)
    this.#throwIfDisposed()
    options.signal?.throwIfAborted()
    // A category of the SDK's costs no extra await.
    if (!isModelReferenceCategory(category)) await this.#knowCategory(category, options)
    // Other sources than the canonical data: loaded when first asked for.
    if (options.source !== undefined && options.source !== HORDE_SOURCE) return (await import('./providers/reader.js')).readSelected(this.#internals, category as ModelReferenceCategory, options, false)
    return this.#readCanonical(category as ModelReferenceCategory, options)
  }

  async #readCanonical(category: ModelReferenceCategory, options: ReadOptions): Promise<ModelReferenceResult> {
    if (isManaged(category)) return empty(category).result
    if (this.options.prefetchStrategy === 'sync') {
      const waitedFrom = Date.now()
      await abortable(this.ready.catch(noop), options.signal)
      // The prefetch failed this category while this read waited: that is this read's answer,
      // not a reason to spend a second deadline on the same sources.
      const { state } = this.#entry(category as FetchableCategory).query
      if (state.copy === undefined && state.error !== undefined && state.failedAt >= waitedFrom) throw state.error
    }
    return this.#read(category as FetchableCategory, options)
  }

  /**
   * Registers a source of model records of your own (upstream's `register_provider`): reads
   * that select it (`{ source: id }`, `'any'` or a list) take its records, validated and cached
   * like the canonical data. Reads that do not select it are unchanged.
   *
   * @example
   * ```ts
   * import { createStaticProvider } from '@horde-model-reference/core/providers'
   * client.registerProvider(createStaticProvider('my-lab', { image_generation: { 'My Model': myRecord } }))
   * ```
   * @throws {ProviderRegistrationError} for an empty or reserved id (`horde`, `any`), an id already registered (unless `replace`), or something that is not a provider.
   */
  registerProvider(provider: ModelReferenceProvider, options: RegisterProviderOptions = {}): void {
    checkOptions('registerProvider', options, { replace: 1 } satisfies KnownOptions<RegisterProviderOptions>)
    this.#providers.register(provider, options)
  }

  /** Removes a provider, its cached and stored copies. @returns whether one was registered under `id`. */
  unregisterProvider(id: string): boolean {
    return this.#providers.unregister(id)
  }

  /** The registered providers' ids, in registration order. */
  listProviders(): readonly string[] {
    return this.#providers.ids()
  }

  /** The provider registered under `id`, if any. */
  getProvider(id: string): ModelReferenceProvider | undefined {
    return this.#providers.get(id)
  }

  /**
   * The categories the primary lists (`{primaryUrl}/model_references/v2/model_categories`),
   * cached like the records; the SDK's own list (every category but `lora` and `ti`) when the
   * primary cannot say (a failure, GitHub-only mode). A category listed there that this SDK does
   * not know can then be read, as generic records.
   */
  async getModelCategories(options: Pick<ReadOptions, 'signal' | 'waitUntil'> = {}): Promise<readonly string[]> {
    checkOptions('getModelCategories', options, { signal: 1, waitUntil: 1 } satisfies KnownOptions<Pick<ReadOptions, 'signal' | 'waitUntil'>>)
    this.#throwIfDisposed()
    return (await import('./server-metadata.js')).getModelCategories(this.#internals, options)
  }

  /**
   * When the primary says a category last changed (`.../v2/metadata/{category}/last_updated`,
   * Unix seconds; upstream's `last_updated`), or `null` when it cannot say: a replica (which
   * answers 503), GitHub-only mode, or a value from the future. Not cached.
   *
   * @throws {SourcesUnavailableError} when the primary cannot be reached.
   */
  async lastUpdated<S extends string>(category: ModelReferenceCategory | CategoryName<S>, options: Pick<ReadOptions, 'signal'> = {}): Promise<number | null> {
    checkOptions('lastUpdated', options, SIGNAL_ONLY)
    this.#throwIfDisposed()
    await this.#knowCategory(category, options)
    return (await import('./server-metadata.js')).lastUpdated(this.#internals, category, options)
  }

  /**
   * The primary's metadata of a category (upstream's `get_metadata`): `last_updated`, operation
   * counts, `total_models`, `backend_type`, ...; `null` when it keeps none (a replica answers
   * 503), in GitHub-only mode, or when the answer is not metadata of this category. Not cached.
   *
   * @throws {SourcesUnavailableError} when the primary cannot be reached.
   */
  async getMetadata<S extends string>(category: ModelReferenceCategory | CategoryName<S>, options: Pick<ReadOptions, 'signal'> = {}): Promise<CategoryMetadata | null> {
    checkOptions('getMetadata', options, SIGNAL_ONLY)
    this.#throwIfDisposed()
    await this.#knowCategory(category, options)
    return (await import('./server-metadata.js')).getMetadata(this.#internals, category, options)
  }

  /** Whether every category (but `lora` and `ti`) has a fresh copy in memory now (upstream's `is_warm`). Never fetches. */
  get isWarm(): boolean {
    const now = Date.now()
    return FETCHABLE.every((category) => {
      const entry = this.#entries.get(category)
      return entry !== undefined && isFresh(entry.query.state, this.#freshness, now)
    })
  }

  /** What the client counted per source since it was created (or since `resetCounters()`): requests, answers, bytes, updates, failures, fallbacks, revalidations. */
  getCounters(): Readonly<Record<string, SourceCounters>> {
    return this.#counters.read()
  }

  /** Starts the counters again from zero. */
  resetCounters(): void {
    this.#counters.reset()
  }

  /**
   * One model, by name or by its original key in the source.
   *
   * @throws {ModelNotFoundError} when the category has no such model.
   */
  async getModel<C extends ModelReferenceCategory>(category: C, name: string, options?: ReadOptions): Promise<RecordFor<C>>
  async getModel<S extends string>(category: CategoryName<S>, name: string, options?: ReadOptions): Promise<AnyModelRecord>
  async getModel(category: string, name: string, options: ReadOptions = {}): Promise<AnyModelRecord> {
    const result = await this.getModelReferenceResult(category, options)
    const model = this.#find(result, name)
    if (model !== undefined) return model
    // The matcher is loaded only when a name is not found.
    const { suggestNames } = await import('./search/matcher.js')
    throw new ModelNotFoundError(category, name, suggestNames(Object.keys(result.models), String(name)))
  }

  /**
   * Names of the category close to `name`, closest first, by the matcher of `query().search()`:
   * the same name but for case, accents, spacing and punctuation first, then names matching
   * every word (small typos allowed), then names a few edits away. `ModelNotFoundError`'s
   * `suggestions` are these. Empty for an empty `name`.
   *
   * @example
   * ```ts
   * await client.suggestModelNames('image_generation', 'albedobase xl') // ['AlbedoBase XL (SDXL)', ...]
   * ```
   */
  async suggestModelNames<S extends string>(category: ModelReferenceCategory | CategoryName<S>, name: string, options: ReadOptions & { readonly limit?: number | undefined } = {}): Promise<string[]> {
    checkOptions('suggestModelNames', options, { ...READ_OPTION_NAMES, limit: 1 } satisfies KnownOptions<ReadOptions & { limit?: number }>)
    if (typeof name !== 'string') throw new TypeError('suggestModelNames needs the name to look for.')
    const { limit, ...read } = options
    const [names, { suggestNames }] = await Promise.all([this.getModelNames(category, read), import('./search/matcher.js')])
    return suggestNames(names, name, limit === undefined ? {} : { limit })
  }

  /**
   * A JSON-safe snapshot of the copies this client holds (of `categories`, or of every category
   * it has a copy of): records, source, `fetchedAt`, `lastUpdated`, ETag and fingerprint, for
   * {@link hydrate} in another client (a page rendered on the server, an app shipping its data,
   * a mirror's cold start). Reads nothing; a category with no copy is left out.
   *
   * @example
   * ```ts
   * await server.getModelReference('image_generation')
   * const html = `<script type="application/json" id="models">${JSON.stringify(server.dehydrate(['image_generation']))}</script>`
   * ```
   * @throws {UnknownCategoryError} for a name that is not a category this client fetches.
   */
  dehydrate(categories?: readonly FetchableCategory[], options: { readonly lastResort?: boolean | undefined } = {}): ModelReferenceSnapshot {
    checkOptions('dehydrate', options, LAST_RESORT)
    const wanted = categories ?? FETCHABLE
    const out: Partial<Record<FetchableCategory, SnapshotCategory>> = Object.create(null)
    for (const category of wanted) {
      if (!FETCHABLE.includes(category)) throw new UnknownCategoryError(String(category), FETCHABLE)
      const copy = this.#entries.get(category)?.query.state.copy
      if (copy === undefined) continue
      const { source, records, aliases, issues, lastUpdated, etag } = copy.value
      out[category] = Object.freeze({
        format: ENVELOPE_FORMAT,
        category,
        source,
        fetchedAt: copy.fetchedAt,
        records,
        aliases,
        issues,
        ...(lastUpdated !== undefined && { lastUpdated }),
        ...(etag !== undefined && { etag }),
        fingerprint: fingerprintOf(records),
      })
    }
    return Object.freeze({ format: SNAPSHOT_FORMAT, createdAt: Date.now(), ...(options.lastResort === true && { lastResort: true }), categories: Object.freeze(out) })
  }

  /**
   * Installs a snapshot ({@link dehydrate}'s, parsed from JSON or not), category by category:
   * each one is validated record by record like any copy from outside (issues reported as an
   * `issues` event from `'snapshot'`), never replaces a copy as new or newer than itself, and is
   * refused when dated in the future, too large, or with no valid record. An installed copy is
   * then treated like data fetched at its `fetchedAt`: fresh for `ttlSeconds` from then (no
   * request), served stale within `maxStaleSeconds` when a refresh fails, and, with
   * `lastResort`, served stale whatever its age when every source fails. The storage is read
   * too, so that a newer stored copy still wins. Results from it have `source: 'snapshot'`.
   *
   * @example
   * ```ts
   * const client = createModelReferenceClient()
   * const report = client.hydrate(JSON.parse(document.getElementById('models')!.textContent!))
   * ```
   * @returns Which categories were installed, and why the others were not.
   * @throws {TypeError} when `snapshot` is not a snapshot (another format, not an object).
   */
  hydrate(snapshot: ModelReferenceSnapshot, options: HydrateOptions = {}): HydrateReport {
    checkOptions('hydrate', options, LAST_RESORT)
    if (this.#disposed !== undefined) throw this.#disposed
    let format: unknown
    let categories: unknown
    let ownFlag: unknown
    try {
      const value = snapshot as unknown as Record<string, unknown>
      ;({ format, categories, lastResort: ownFlag } = value)
    } catch {
      // A getter that throws, a revoked proxy: not a snapshot.
    }
    if (typeof snapshot !== 'object' || snapshot === null || format !== SNAPSHOT_FORMAT || typeof categories !== 'object' || categories === null) {
      throw new TypeError(`hydrate() takes a snapshot from dehydrate() (format "${SNAPSHOT_FORMAT}"), not ${snapshot === null ? 'null' : typeof snapshot === 'object' ? `an object of format ${JSON.stringify(format) ?? String(format)}` : typeof snapshot}.`)
    }
    if (options.lastResort !== undefined && typeof options.lastResort !== 'boolean') throw new TypeError('hydrate(): lastResort must be true or false.')
    const lastResort = options.lastResort ?? ownFlag === true
    const installed: FetchableCategory[] = []
    const skipped: { category: string; reason: string }[] = []
    const now = Date.now()
    let keys: string[] = []
    try {
      keys = Object.keys(categories)
    } catch {
      throw new TypeError('hydrate(): the snapshot\'s categories cannot be listed.')
    }
    for (const key of keys) {
      let reason: string
      try {
        reason = this.#hydrateOne(key, (categories as Record<string, unknown>)[key], lastResort, now)
      } catch (error) {
        // Whatever a hostile snapshot does (getters, proxies, cycles): that category is skipped.
        reason = `unreadable (${error instanceof Error ? error.message : String(error)})`
      }
      if (reason === '') installed.push(key as FetchableCategory)
      else {
        skipped.push({ category: key, reason })
        // Reported, so that a snapshot given as initialData never fails silently.
        this.#emit({ type: 'issues', category: (FETCHABLE.includes(key as FetchableCategory) ? key : 'miscellaneous') as FetchableCategory, source: 'snapshot', issues: [Object.freeze({ category: key as FetchableCategory, severity: 'error', key, path: '', message: `the snapshot's copy was not installed: ${reason}` })] })
      }
    }
    return Object.freeze({ installed: Object.freeze(installed), skipped: Object.freeze(skipped) })
  }

  // One category of a snapshot: '' when installed, else why not.
  #hydrateOne(key: string, entry: unknown, lastResort: boolean, now: number): string {
    const category = key as FetchableCategory
    if (!FETCHABLE.includes(category)) return 'not a category this client fetches'
    const fetchedAt = (entry as { fetchedAt?: unknown } | null)?.fetchedAt
    if (typeof fetchedAt === 'number' && fetchedAt > now + FUTURE_TOLERANCE_MS) return 'dated in the future'
    if (typeof fetchedAt === 'number' && !lastResort && !isWithinMaxStale({ value: undefined, fetchedAt, origin: 'snapshot' }, this.#freshness, now)) return 'older than ttlSeconds + maxStaleSeconds (and not a last resort)'
    const records = (entry as { records?: unknown } | null)?.records
    if (typeof records === 'object' && records !== null && Object.keys(records).length > MAX_SNAPSHOT_RECORDS) return `more than ${MAX_SNAPSHOT_RECORDS} records`
    const checked = checkForeignEnvelope(category, entry, this.#emit, 'snapshot')
    if (typeof checked === 'string') return checked
    const { query } = this.#entry(category)
    const before = query.state
    // A date a little ahead (a server's clock): which copy is newer cannot be told, so it never
    // replaces one; alone, it counts from now, never fresh for longer than the TTL.
    const ahead = checked.fetchedAt > now
    if (ahead && before.copy !== undefined) return 'dated in the future while a copy is held'
    const copy = { value: shareRecords(before.copy?.value, checked), fetchedAt: ahead ? now : checked.fetchedAt, origin: 'snapshot', ...(lastResort && { lastResort: true }) }
    query.dispatch({ type: 'restore', copy, at: now })
    if (query.state === before) return 'a copy as new or newer is held'
    // A copy stored since (another tab, an earlier visit) may be newer: the next read waits for
    // this storage read, and the newer copy wins.
    void query.restore(undefined, true)
    return ''
  }

  /** Like {@link getModel}, but `null` when the model or the category's data cannot be had. */
  async getModelOrNull<C extends ModelReferenceCategory>(category: C, name: string, options?: ReadOptions): Promise<RecordFor<C> | null>
  async getModelOrNull<S extends string>(category: CategoryName<S>, name: string, options?: ReadOptions): Promise<AnyModelRecord | null>
  async getModelOrNull(category: string, name: string, options: ReadOptions = {}): Promise<AnyModelRecord | null> {
    let result: ModelReferenceResult
    try {
      result = await this.getModelReferenceResult(category, options)
    } catch (error) {
      if (isUnavailable(error)) return null
      throw error
    }
    return this.#find(result, name) ?? null
  }

  /** The names of a category's models, in source order (a frozen array, shared while the data is unchanged). */
  async getModelNames<S extends string>(category: ModelReferenceCategory | CategoryName<S>, options: ReadOptions = {}): Promise<readonly string[]> {
    const { models } = await this.getModelReferenceResult(category as string, options)
    let names = this.#names.get(models)
    if (names === undefined) this.#names.set(models, (names = Object.freeze(Object.keys(models))))
    return names
  }

  /**
   * Every category except `lora` and `ti` (managed elsewhere, as upstream), fetched
   * concurrently. A category that cannot be loaded is left out, never replaced by an empty
   * stand-in, and its error goes to `onEvent`.
   *
   * @throws {SourcesUnavailableError} (the first category's) when no category could be loaded.
   */
  async getAllModelReferences(options: ReadOptions = {}): Promise<AllModelReferences> {
    const results = await this.getAllModelReferenceResults(options)
    const all: Record<string, unknown> = {}
    for (const [category, result] of Object.entries(results)) all[category] = result!.models
    return all as AllModelReferences
  }

  /**
   * Like {@link getAllModelReferences}, but each category's whole result (`source`, `stale`,
   * `issues`, `sources`, `recordSources`, ...), frozen: what `queryAll` reads.
   *
   * @throws the first failure when no category could be read.
   */
  async getAllModelReferenceResults(options: ReadOptions = {}): Promise<AllModelReferenceResults> {
    checkOptions(READ, options, READ_OPTION_NAMES)
    const { signal } = options
    signal?.throwIfAborted()
    // One listener on the caller's signal, fanned out to a signal of each category's own (one
    // shared signal would carry a listener per category: Node warns above 10).
    const perCategory = FETCHABLE.map(() => new AbortController())
    const forward = (): void => {
      for (const controller of perCategory) controller.abort(signal!.reason)
    }
    signal?.addEventListener('abort', forward, { once: true })
    let settled: PromiseSettledResult<ModelReferenceResult>[]
    try {
      settled = await Promise.allSettled(FETCHABLE.map((category, index) => this.getModelReferenceResult(category, { ...options, signal: perCategory[index]!.signal })))
    } finally {
      signal?.removeEventListener('abort', forward)
    }
    // The caller's own abort is not a failure of any category.
    signal?.throwIfAborted()
    const all: Record<string, unknown> = {}
    let firstError: unknown
    settled.forEach((outcome, index) => {
      const category = FETCHABLE[index]!
      if (outcome.status === 'fulfilled') {
        all[category] = outcome.value
      } else {
        firstError ??= outcome.reason
        this.#emit({ type: 'error', category, error: outcome.reason })
      }
    })
    if (Object.keys(all).length === 0 && firstError !== undefined) throw firstError
    return Object.freeze(all) as AllModelReferenceResults
  }

  /**
   * Fetches now, whether or not the cached copy is fresh (sharing a request already in flight).
   * With a category, resolves with its result, which is the stale copy with `error` set when the
   * fetch failed and a copy is cached. Without one, refreshes every category and rejects with
   * the first failure once all have settled.
   */
  async refresh<C extends ModelReferenceCategory>(category: C, options?: ReadOptions): Promise<ModelReferenceResult<C>>
  async refresh<S extends string>(category: CategoryName<S>, options?: ReadOptions): Promise<ModelReferenceResult>
  async refresh(category?: undefined, options?: ReadOptions): Promise<void>
  async refresh(category?: string, options: ReadOptions = {}): Promise<ModelReferenceResult | void> {
    checkOptions('refresh', options, READ_OPTION_NAMES)
    if (category === undefined) {
      const settled = await Promise.allSettled(FETCHABLE.map((c) => this.refresh(c, options)))
      const failed = settled.find((outcome) => outcome.status === 'rejected')
      if (failed !== undefined) throw failed.reason
      return
    }
    this.#throwIfDisposed()
    options.signal?.throwIfAborted()
    if (!isModelReferenceCategory(category)) await this.#knowCategory(category, options)
    if (options.source !== undefined && options.source !== HORDE_SOURCE) return (await import('./providers/reader.js')).readSelected(this.#internals, category as ModelReferenceCategory, options, true)
    return this.#refreshCanonical(category as ModelReferenceCategory, options)
  }

  async #refreshCanonical(category: ModelReferenceCategory, options: ReadOptions): Promise<ModelReferenceResult> {
    if (isManaged(category)) return empty(category).result
    const { query, view } = this.#entry(category as FetchableCategory)
    const copy = await query.fetch(options.signal, this.#keepAlive(options.waitUntil))
    return view.result(query.state, copy)
  }

  /**
   * Marks the cached copy (of one category, or of all) as expired: the next read fetches. The
   * copy is kept, so it is still served, marked stale, if that fetch fails.
   */
  invalidate<S extends string>(category?: ModelReferenceCategory | CategoryName<S>): void {
    const at = Date.now()
    for (const c of category === undefined ? FETCHABLE : [category]) {
      this.#checkCategory(c)
      // Also before anything is loaded: a copy restored from storage later is out of date too.
      if (!isManaged(c)) this.#entry(c as FetchableCategory).query.dispatch({ type: 'invalidate', at })
      // The providers' copies of it too.
      this.#providers.invalidate(c, at)
    }
  }

  /**
   * What the client knows about a category now, synchronously; never fetches. Narrow it by
   * `status`: `'success'` (with the `result`, maybe stale and `isFetching`), `'error'` (a load
   * failed and nothing usable is cached) or `'loading'` (nothing yet).
   *
   * @example
   * ```ts
   * const state = client.peek('image_generation')
   * if (state.status === 'success') console.log(Object.keys(state.result.models).length)
   * ```
   */
  peek<C extends ModelReferenceCategory>(category: C): CategoryState<C>
  peek<S extends string>(category: CategoryName<S>): CategoryState
  peek(category: string): CategoryState {
    this.#checkCategory(category)
    if (isManaged(category)) return empty(category).state
    const { query, view } = this.#entry(category)
    return view.state(query.state)
  }

  /**
   * Calls `listener` with the category's new state whenever it changes: new data landed, a
   * refresh started or ended, a stale copy is served after a failed refresh, a load failed with
   * nothing cached, the copy was invalidated.
   *
   * @returns A function that removes the listener.
   */
  subscribe<C extends ModelReferenceCategory>(category: C, listener: CategoryListener<C>): () => void
  subscribe<S extends string>(category: CategoryName<S>, listener: CategoryListener<ModelReferenceCategory>): () => void
  subscribe(category: string, listener: CategoryListener<ModelReferenceCategory>): () => void {
    this.#checkCategory(category)
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function.')
    if (isManaged(category)) return noop
    const { query, view } = this.#entry(category)
    let last = view.state(query.state)
    return query.subscribe(() => {
      const next = view.state(query.state)
      if (next === last) return
      const previous = last
      last = next
      try {
        listener(next, { recordsChanged: next.result?.models !== previous.result?.models, previous })
      } catch (error) {
        this.#emit({ type: 'error', category, error })
      }
    })
  }

  /**
   * Ends the client: aborts requests in flight, cancels a scheduled prefetch, closes the
   * cross-tab channel and drops listeners. Every later read or refresh rejects with an
   * `AbortError` ("The client was disposed."); `peek` still answers.
   */
  dispose(): void {
    const reason = (this.#disposed ??= new DOMException('The client was disposed.', 'AbortError'))
    this.#prefetch.cancel()
    this.#crossContext?.close()
    for (const { query } of this.#entries.values()) query.dispose(reason)
    for (const query of this.#values.values()) query.dispose(reason)
    this.#providers.dispose(reason)
  }

  // ---------------------------------------------------------------------------------------

  // A name the SDK does not know: readable when this client's server lists it (asked once per
  // TTL; under prefetchStrategy 'none' never asked for a read: only a list fetched explicitly counts).
  async #knowCategory(category: string, options: Pick<ReadOptions, 'signal'>): Promise<void> {
    if (couldBeCategoryName(category) && !isModelReferenceCategory(category) && !this.#serverCategories.has(category) && this.options.prefetchStrategy !== 'none') {
      await (await import('./server-metadata.js')).getModelCategories(this.#internals, options)
    }
    this.#checkCategory(category)
  }

  // The check of the synchronous methods: a category of the SDK's, or one the server listed.
  #checkCategory(category: unknown): asserts category is ModelReferenceCategory {
    if (isModelReferenceCategory(category) || (typeof category === 'string' && this.#serverCategories.has(category))) return
    throw new UnknownCategoryError(category, [...MODEL_REFERENCE_CATEGORIES, ...this.#serverCategories])
  }

  #throwIfDisposed(): void {
    if (this.#disposed !== undefined) throw this.#disposed
  }

  async #read(category: FetchableCategory, options: ReadOptions): Promise<ModelReferenceResult> {
    const { query, view } = this.#entry(category)
    const load = this.options.prefetchStrategy !== 'none'
    const copy = await query.read({ signal: options.signal, load, staleWhileRevalidate: this.options.staleWhileRevalidate, keepAlive: this.#keepAlive(options.waitUntil) })
    if (copy === undefined) throw new NotCachedError(category)
    // A newer copy may have landed while this read waited (another tab, a refresh): serve that.
    const current = query.state.copy
    return view.result(query.state, current !== undefined && current.fetchedAt > copy.fetchedAt ? current : copy)
  }

  async #loadAll(): Promise<void> {
    const settled = await Promise.allSettled(FETCHABLE.map((category) => this.#read(category, {})))
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }

  #entry(category: FetchableCategory): CategoryEntry {
    let entry = this.#entries.get(category)
    if (entry === undefined) {
      const persistence = this.#persistence
      const query = new Query<CategoryEnvelope>({
        load: this.#load(category),
        restore: async () => {
          if (this.#disposed !== undefined) return undefined
          this.#crossContext?.listen()
          const envelope = await persistence.read(category)
          return envelope === undefined ? undefined : { value: envelope, fetchedAt: envelope.fetchedAt, origin: 'storage' }
        },
        freshness: this.#freshness,
        onChange: (action, state) => this.#onChange(category, action, state),
      })
      this.#entries.set(category, (entry = { query, view: new CategoryView(category, this.#freshness) }))
    }
    return entry
  }

  #onChange(category: FetchableCategory, action: QueryAction<CategoryEnvelope>, state: QueryState<CategoryEnvelope>): void {
    const { copy } = state
    if ((action.type === 'success' || action.type === 'restore') && copy !== undefined) {
      this.#emit({ type: 'updated', category, source: copy.origin as 'primary' | 'github' | 'storage', recordCount: Object.keys(copy.value.records).length })
    } else if (action.type === 'failure' && isUsable(copy, this.#freshness, action.at)) {
      this.#emit({ type: 'stale-served', category, fetchedAt: copy.fetchedAt, error: action.error })
    }
  }

  // Another tab stored a newer copy: read it from the shared storage and tell our subscribers.
  #onAnnounce(category: FetchableCategory, fetchedAt: number): void {
    const query = this.#entries.get(category)?.query
    const held = query?.state.copy
    if (query === undefined || (held !== undefined && held.fetchedAt >= fetchedAt && held.fetchedAt <= Date.now() + FUTURE_TOLERANCE_MS)) return
    void this.#persistence.read(category).then((envelope) => {
      if (envelope !== undefined) query.dispatch({ type: 'restore', copy: { value: shareRecords(query.state.copy?.value, envelope), fetchedAt: envelope.fetchedAt, origin: 'storage' }, at: Date.now() })
    })
  }

  /** The `keepAlive` of a read: hands background work to its `waitUntil`, else the client's. */
  #keepAlive(waitUntil: WaitUntil | undefined = this.options.waitUntil): (promise: Promise<unknown>) => void {
    if (waitUntil === undefined) return noop
    return (promise) => {
      try {
        waitUntil(promise.catch(noop))
      } catch (error) {
        this.#emit({ type: 'error', error })
      }
    }
  }

  #find(result: ModelReferenceResult, name: string): AnyModelRecord | undefined {
    const models = result.models as Readonly<Record<string, AnyModelRecord>>
    if (Object.prototype.hasOwnProperty.call(models, name)) return models[name]
    if (isManaged(result.category)) return undefined
    const own = Object.prototype.hasOwnProperty
    // A source key (`control_qr_sdxl` for `control_qr_xl`): the record it names, when this result
    // holds that source's record of that name (a selected source's, in precedence order).
    for (const { id } of result.sources) {
      const envelope = id === HORDE_SOURCE ? this.#entries.get(result.category as FetchableCategory)?.query.state.copy?.value : this.#providers.copyOf(id, result.category)
      if (envelope === undefined || !own.call(envelope.aliases, name)) continue
      const target = envelope.aliases[name]!
      const fromIt = envelope.records === models || (result.recordSources !== undefined ? own.call(result.recordSources, target) && result.recordSources[target] === id : result.sources.length === 1)
      if (fromIt && own.call(models, target)) return models[target]
    }
    return undefined
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
