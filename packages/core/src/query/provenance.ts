import type { SourceOutcome } from '../cache/result.js'
import type { ModelReferenceCategory } from '../categories.js'
import type { ModelMap, RecordFor } from '../records/types.js'

/**
 * Records with where they came from, as a query reads them: a `ModelReferenceResult`
 * (`getModelReferenceResult` gives one), or an object of your own with the same fields. Without
 * `sources` the records count as one source, `'horde'`.
 */
export interface RecordsWithProvenance<C extends ModelReferenceCategory> {
  /** The records, keyed by `name`. */
  readonly models: ModelMap<C>
  /** How each selected source answered, in precedence order. */
  readonly sources?: readonly SourceOutcome[]
  /** The source of each record, by name, when the records come from more than one source. */
  readonly recordSources?: Readonly<Record<string, string>>
  /** Names that more than one source had, with every source that had them, in precedence order. */
  readonly collisions?: Readonly<Record<string, readonly string[]>>
}

/**
 * What a loader given to `createQuery` may return: the records keyed by name (they count as one
 * source, `'horde'`), or records with their provenance ({@link RecordsWithProvenance}).
 */
export type QueryInput<C extends ModelReferenceCategory> = ModelMap<C> | RecordsWithProvenance<C>

/** @internal What a query knows about where its records came from. */
export interface Provenance {
  /** How each source answered, in precedence order. */
  readonly sources: readonly SourceOutcome[]
  /** The source of the record of this name; `undefined` when not known. */
  sourceOf(name: string): string | undefined
  /** Every source that had a record of this name, when more than one did. */
  collisionsOf(name: string): readonly string[] | undefined
}

/** @internal A query's records in evaluation order, with their provenance. */
export interface LoadedRecords<R> {
  readonly records: readonly R[]
  readonly provenance: Provenance
  /**
   * The objects this copy was read from (a frozen `models` map; one per category for
   * `queryAll`): what is derived from the records (a search index, their fields) is kept per
   * copy. Empty when the input may change between runs (a list, a map that is not frozen).
   */
  readonly copy: readonly object[]
}

const own = Object.prototype.hasOwnProperty
const HORDE = 'horde'

/** An own property of a lookup table (provider ids and model names may be `__proto__`). */
function lookup<T>(table: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return table !== undefined && own.call(table, key) ? table[key] : undefined
}

/**
 * `true` for records with provenance, `false` for a records map. A map keyed by name can hold a
 * record named `models`, so the test is what `models` holds: a record always has a string
 * `name`, a map of records never does (its entry `name`, if any, is a record).
 */
export function hasProvenance(value: unknown): value is RecordsWithProvenance<ModelReferenceCategory> {
  if (typeof value !== 'object' || value === null || !own.call(value, 'models')) return false
  const models = (value as { models: unknown }).models
  return typeof models === 'object' && models !== null && typeof (models as { name?: unknown }).name !== 'string'
}

/** The outcome of records given without sources: one source, `'horde'`, as the default read reports it. */
function hordeOutcome(recordCount: number): SourceOutcome {
  return { id: HORDE, status: recordCount > 0 ? 'ok' : 'empty', recordCount }
}

/** Provenance of records that all came from one known source (`sources[0]` says which, unless `sourceId` does). */
export function singleSource(sources: readonly SourceOutcome[], sourceId = sources[0]!.id): Provenance {
  return { sources, sourceOf: () => sourceId, collisionsOf: () => undefined }
}

/** A loader's value, or records given to `run`, as the query evaluates them. */
export function loadedFrom<C extends ModelReferenceCategory>(input: QueryInput<C> | Iterable<RecordFor<C>>): LoadedRecords<RecordFor<C>> {
  if (hasProvenance(input)) {
    const records = Object.values(input.models as ModelMap<C>)
    const sources = input.sources !== undefined && input.sources.length > 0 ? input.sources : [hordeOutcome(records.length)]
    const { recordSources, collisions } = input
    // Without `recordSources` every record came from one source: the one that gave records
    // (`sources[0]` unless it failed or was empty and a later source answered instead).
    const single = (sources.find((s) => s.status === 'ok') ?? sources[0]!).id
    return {
      records,
      copy: Object.isFrozen(input.models) ? [input.models] : [],
      provenance: {
        sources,
        sourceOf: (name) => lookup(recordSources, name) ?? single,
        collisionsOf: (name) => lookup(collisions, name),
      },
    }
  }
  const iterable = Symbol.iterator in input
  const records: RecordFor<C>[] = iterable ? [...(input as Iterable<RecordFor<C>>)] : Object.values(input as ModelMap<C>)
  return { records, copy: !iterable && Object.isFrozen(input) ? [input] : [], provenance: singleSource([hordeOutcome(records.length)]) }
}


/**
 * The records of several categories (in that order), each part with its own provenance, as one
 * input: a record's source is the one its category's result reports (a query keeps the first
 * record of a name, so the first category's). Each source's outcome sums its categories: `error`
 * if it failed any (a category that could not be read at all is one of `failures`), else `ok`
 * if any gave records, else `empty`.
 */
export function combineLoaded<R extends { readonly name: string }>(parts: readonly LoadedRecords<R>[], failures: readonly SourceOutcome[] = []): LoadedRecords<R> {
  const records: R[] = []
  const owners = new Map<string, Provenance>()
  const totals = new Map<string, { recordCount: number; error: Error | undefined; failed: boolean }>()
  const count = (outcome: SourceOutcome): void => {
    const total = totals.get(outcome.id) ?? { recordCount: 0, error: undefined, failed: false }
    total.recordCount += outcome.recordCount
    if (outcome.status === 'error') {
      total.failed = true
      total.error ??= outcome.error
    }
    totals.set(outcome.id, total)
  }
  for (const { records: partRecords, provenance } of parts) {
    for (const record of partRecords) {
      records.push(record)
      if (!owners.has(record.name)) owners.set(record.name, provenance)
    }
    provenance.sources.forEach(count)
  }
  failures.forEach(count)
  const sources = [...totals].map(([id, { recordCount, error, failed }]): SourceOutcome => {
    const status = failed ? 'error' : recordCount > 0 ? 'ok' : 'empty'
    return Object.freeze({ id, status, recordCount, ...(error !== undefined && { error }) })
  })
  const copy = parts.every((part) => part.copy.length > 0) ? parts.flatMap((part) => part.copy) : []
  return {
    records,
    copy,
    provenance: {
      sources: sources.length > 0 ? sources : [hordeOutcome(0)],
      sourceOf: (name) => owners.get(name)?.sourceOf(name),
      collisionsOf: (name) => owners.get(name)?.collisionsOf(name),
    },
  }
}
