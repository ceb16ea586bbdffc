import type { SourceOutcome, SourceSelector } from '../cache/result.js'
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
  /** How each source answered; `undefined` when the records' sources are not known. */
  readonly sources: readonly SourceOutcome[] | undefined
  /** The source of the record of this name; `undefined` when not known. */
  sourceOf(name: string): string | undefined
  /** Every source that had a record of this name, when more than one did. */
  collisionsOf(name: string): readonly string[] | undefined
}

/** @internal A query's records in evaluation order, with their provenance. */
export interface LoadedRecords<R> {
  readonly records: Iterable<R>
  readonly provenance: Provenance
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

/** Provenance that is not known (records merged from several sources with no record of which gave which). */
export const UNKNOWN_PROVENANCE: Provenance = { sources: undefined, sourceOf: () => undefined, collisionsOf: () => undefined }

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
      provenance: {
        sources,
        sourceOf: (name) => lookup(recordSources, name) ?? single,
        collisionsOf: (name) => lookup(collisions, name),
      },
    }
  }
  const records: RecordFor<C>[] = Symbol.iterator in input ? [...(input as Iterable<RecordFor<C>>)] : Object.values(input as ModelMap<C>)
  return { records, provenance: singleSource([hordeOutcome(records.length)]) }
}

/**
 * The one source a selector names, or `undefined` when it names several (`'any'`, or a list of
 * different ids). An empty list means `'horde'`, as upstream.
 */
export function soleSource(selector: SourceSelector | undefined): string | undefined {
  if (selector === undefined) return HORDE
  if (typeof selector === 'string') return selector === 'any' ? undefined : selector
  const ids = new Set(selector)
  if (ids.size === 0) return HORDE
  return ids.size === 1 && !ids.has('any') ? [...ids][0] : undefined
}
