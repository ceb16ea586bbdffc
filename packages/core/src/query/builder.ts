import { READ_OPTION_NAMES, type ReadOptions, type SourceOutcome, type SourceSelector } from '../cache/result.js'
import { checkOptions, type KnownOptions } from '../options-check.js'
import { assertCategory, isServerCategory, MODEL_REFERENCE_CATEGORIES, type CategoryName, type ModelReferenceCategory } from '../categories.js'
import type { ModelReferenceClient } from '../client.js'
import { getBaseModelName, hasBackendPrefix, getTextBackends, isQuantizedModelName } from '../convert/text-names.js'
import type { AnyModelRecord, RecordFor } from '../records/types.js'
import { normalizeBaseline, type ModelDomain, type ModelPurpose } from '../records/vocabulary.js'
import { hasShowcase, hasTrigger } from '../compat/display.js'
import { buildSearchIndex, searchIndex, type SearchIndex } from '../search/matcher.js'
import { assertKnownFields, pathParts, valueAt } from './fields.js'
import { perCopy } from './per-copy.js'
import { combineLoaded, loadedFrom, type LoadedRecords, type Provenance, type QueryInput, type RecordsWithProvenance } from './provenance.js'

/** A field of category `C`'s records: the compiler rejects names the records do not have. */
export type FieldOf<C extends ModelReferenceCategory> = keyof RecordFor<C> & string

type Depth = [never, 0, 1, 2]

/**
 * The fields of `T` and, as dotted paths, of the objects it holds (`requirements.clip_skip`,
 * `config.embedded_component_hashes`, three levels deep; arrays are not entered). A field of a
 * map (`requirements`, `settings`) takes any key after the dot.
 */
export type PathOf<T, D extends number = 3> = [D] extends [never]
  ? never
  : {
      [K in keyof T & string]: K | ([NonNullable<T[K]>] extends [readonly unknown[]] ? never : [NonNullable<T[K]>] extends [object] ? `${K}.${PathOf<NonNullable<T[K]>, Depth[D]>}` : never)
    }[keyof T & string]

/** The type of the value at a dotted path of `T` (`unknown` for a path the type does not describe). */
export type PathValue<T, P extends string> = P extends keyof T ? T[P] : P extends `${infer K}.${infer Rest}` ? (K extends keyof T ? PathValue<NonNullable<T[K]>, Rest> : unknown) : unknown

/** A field of category `C`'s records, or a dotted path into one (`requirements.clip_skip`). */
export type FieldPath<C extends ModelReferenceCategory> = PathOf<RecordFor<C>>

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
  /** The record. */
  readonly record: R
  /** The id of the source that gave it: `'horde'` or a provider's id. */
  readonly source: string
}

/** How each selected source answered the read, by id. */
export type SourceStatus = Readonly<Record<string, SourceOutcome['status']>>

// Filters see where a record came from, for `whereSource`.
type Predicate<R> = (record: R, provenance: Provenance) => boolean

// A filter and the fields it reads: a field no record has is an error, not an empty result.
interface Filter<R> {
  readonly test: Predicate<R>
  readonly fields: readonly string[]
}

interface QueryDefinition<C extends ModelReferenceCategory, K extends C | undefined> {
  readonly category: K
  readonly load: () => Promise<LoadedRecords<RecordFor<C>>>
  readonly filters: readonly Filter<RecordFor<C>>[]
  readonly order: readonly { readonly field: string; readonly descending: boolean }[]
  readonly skip: number
  readonly take: number | undefined
  /** The text of `search()` calls, joined; `undefined` without one. */
  readonly search: string | undefined
}

/** A branch of {@link ModelQuery.whereAny} or {@link ModelQuery.not}: given a blank query of the same kind, it adds filters. */
export type QueryBranch<Q> = (query: Q) => Q

const searchIndexes = perCopy<SearchIndex<{ readonly name: string }>>()

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

/** A comparison with the value at a dotted path. */
function comparing(path: string, op: Comparison, expected: unknown): Filter<never> {
  const parts = pathParts(path)
  return { test: (record) => test(op, valueAt(record, parts), expected), fields: [path] }
}

const COMPARISONS: readonly string[] = ['=', '!=', '<', '<=', '>', '>=', 'in', 'contains']

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

  /** @internal Adds a filter (reading `fields`, checked when the query runs). */
  protected and(predicate: Predicate<RecordFor<C>>, fields: readonly string[] = []): this {
    return this.with({ filters: [...this.state.filters, { test: predicate, fields }] })
  }

  /**
   * Keeps records whose fields equal the given values (`{ nsfw: false, style: 'anime' }`; keys
   * may be dotted paths, `{ 'requirements.clip_skip': 2 }`).
   *
   * @throws {UnknownFieldError} from the terminals when no record of the category has a field named.
   */
  where(equals: { readonly [P in FieldPath<C>]?: PathValue<RecordFor<C>, P> }): this
  /**
   * Keeps records whose field, or the value at a dotted path (`'requirements.clip_skip'`),
   * compares true with `value` (`where('size_on_disk_bytes', '<', 2e9)`). A comparison with a
   * missing or `null` value is false (`'!='` excepted: missing is not equal to a value).
   *
   * @throws {UnknownFieldError} from the terminals (and `run`) when no record of the category has
   * the field: a misspelt name fails loudly instead of matching nothing.
   * @throws {TypeError} for a comparison that is not one of {@link Comparison}.
   */
  where<P extends FieldPath<C>>(path: P, op: Comparison, value: unknown): this
  where(pathOrEquals: string | Record<string, unknown>, op?: Comparison, value?: unknown): this {
    if (typeof pathOrEquals === 'string') {
      const comparison = op ?? '='
      if (!COMPARISONS.includes(comparison)) throw new TypeError(`where() compares with one of ${COMPARISONS.join(' ')}, not ${JSON.stringify(comparison)}.`)
      if (comparison === 'in' && !Array.isArray(value)) throw new TypeError("where(field, 'in', values) needs an array of values.")
      return this.#add(comparing(pathOrEquals, comparison, value))
    }
    if (typeof pathOrEquals !== 'object' || pathOrEquals === null) throw new TypeError('where() takes a field and a comparison, or an object of fields and values.')
    // `{ __proto__: ... }` as a literal sets the prototype: that is no field, and would filter nothing.
    const prototype: unknown = Object.getPrototypeOf(pathOrEquals)
    if (prototype !== Object.prototype && prototype !== null) throw new TypeError('where() takes a plain object of fields and values (a "__proto__" key in an object literal sets its prototype instead: use where("__proto__", "=", value)).')
    const parts = Object.keys(pathOrEquals).map((path) => comparing(path, '=', pathOrEquals[path]))
    return this.#add({ test: (record, provenance) => parts.every((part) => part.test(record as never, provenance)), fields: parts.flatMap((part) => part.fields) })
  }

  #add(filter: Filter<never>): this {
    return this.with({ filters: [...this.state.filters, filter as Filter<RecordFor<C>>] })
  }

  /**
   * Keeps records that match at least one branch: each branch gets a blank query of the same
   * kind and adds filters to it (every method that filters works there; ordering, `limit`,
   * `offset` and `search` do not, and throw).
   *
   * @example
   * ```ts
   * const picks = await query(client, 'image_generation').whereAny((q) => q.forBaseline('SDXL'), (q) => q.where('style', '=', 'anime')).toArray()
   * ```
   * @throws {TypeError} without a branch, or for a branch that does more than filter.
   */
  whereAny(...branches: QueryBranch<this>[]): this {
    if (branches.length === 0) throw new TypeError('whereAny() needs at least one branch, such as (q) => q.where(...).')
    const parts = branches.map((branch) => this.#branch(branch, 'whereAny'))
    return this.#add({
      test: (record, provenance) => parts.some((filters) => filters.every((filter) => filter.test(record, provenance))),
      fields: parts.flatMap((filters) => filters.flatMap((filter) => filter.fields)),
    })
  }

  /**
   * Keeps records that do not match the branch (all of its filters): `not((q) => q.onlyNsfw())`.
   *
   * @throws {TypeError} for a branch that does more than filter.
   */
  not(branch: QueryBranch<this>): this {
    const filters = this.#branch(branch, 'not')
    return this.#add({ test: (record, provenance) => !filters.every((filter) => filter.test(record, provenance)), fields: filters.flatMap((filter) => filter.fields) })
  }

  #branch(branch: QueryBranch<this>, method: string): readonly Filter<never>[] {
    if (typeof branch !== 'function') throw new TypeError(`${method}() takes functions that add filters to the query they are given: (q) => q.where(...).`)
    const blank = this.with({ filters: [], order: [], skip: 0, take: undefined, search: undefined })
    const built: unknown = branch(blank)
    // The query it was given, or one made from it: the same records (load) and category.
    if (!(built instanceof ModelQuery) || (built as this).state.load !== this.state.load || (built as this).state.category !== this.state.category) {
      throw new TypeError(`A ${method}() branch must return the query it was given, with filters added.`)
    }
    const { filters, order, skip, take, search } = (built as this).state
    if (order.length > 0 || skip !== 0 || take !== undefined || search !== undefined) {
      throw new TypeError(`A ${method}() branch can only filter (where, filter, tags..., shortcuts): orderBy, limit, offset and search belong to the outer query.`)
    }
    return filters as readonly Filter<never>[]
  }

  /**
   * Keeps records matching a text, best match first (unless `orderBy` sorts them; then the
   * match breaks ties): case- and accent-insensitive, token by token (every word must match a
   * field: name, description, tags, baseline and its other spellings, style, text model group),
   * tolerant of small typos. A second `search` adds its words. An empty text keeps every record.
   *
   * @example
   * ```ts
   * const hits = await query(client, 'image_generation').search('pony xl').excludeNsfw().limit(5).toArray()
   * ```
   * @throws {TypeError} for a text that is not a string.
   */
  search(text: string): this {
    if (typeof text !== 'string') throw new TypeError('search() takes the text to look for.')
    const previous = this.state.search
    return this.with({ search: previous === undefined ? text : `${previous} ${text}` })
  }

  /** Keeps records for which `predicate` returns true. */
  filter(predicate: (record: RecordFor<C>) => boolean): this {
    if (typeof predicate !== 'function') throw new TypeError('filter() takes a function of a record.')
    return this.and((record) => predicate(record))
  }

  /** Keeps records with at least one showcase image (`showcases`), as `hasShowcase` of `/compat` says. */
  hasShowcase(): this {
    return this.and((record) => hasShowcase(record))
  }

  /** Keeps records with at least one trigger word (`trigger`), as `hasTrigger` of `/compat` says. */
  hasTrigger(): this {
    return this.and((record) => hasTrigger(record))
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
    return this.and((record) => tags.some((tag) => tagsOf(record).includes(tag)), ['tags'])
  }

  /** Keeps records with all the tags. */
  tagsAll(...tags: C extends TaggedCategory ? string[] : never): this {
    return this.and((record) => tags.every((tag) => tagsOf(record).includes(tag)), ['tags'])
  }

  /** Keeps records with none of the tags. */
  tagsNone(...tags: C extends TaggedCategory ? string[] : never): this {
    return this.and((record) => !tags.some((tag) => tagsOf(record).includes(tag)), ['tags'])
  }

  /**
   * Sorts by a field or dotted path (missing values last, whatever the direction); a second call
   * sorts ties. After `search`, the match breaks the remaining ties.
   *
   * @throws {UnknownFieldError} from the terminals when no record has the field.
   * @throws {TypeError} for a direction other than `'asc'` and `'desc'`.
   */
  orderBy(name: FieldPath<C>, direction: 'asc' | 'desc' = 'asc'): this {
    if (direction !== 'asc' && direction !== 'desc') throw new TypeError(`orderBy() sorts 'asc' or 'desc', not ${JSON.stringify(direction)}.`)
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

  #select(loaded: LoadedRecords<RecordFor<C>>, reads: readonly string[] = []): RecordFor<C>[] {
    const { records, provenance, copy } = loaded
    const { filters, order, skip, take, search } = this.state
    const named = new Set<string>([...filters.flatMap((filter) => filter.fields), ...order.map((o) => o.field), ...reads])
    assertKnownFields(named, records, copy, this.state.category)
    // With a search: the records it matched, best first, and each one's score (for orderBy's ties).
    let scores: Map<RecordFor<C>, number> | undefined
    if (search !== undefined && search.trim() !== '') {
      const index = searchIndexes.get(copy, () => buildSearchIndex(records)) as SearchIndex<RecordFor<C>>
      scores = new Map(searchIndex(index, search).map((hit) => [hit.record, hit.score]))
    }
    // Filters (the search's match among them), then the first record of each name, in the order read.
    const seen = new Set<string>()
    const kept: RecordFor<C>[] = []
    for (const record of records) {
      if (scores !== undefined && !scores.has(record)) continue
      if (!filters.every((filter) => filter.test(record, provenance))) continue
      if (seen.has(record.name)) continue
      seen.add(record.name)
      kept.push(record)
    }
    // Best match first; the sort is stable, so equal scores keep the order read.
    if (scores !== undefined && order.length === 0) kept.sort((a, b) => scores.get(b)! - scores.get(a)!)
    if (order.length > 0) {
      const keys = order.map(({ field: name, descending }) => ({ parts: pathParts(name), descending }))
      kept.sort((a, b) => {
        for (const { parts, descending } of keys) {
          const x = valueAt(a, parts)
          const y = valueAt(b, parts)
          if (isMissing(x) || isMissing(y)) {
            if (isMissing(x) && isMissing(y)) continue
            return isMissing(x) ? 1 : -1
          }
          const result = compare(x, y)
          if (result !== 0) return descending ? -result : result
        }
        return scores === undefined ? 0 : scores.get(b)! - scores.get(a)!
      })
    }
    return kept.slice(skip, take === undefined ? undefined : skip + take)
  }

  /** The matching records and the provenance of the read (`reads`: fields the caller reads, checked like the filters'). */
  async #evaluate(reads: readonly string[] = []): Promise<{ records: RecordFor<C>[]; provenance: Provenance }> {
    const loaded = await this.state.load()
    return { records: this.#select(loaded, reads), provenance: loaded.provenance }
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

  /**
   * The distinct values of a field (or dotted path) among the matching records, in order of
   * first appearance (missing values left out).
   *
   * @throws {UnknownFieldError} when no record has the field.
   */
  async distinct<P extends FieldPath<C>>(name: P): Promise<Exclude<PathValue<RecordFor<C>, P>, null | undefined>[]> {
    const parts = pathParts(name)
    const values = new Set<Exclude<PathValue<RecordFor<C>, P>, null | undefined>>()
    for (const record of (await this.#evaluate([name])).records) {
      const value = valueAt(record, parts)
      if (!isMissing(value)) values.add(value as Exclude<PathValue<RecordFor<C>, P>, null | undefined>)
    }
    return [...values]
  }

  /**
   * The matching records grouped by a field's (or dotted path's) value, groups in order of
   * first appearance.
   *
   * @throws {UnknownFieldError} when no record has the field.
   */
  async groupBy<P extends FieldPath<C>>(name: P): Promise<Map<PathValue<RecordFor<C>, P> | undefined, RecordFor<C>[]>> {
    const parts = pathParts(name)
    return group((await this.#evaluate([name])).records, (record) => valueAt(record, parts) as PathValue<RecordFor<C>, P> | undefined)
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
    return this.and((record) => (normalizeBaseline(record.baseline) ?? record.baseline) === wanted, ['baseline'])
  }
  /** Keeps the models marked `nsfw`. */
  onlyNsfw(): this {
    return this.and((record) => record.nsfw, ['nsfw'])
  }
  /** Leaves out the models marked `nsfw` (upstream's `exclude_nsfw`). */
  excludeNsfw(): this {
    return this.and((record) => !record.nsfw, ['nsfw'])
  }
  /** Keeps the inpainting models. */
  onlyInpainting(): this {
    return this.and((record) => record.inpainting, ['inpainting'])
  }
  /** Leaves out the inpainting models. */
  excludeInpainting(): this {
    return this.and((record) => !record.inpainting, ['inpainting'])
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
  /** Leaves out quantised builds (a quantisation such as `Q4_K_M` or `GGUF` in the name). */
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
  /** Keeps one `controlnet_style`, such as `'control_canny'` (compared exactly). */
  forStyle(style: string): this {
    return this.and((record) => record.controlnet_style === style, ['controlnet_style'])
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
 * @param category The category the records are of.
 * @param load Called by each terminal that runs: the records keyed by name, or with their provenance.
 * @throws {UnknownCategoryError} for a name that is not a category.
 */
export function createQuery<C extends ModelReferenceCategory>(category: C, load: () => QueryInput<C> | Promise<QueryInput<C>>): QueryFor<C> {
  // A category a server listed (read as generic records) is one too.
  if (!isServerCategory(category)) assertCategory(category)
  return build(category, load)
}

function build<C extends ModelReferenceCategory>(category: C, load: () => QueryInput<C> | Promise<QueryInput<C>>): QueryFor<C> {
  const state: QueryDefinition<C, C> = { category, load: async () => loadedFrom<C>(await load()), filters: [], order: [], skip: 0, take: undefined, search: undefined }
  const Query = category === 'image_generation' ? ImageGenerationQuery : category === 'text_generation' ? TextGenerationQuery : category === 'controlnet' ? ControlNetQuery : ModelQuery
  return new (Query as unknown as new (s: QueryDefinition<C, C>) => QueryFor<C>)(state)
}

/** What a query reads its records through: a client, the manager, or anything with the same `getModelReferenceResult`. */
export type ModelReferenceReader = Pick<ModelReferenceClient, 'getModelReferenceResult'>

/** Options of {@link query}. */
export interface QueryOptions {
  /** Which sources the records come from (`'horde'`, `'any'`, a provider's id, or a list; see `SourceSelector`). @default 'horde' */
  readonly source?: SourceSelector | undefined
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
 * @param reader A client, the manager, or anything with their `getModelReferenceResult`.
 * @param category The category to query.
 * @param options `source` selects where the records come from.
 * @throws {TypeError} when `reader` is not a client.
 */
export function query<C extends ModelReferenceCategory>(reader: ModelReferenceReader, category: C, options?: QueryOptions): QueryFor<C>
/**
 * A query over a category named by a plain `string` (checked at run time), such as one the
 * client's server lists that the SDK does not know: its records are read as generic records. A
 * misspelt string literal does not compile.
 *
 * @param reader A client, the manager, or anything with their `getModelReferenceResult`.
 * @param category The category's name.
 * @param options `source` selects where the records come from.
 */
export function query<S extends string>(reader: ModelReferenceReader, category: CategoryName<S>, options?: QueryOptions): ModelQuery<ModelReferenceCategory>
export function query(reader: ModelReferenceReader, category: string, options: QueryOptions = {}): ModelQuery<ModelReferenceCategory> {
  if (typeof reader?.getModelReferenceResult !== 'function') throw new TypeError('query() needs a client (or the manager) as its first argument: query(client, category).')
  checkOptions('query', options, { source: 1 } satisfies KnownOptions<QueryOptions>)
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
 * @param reader A client, the manager, or anything with their `getModelReferenceResult`.
 * @param options The read options of every category's read (`source`, `signal`, `waitUntil`).
 * @throws {TypeError} when `reader` is not a client.
 */
export function queryAll(reader: ModelReferenceReader, options: ReadOptions = {}): AllModelsQuery {
  if (typeof reader?.getModelReferenceResult !== 'function') throw new TypeError('queryAll() needs a client (or the manager) as its first argument: queryAll(client).')
  checkOptions('queryAll', options, READ_OPTION_NAMES)
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
  return new ModelQuery<ModelReferenceCategory, undefined>({ category: undefined, load, filters: [], order: [], skip: 0, take: undefined, search: undefined })
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
