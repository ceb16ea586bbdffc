import type { ReadOptions, SourceOutcome, SourceSelector } from '../cache/result.js'
import { assertCategory, isServerCategory, MODEL_REFERENCE_CATEGORIES, type ModelReferenceCategory } from '../categories.js'
import type { ModelReferenceClient } from '../client.js'
import { getBaseModelName, hasBackendPrefix, getTextBackends, isQuantizedModelName } from '../convert/text-names.js'
import type { AnyModelRecord, RecordFor } from '../records/types.js'
import { normalizeBaseline, type ModelDomain, type ModelPurpose } from '../records/vocabulary.js'
import { combineLoaded, loadedFrom, type LoadedRecords, type Provenance, type QueryInput, type RecordsWithProvenance } from './provenance.js'

/** A field of category `C`'s records: the compiler rejects names the records do not have. */
export type FieldOf<C extends ModelReferenceCategory> = keyof RecordFor<C> & string

/** The comparisons of {@link ModelQuery.where}. Any comparison with a missing or null field is false. */
export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'contains'

/** The categories whose records have `tags`. */
export type TaggedCategory = 'image_generation' | 'text_generation' | 'video_generation' | 'audio_generation' | 'lora' | 'ti'

/** What {@link ModelQuery.whereClassification} matches: a record's `model_classification` (either part may be left out). */
export interface ClassificationFilter {
  /** `image`, `text`, `video`, `audio`, `rendered_3d`, or a registered domain. */
  readonly domain?: ModelDomain | (string & {})
  /** `generation`, `post_processing`, ..., or a registered purpose. */
  readonly purpose?: ModelPurpose | (string & {})
}

/** A matching record with the id of the source it came from (`'horde'` or a provider's id). */
export interface RecordWithSource<R> {
  readonly record: R
  readonly source: string
}

/** How each selected source answered the read, by id. */
export type SourceStatus = Readonly<Record<string, SourceOutcome['status']>>

// Filters see where a record came from, for `whereSource`.
type Predicate<R> = (record: R, provenance: Provenance) => boolean

interface QueryDefinition<C extends ModelReferenceCategory, K extends C | undefined> {
  readonly category: K
  readonly load: () => Promise<LoadedRecords<RecordFor<C>>>
  readonly filters: readonly Predicate<RecordFor<C>>[]
  readonly order: readonly { readonly field: string; readonly descending: boolean }[]
  readonly skip: number
  readonly take: number | undefined
}

const isMissing = (value: unknown): value is null | undefined => value === null || value === undefined

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === typeof b && (typeof a === 'string' || typeof a === 'boolean')) return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0
  // Values of different kinds still sort deterministically: by kind, then as text.
  const ka = typeof a
  const kb = typeof b
  return ka !== kb ? (ka < kb ? -1 : 1) : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
}

function test(op: Comparison, actual: unknown, expected: unknown): boolean {
  if (isMissing(actual)) return op === '!=' ? !isMissing(expected) : false
  switch (op) {
    case '=':
      return actual === expected
    case '!=':
      return actual !== expected
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (isMissing(expected) || typeof actual !== typeof expected || (typeof actual !== 'number' && typeof actual !== 'string')) return false
      const order = compare(actual, expected)
      return op === '<' ? order < 0 : op === '<=' ? order <= 0 : op === '>' ? order > 0 : order >= 0
    }
    case 'in':
      return Array.isArray(expected) && expected.includes(actual)
    case 'contains':
      return typeof actual === 'string' ? typeof expected === 'string' && actual.includes(expected) : Array.isArray(actual) && actual.includes(expected)
  }
}

const own = Object.prototype.hasOwnProperty

function tagsOf(record: unknown): readonly unknown[] {
  const tags = field(record, 'tags')
  return Array.isArray(tags) ? tags : []
}

function field(record: unknown, name: string): unknown {
  return own.call(record, name) ? (record as Record<string, unknown>)[name] : undefined
}

const CLASSIFICATION_KEYS: readonly string[] = ['domain', 'purpose']

function sourceOf(provenance: Provenance, record: { readonly name: string }): string {
  return provenance.sourceOf(record.name)!
}

/**
 * An immutable, lazily evaluated query over one category's records (or, from `queryAll`, every
 * category's): every method returns a new query, and nothing is read until a terminal
 * (`toArray`, `first`, `count`, `distinct`, `groupBy`, the provenance terminals) runs.
 * Evaluation follows upstream: filters, then de-duplication by name (the first wins), then
 * sorting (missing values last), then `offset`, then `limit`. The provenance terminals
 * (`toArrayWithSource`, `sources`, `groupBySource`, `duplicateNames`) describe exactly the
 * records `toArray` returns; `sourceStatus` and `failedSources` describe the read.
 *
 * `K` is the type of {@link ModelQuery.category}: the category, or `undefined` for `queryAll`.
 *
 * @example
 * ```ts
 * const newest = await query(client, 'image_generation').forBaseline('SDXL').excludeNsfw().orderBy('name').limit(10).toArray()
 * ```
 */
export class ModelQuery<C extends ModelReferenceCategory, K extends C | undefined = C> {
  /** @internal */
  protected readonly state: QueryDefinition<C, K>

  /** @internal Use `query(client, category)`. */
  constructor(state: QueryDefinition<C, K>) {
    this.state = state
  }

  /** The category queried; `undefined` for a query of every category (`queryAll`). */
  get category(): K {
    return this.state.category
  }

  /** @internal A copy of this query (of the same class) with some state changed. */
  protected with(changes: Partial<QueryDefinition<C, K>>): this {
    const Query = this.constructor as new (state: QueryDefinition<C, K>) => this
    return new Query({ ...this.state, ...changes })
  }

  /** @internal Adds a filter. */
  protected and(predicate: Predicate<RecordFor<C>>): this {
    return this.with({ filters: [...this.state.filters, predicate] })
  }

  /** Keeps records whose fields equal the given values (`{ nsfw: false, style: 'anime' }`). */
  where(equals: { readonly [F in FieldOf<C>]?: RecordFor<C>[F] }): this
  /** Keeps records whose field compares true with `value` (`where('size_on_disk_bytes', '<', 2e9)`). */
  where<F extends FieldOf<C>>(name: F, op: Comparison, value: unknown): this
  where(nameOrEquals: string | Record<string, unknown>, op?: Comparison, value?: unknown): this {
    if (typeof nameOrEquals === 'string') {
      const comparison = op ?? '='
      return this.and((record) => test(comparison, field(record, nameOrEquals), value))
    }
    const pairs = Object.entries(nameOrEquals)
    return this.and((record) => pairs.every(([name, expected]) => test('=', field(record, name), expected)))
  }

  /** Keeps records for which `predicate` returns true. */
  filter(predicate: (record: RecordFor<C>) => boolean): this {
    return this.and((record) => predicate(record))
  }

  /**
   * Keeps records of a domain and/or purpose (their `model_classification`), as upstream's
   * `where_classification`; a part left out (or `undefined`) is not filtered on.
   *
   * @example
   * ```ts
   * const upscalers = await queryAll(client).whereClassification({ domain: 'image', purpose: 'post_processing' }).toArray()
   * ```
   * @throws {TypeError} for a key other than `domain` and `purpose` (upstream's keyword arguments).
   */
  whereClassification(classification: ClassificationFilter): this {
    for (const key of Object.keys(classification)) {
      if (!CLASSIFICATION_KEYS.includes(key)) throw new TypeError(`whereClassification() takes domain and purpose, not ${JSON.stringify(key)}.`)
    }
    const { domain, purpose } = classification
    return this.and((record) => {
      const actual = field(record, 'model_classification')
      if (typeof actual !== 'object' || actual === null) return false
      return (domain === undefined || field(actual, 'domain') === domain) && (purpose === undefined || field(actual, 'purpose') === purpose)
    })
  }

  /**
   * Keeps records that came from one of the given sources (`'horde'` or a provider's id), as
   * upstream's `where_source`. Which source a record came from is decided by the read's
   * precedence: a name several sources had counts as the first one's.
   *
   * @example
   * ```ts
   * const beta = await query(client, 'image_generation', { source: 'any' }).whereSource('pending').toArray()
   * ```
   * @throws {TypeError} without an id.
   */
  whereSource(...sourceIds: string[]): this {
    if (sourceIds.length === 0) throw new TypeError("whereSource() needs at least one source id, such as 'horde'.")
    return this.and((record, provenance) => sourceIds.includes(sourceOf(provenance, record)))
  }

  /** Keeps records with at least one of the tags (categories whose records have `tags` only). */
  tagsAny(...tags: C extends TaggedCategory ? string[] : never): this {
    return this.and((record) => tags.some((tag) => tagsOf(record).includes(tag)))
  }

  /** Keeps records with all the tags. */
  tagsAll(...tags: C extends TaggedCategory ? string[] : never): this {
    return this.and((record) => tags.every((tag) => tagsOf(record).includes(tag)))
  }

  /** Keeps records with none of the tags. */
  tagsNone(...tags: C extends TaggedCategory ? string[] : never): this {
    return this.and((record) => !tags.some((tag) => tagsOf(record).includes(tag)))
  }

  /** Sorts by a field (missing values last, whatever the direction); a second call sorts ties. */
  orderBy(name: FieldOf<C>, direction: 'asc' | 'desc' = 'asc'): this {
    return this.with({ order: [...this.state.order, { field: name, descending: direction === 'desc' }] })
  }

  /** Returns at most `count` records. */
  limit(count: number): this {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('limit() needs a whole number >= 0.')
    return this.with({ take: count })
  }

  /** Skips the first `count` records. */
  offset(count: number): this {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('offset() needs a whole number >= 0.')
    return this.with({ skip: count })
  }

  /**
   * Runs the query over the given records, synchronously (the terminals run it over the loaded
   * category): a records map, a list, or records with their provenance (a result). Records
   * given without provenance count as one source, `'horde'`.
   */
  run(records: QueryInput<C> | Iterable<RecordFor<C>>): RecordFor<C>[] {
    return this.#select(loadedFrom<C>(records))
  }

  #select({ records, provenance }: LoadedRecords<RecordFor<C>>): RecordFor<C>[] {
    const { filters, order, skip, take } = this.state
    const seen = new Set<string>()
    const kept: RecordFor<C>[] = []
    for (const record of records) {
      if (!filters.every((predicate) => predicate(record, provenance))) continue
      if (seen.has(record.name)) continue
      seen.add(record.name)
      kept.push(record)
    }
    if (order.length > 0) {
      kept.sort((a, b) => {
        for (const { field: name, descending } of order) {
          const x = field(a, name)
          const y = field(b, name)
          if (isMissing(x) || isMissing(y)) {
            if (isMissing(x) && isMissing(y)) continue
            return isMissing(x) ? 1 : -1
          }
          const result = compare(x, y)
          if (result !== 0) return descending ? -result : result
        }
        return 0
      })
    }
    return kept.slice(skip, take === undefined ? undefined : skip + take)
  }

  /** The matching records and the provenance of the read. */
  async #evaluate(): Promise<{ records: RecordFor<C>[]; provenance: Provenance }> {
    const loaded = await this.state.load()
    return { records: this.#select(loaded), provenance: loaded.provenance }
  }

  /** The matching records. */
  async toArray(): Promise<RecordFor<C>[]> {
    return (await this.#evaluate()).records
  }

  /** The first matching record, or `undefined`. */
  async first(): Promise<RecordFor<C> | undefined> {
    return (await this.limit(1).toArray())[0]
  }

  /** How many records match. */
  async count(): Promise<number> {
    return (await this.toArray()).length
  }

  /** The distinct values of a field among the matching records, in order of first appearance (missing values left out). */
  async distinct<F extends FieldOf<C>>(name: F): Promise<RecordFor<C>[F][]> {
    const values = new Set<RecordFor<C>[F]>()
    for (const record of await this.toArray()) {
      const value = field(record, name) as RecordFor<C>[F]
      if (!isMissing(value)) values.add(value)
    }
    return [...values]
  }

  /** The matching records grouped by a field's value, groups in order of first appearance. */
  async groupBy<F extends FieldOf<C>>(name: F): Promise<Map<RecordFor<C>[F] | undefined, RecordFor<C>[]>> {
    return group(await this.toArray(), (record) => field(record, name) as RecordFor<C>[F] | undefined)
  }

  /**
   * The matching records, each with the source it came from (upstream's `to_list_with_source`).
   *
   * @example
   * ```ts
   * for (const { record, source } of await query(client, 'image_generation', { source: 'any' }).toArrayWithSource()) console.log(source, record.name)
   * ```
   */
  async toArrayWithSource(): Promise<RecordWithSource<RecordFor<C>>[]> {
    const { records, provenance } = await this.#evaluate()
    return records.map((record) => ({ record, source: sourceOf(provenance, record) }))
  }

  /** The distinct sources of the matching records, in the order the records come. */
  async sources(): Promise<string[]> {
    const { records, provenance } = await this.#evaluate()
    return [...new Set(records.map((record) => sourceOf(provenance, record)))]
  }

  /** The matching records grouped by the source they came from, groups in order of first appearance. */
  async groupBySource(): Promise<Map<string, RecordFor<C>[]>> {
    const { records, provenance } = await this.#evaluate()
    return group(records, (record) => sourceOf(provenance, record))
  }

  /**
   * Names of matching records that more than one selected source had (the first source's
   * record is the one kept), in the order the records come: upstream's `duplicate_names`.
   */
  async duplicateNames(): Promise<string[]> {
    const { records, provenance } = await this.#evaluate()
    const { collisionsOf } = provenance
    return records.filter((record) => (collisionsOf(record.name)?.length ?? 0) > 1).map((record) => record.name)
  }

  /** `true` when {@link ModelQuery.duplicateNames} would name any. */
  async hasDuplicateNames(): Promise<boolean> {
    return (await this.duplicateNames()).length > 0
  }

  /**
   * How each selected source answered the read (`ok`, `empty` or `error`), by id: upstream's
   * `source_status`. The object has no prototype, so any provider id is a plain key.
   */
  async sourceStatus(): Promise<SourceStatus> {
    const status: Record<string, SourceOutcome['status']> = Object.create(null)
    for (const outcome of (await this.state.load()).provenance.sources) status[outcome.id] = outcome.status
    return status
  }

  /** The ids of the selected sources that failed (`status: 'error'`), in precedence order: upstream's `failed_sources`. */
  async failedSources(): Promise<string[]> {
    return (await this.state.load()).provenance.sources.filter((outcome) => outcome.status === 'error').map((outcome) => outcome.id)
  }
}

function group<K, R>(records: readonly R[], keyOf: (record: R) => K): Map<K, R[]> {
  const groups = new Map<K, R[]>()
  for (const record of records) {
    const key = keyOf(record)
    const list = groups.get(key)
    if (list === undefined) groups.set(key, [record])
    else list.push(record)
  }
  return groups
}

/** The query of `image_generation`, with baseline, NSFW and inpainting shortcuts. */
export class ImageGenerationQuery extends ModelQuery<'image_generation'> {
  /** Keeps one baseline, given by any accepted spelling (`'SDXL'` finds `stable_diffusion_xl`). */
  forBaseline(baseline: string): this {
    const wanted = normalizeBaseline(baseline) ?? baseline
    return this.and((record) => (normalizeBaseline(record.baseline) ?? record.baseline) === wanted)
  }
  onlyNsfw(): this {
    return this.and((record) => record.nsfw)
  }
  excludeNsfw(): this {
    return this.and((record) => !record.nsfw)
  }
  onlyInpainting(): this {
    return this.and((record) => record.inpainting)
  }
  excludeInpainting(): this {
    return this.and((record) => !record.inpainting)
  }
}

/** The query of `text_generation`, with backend and quantisation shortcuts. */
export class TextGenerationQuery extends ModelQuery<'text_generation'> {
  /**
   * Keeps names with a backend's legacy prefix (`aphrodite/...`). Canonical v2 data holds no
   * prefixed names, so on it this keeps nothing, as upstream.
   *
   * @throws {TypeError} for a backend that is not registered.
   */
  forBackend(backend: 'aphrodite' | 'koboldcpp' | (string & {})): this {
    const names = getTextBackends().map((b) => b.name)
    if (!names.includes(backend)) throw new TypeError(`Unknown text backend ${JSON.stringify(backend)}; use one of: ${names.join(', ')}.`)
    return this.and((record) => record.name.startsWith(`${backend}/`))
  }
  /** Leaves out backend-prefixed legacy duplicates. */
  excludeBackendVariations(): this {
    return this.and((record) => !hasBackendPrefix(record.name))
  }
  /** Keeps quantised builds (a quantisation such as `Q4_K_M` or `GGUF` in the name). */
  onlyQuantized(): this {
    return this.and((record) => isQuantizedModelName(record.name))
  }
  excludeQuantized(): this {
    return this.and((record) => !isQuantizedModelName(record.name))
  }
  /** The matching records grouped by base model name (`getBaseModelName`). */
  async groupByBaseModel(): Promise<Map<string, RecordFor<'text_generation'>[]>> {
    return group(await this.toArray(), (record) => getBaseModelName(record.name))
  }
}

/** The query of `controlnet`, with style shortcuts. */
export class ControlNetQuery extends ModelQuery<'controlnet'> {
  forStyle(style: string): this {
    return this.and((record) => record.controlnet_style === style)
  }
  /** The matching records grouped by `controlnet_style`. */
  async groupByStyle(): Promise<Map<string | null | undefined, RecordFor<'controlnet'>[]>> {
    return this.groupBy('controlnet_style')
  }
}

/** The query class of each category. */
export type QueryFor<C extends ModelReferenceCategory> = C extends 'image_generation'
  ? ImageGenerationQuery
  : C extends 'text_generation'
    ? TextGenerationQuery
    : C extends 'controlnet'
      ? ControlNetQuery
      : ModelQuery<C>

/**
 * Creates the query of a category over any loader: your own copy, a test's records, another
 * store. The loader returns either the records keyed by name (they count as one source,
 * `'horde'`), or records with their provenance ({@link RecordsWithProvenance}: a
 * `ModelReferenceResult`, or `{ models, sources?, recordSources?, collisions? }` of your own),
 * which the provenance terminals (`toArrayWithSource`, `sources`, `duplicateNames`,
 * `sourceStatus`, ...) report. The two are told apart by `models`: a map of records never has a
 * string `name`, a record (one named `models`) always does.
 *
 * @example
 * ```ts
 * const mine = createQuery('image_generation', async () => ({ models: myRecords, sources: [{ id: 'mine', status: 'ok', recordCount: 2 }] }))
 * await mine.whereSource('mine').count()
 * ```
 * @throws {UnknownCategoryError} for a name that is not a category.
 */
export function createQuery<C extends ModelReferenceCategory>(category: C, load: () => QueryInput<C> | Promise<QueryInput<C>>): QueryFor<C> {
  // A category a server listed (read as generic records) is one too.
  if (!isServerCategory(category)) assertCategory(category)
  return build(category, load)
}

function build<C extends ModelReferenceCategory>(category: C, load: () => QueryInput<C> | Promise<QueryInput<C>>): QueryFor<C> {
  const state: QueryDefinition<C, C> = { category, load: async () => loadedFrom<C>(await load()), filters: [], order: [], skip: 0, take: undefined }
  const Query = category === 'image_generation' ? ImageGenerationQuery : category === 'text_generation' ? TextGenerationQuery : category === 'controlnet' ? ControlNetQuery : ModelQuery
  return new (Query as unknown as new (s: QueryDefinition<C, C>) => QueryFor<C>)(state)
}

/** What a query reads its records through: a client, the manager, or anything with the same `getModelReferenceResult`. */
export type ModelReferenceReader = Pick<ModelReferenceClient, 'getModelReferenceResult'>

/** Options of {@link query}. */
export interface QueryOptions {
  /** Which sources the records come from (`'horde'`, `'any'`, a provider's id, or a list; see `SourceSelector`). @default 'horde' */
  readonly source?: SourceSelector
}

/**
 * A query over a category's records, read through `reader` (a client or the manager) with
 * `getModelReferenceResult(category, { source })`: immutable and lazy; its terminals load the
 * category (through the cache) when they run, and its provenance terminals report where each
 * record came from. Image, text and ControlNet queries have shortcuts of their own
 * (`forBaseline`, `excludeQuantized`, `forStyle`, ...).
 *
 * @example
 * ```ts
 * import { query } from '@horde-model-reference/core/query'
 * const sdxl = await query(client, 'image_generation').forBaseline('SDXL').excludeNsfw().orderBy('name').toArray()
 * const failed = await query(client, 'image_generation', { source: 'any' }).failedSources()
 * ```
 * A category the SDK does not know is left to the read: its terminals reject with
 * `UnknownCategoryError` unless the client's server lists it (then it is read as generic records).
 *
 * @throws {TypeError} when `reader` is not a client.
 */
export function query<C extends ModelReferenceCategory>(reader: ModelReferenceReader, category: C, options?: QueryOptions): QueryFor<C>
export function query(reader: ModelReferenceReader, category: string, options?: QueryOptions): ModelQuery<ModelReferenceCategory>
export function query(reader: ModelReferenceReader, category: string, options: QueryOptions = {}): ModelQuery<ModelReferenceCategory> {
  if (typeof reader?.getModelReferenceResult !== 'function') throw new TypeError('query() needs a client (or the manager) as its first argument: query(client, category).')
  if (typeof category !== 'string') assertCategory(category)
  const read: ReadOptions = options.source === undefined ? {} : { source: options.source }
  return build(category as ModelReferenceCategory, () => reader.getModelReferenceResult(category, read)) as ModelQuery<ModelReferenceCategory>
}

/** The query of {@link queryAll}: records of any category, and no single `category`. */
export type AllModelsQuery = ModelQuery<ModelReferenceCategory, undefined>

/**
 * A query over every category's records (upstream's `query_all`), read through
 * `reader.getModelReferenceResult(category, options)` for each category but `lora` and `ti`,
 * concurrently: a category that cannot be read is left out of the records (and its sources are
 * `error` in `sourceStatus()`); if none can, the terminals reject with the first failure.
 * Records are taken in upstream's category order (`MODEL_REFERENCE_CATEGORIES`), so a name in
 * two categories keeps the first category's record. Its records are of any category, so `where`
 * and `orderBy` accept the fields every record has. `options.source` selects the sources of
 * every category; the provenance terminals and `whereSource` work as for one category, and a
 * source's `sourceStatus` sums its categories (`error` if it failed any).
 *
 * @example
 * ```ts
 * import { queryAll } from '@horde-model-reference/core/query'
 * const restorers = await queryAll(client).whereClassification({ purpose: 'post_processing' }).orderBy('name').toArray()
 * ```
 */
export function queryAll(reader: ModelReferenceReader, options: ReadOptions = {}): AllModelsQuery {
  if (typeof reader?.getModelReferenceResult !== 'function') throw new TypeError('queryAll() needs a client (or the manager) as its first argument: queryAll(client).')
  const categories = MODEL_REFERENCE_CATEGORIES.filter((category) => category !== 'lora' && category !== 'ti')
  const load = async (): Promise<LoadedRecords<AnyModelRecord>> => {
    const settled = await Promise.allSettled(categories.map((category) => reader.getModelReferenceResult(category, options)))
    options.signal?.throwIfAborted()
    const parts: LoadedRecords<AnyModelRecord>[] = []
    const failures: SourceOutcome[] = []
    let first: unknown
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') parts.push(loadedFrom(outcome.value as QueryInput<ModelReferenceCategory>))
      else {
        first ??= outcome.reason
        const error = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason))
        for (const id of failedSourceIds(outcome.reason, options.source)) failures.push({ id, status: 'error', recordCount: 0, error })
      }
    }
    if (parts.length === 0 && first !== undefined) throw first
    return combineLoaded(parts, failures)
  }
  return new ModelQuery<ModelReferenceCategory, undefined>({ category: undefined, load, filters: [], order: [], skip: 0, take: undefined })
}

// The selected sources a failed read of one category names: a provider's attempts name it, the
// canonical sources' (`primary`, `github`) are `'horde'`.
function failedSourceIds(error: unknown, selector: SourceSelector | undefined): readonly string[] {
  const attempts = (error as { attempts?: unknown } | null)?.attempts
  const ids = new Set<string>()
  if (Array.isArray(attempts)) for (const attempt of attempts) ids.add(attempt.source === 'primary' || attempt.source === 'github' ? 'horde' : String(attempt.source))
  if (ids.size > 0) return [...ids]
  return [typeof selector === 'string' && selector !== 'any' ? selector : 'horde']
}
