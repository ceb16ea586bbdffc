import { assertCategory, type ModelReferenceCategory } from '../categories.js'
import type { ModelReferenceClient } from '../client.js'
import { getBaseModelName, hasBackendPrefix, getTextBackends, isQuantizedModelName } from '../convert/text-names.js'
import type { ModelMap, RecordFor } from '../records/types.js'
import { normalizeBaseline } from '../records/vocabulary.js'

/** A field of category `C`'s records: the compiler rejects names the records do not have. */
export type FieldOf<C extends ModelReferenceCategory> = keyof RecordFor<C> & string

/** The comparisons of {@link ModelQuery.where}. Any comparison with a missing or null field is false. */
export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'contains'

/** The categories whose records have `tags`. */
export type TaggedCategory = 'image_generation' | 'text_generation' | 'video_generation' | 'audio_generation' | 'lora' | 'ti'

type Predicate<R> = (record: R) => boolean

interface QueryDefinition<C extends ModelReferenceCategory> {
  readonly category: C
  readonly load: () => Promise<ModelMap<C>>
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

/**
 * An immutable, lazily evaluated query over one category's records: every method returns a
 * new query, and nothing is read until a terminal (`toArray`, `first`, `count`, `distinct`,
 * `groupBy`) runs. Evaluation follows upstream: filters, then de-duplication by name (the first
 * wins), then sorting (missing values last), then `offset`, then `limit`.
 *
 * @example
 * ```ts
 * const newest = await query(client, 'image_generation').forBaseline('SDXL').excludeNsfw().orderBy('name').limit(10).toArray()
 * ```
 */
export class ModelQuery<C extends ModelReferenceCategory> {
  /** @internal */
  protected readonly state: QueryDefinition<C>

  /** @internal Use `query(client, category)`. */
  constructor(state: QueryDefinition<C>) {
    this.state = state
  }

  /** The category queried. */
  get category(): C {
    return this.state.category
  }

  /** @internal A copy of this query (of the same class) with some state changed. */
  protected with(changes: Partial<QueryDefinition<C>>): this {
    const Query = this.constructor as new (state: QueryDefinition<C>) => this
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
    return this.and(predicate)
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

  /** Runs the query over the given records, synchronously (the terminals run it over the loaded category). */
  run(records: ModelMap<C> | Iterable<RecordFor<C>>): RecordFor<C>[] {
    const { filters, order, skip, take } = this.state
    const all: Iterable<RecordFor<C>> = Symbol.iterator in records ? (records as Iterable<RecordFor<C>>) : Object.values(records as ModelMap<C>)
    const seen = new Set<string>()
    const kept: RecordFor<C>[] = []
    for (const record of all) {
      if (!filters.every((predicate) => predicate(record))) continue
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

  /** The matching records. */
  async toArray(): Promise<RecordFor<C>[]> {
    return this.run(await this.state.load())
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

/** Creates the query of a category over any loader of its records (your own copy, a test's records). */
export function createQuery<C extends ModelReferenceCategory>(category: C, load: () => Promise<ModelMap<C>>): QueryFor<C> {
  assertCategory(category)
  const state: QueryDefinition<C> = { category, load, filters: [], order: [], skip: 0, take: undefined }
  const Query = category === 'image_generation' ? ImageGenerationQuery : category === 'text_generation' ? TextGenerationQuery : category === 'controlnet' ? ControlNetQuery : ModelQuery
  return new (Query as unknown as new (s: QueryDefinition<C>) => QueryFor<C>)(state)
}

/** What a query reads its records through: a client, the manager, or anything with the same `getModelReference`. */
export type ModelReferenceReader = Pick<ModelReferenceClient, 'getModelReference'>

/**
 * A query over a category's records, read through `reader` (a client or the manager): immutable
 * and lazy; its terminals load the category (through the cache) when they run. Image, text and
 * ControlNet queries have shortcuts of their own (`forBaseline`, `excludeQuantized`, `forStyle`, ...).
 *
 * @example
 * ```ts
 * import { query } from '@horde-model-reference/core/query'
 * const sdxl = await query(client, 'image_generation').forBaseline('SDXL').excludeNsfw().orderBy('name').toArray()
 * ```
 * @throws {UnknownCategoryError} for a name that is not a category.
 */
export function query<C extends ModelReferenceCategory>(reader: ModelReferenceReader, category: C): QueryFor<C>
export function query(reader: ModelReferenceReader, category: string): ModelQuery<ModelReferenceCategory>
export function query(reader: ModelReferenceReader, category: string): ModelQuery<ModelReferenceCategory> {
  if (typeof reader?.getModelReference !== 'function') throw new TypeError('query() needs a client (or the manager) as its first argument: query(client, category).')
  assertCategory(category)
  return createQuery(category, () => reader.getModelReference(category)) as ModelQuery<ModelReferenceCategory>
}
