import type { FetchableCategory, ModelReferenceCategory } from '../categories.js'
import type { WaitUntil } from '../options.js'
import type { KnownOptions } from '../options-check.js'
import type { ModelReferenceIssue } from '../records/issues.js'
import type { AnyModelRecord, ModelMap } from '../records/types.js'
import type { CategoryEnvelope } from './envelope.js'
import { fingerprintOf } from './fingerprints.js'
import { isFresh, isUsable, isWithinMaxStale, type Copy, type Freshness, type QueryState } from './query.js'

/**
 * Where the data of a result came from: `'primary'`, `'github'`, `'storage'` (the storage
 * adapter), `'none'` (nothing was asked: `lora`, `ti`), or `'provider'` (only providers answered
 * a read that selected them; `sources` says which).
 */
export type ResultSource = 'primary' | 'github' | 'storage' | 'snapshot' | 'none' | 'provider'

/** A category's records with their provenance. Frozen; the same object until the data or its staleness changes. */
export interface ModelReferenceResult<C extends ModelReferenceCategory = ModelReferenceCategory> {
  /** The category the records are of. */
  readonly category: C
  /** The records keyed by `name`: frozen, with no prototype. */
  readonly models: ModelMap<C>
  /** Where the records came from in this client's lifetime: a source, or the storage adapter. */
  readonly source: ResultSource
  /** When the records were fetched from their source, in milliseconds since the epoch. */
  readonly fetchedAt: number
  /** `true` when the copy is past its TTL: a refresh failed, or the copy was invalidated or not yet refreshed. */
  readonly stale: boolean
  /**
   * `true` while the copy is served only for being the last resort: a last-resort snapshot (or a
   * copy that replaced one) past `maxStaleSeconds`, every source having failed (`fetchedAt` gives
   * its age). Absent otherwise.
   */
  readonly lastResort?: true
  /** Records skipped (`error`) or accepted with a warning when the data was fetched. */
  readonly issues: readonly ModelReferenceIssue[]
  /** Why a stale copy is being served, when a refresh failed. */
  readonly error?: Error
  /** The primary's `last_updated` for the category (Unix seconds), when the source gave one. */
  readonly lastUpdated?: number
  /** How each selected source answered, in precedence order (one entry, `'horde'`, by default). */
  readonly sources: readonly SourceOutcome[]
  /**
   * The source each record came from, by name, on a read that selected another source than
   * `'horde'` alone (a provider, `'any'`, a list); absent on a read of the canonical data alone,
   * where every record is `'horde'`'s.
   */
  readonly recordSources?: Readonly<Record<string, string>>
  /** Names that more than one selected source had, with every source that had them, in precedence order (the first one's record is kept). */
  readonly collisions?: Readonly<Record<string, readonly string[]>>
  /**
   * A content fingerprint of `models` (`'v1:'` and 32 hex digits): equal exactly when the
   * records are equal (key order aside), whatever the copy's source, age or trip through
   * storage. Computed when first read, once per copy (a few ms for the 719 text records).
   * Not cryptographic. See `fingerprintRecords` in `/diff`.
   */
  readonly fingerprint: string
}

/** @internal Freezes a result, with its `fingerprint` computed when first read. */
export function freezeResult<C extends ModelReferenceCategory>(fields: Omit<ModelReferenceResult<C>, 'fingerprint'>): ModelReferenceResult<C> {
  Object.defineProperty(fields, 'fingerprint', { enumerable: true, get: () => fingerprintOf(fields.models) })
  return Object.freeze(fields) as ModelReferenceResult<C>
}

/**
 * What a client knows about a category right now, as `peek` and `subscribe` report it. It
 * narrows by `status`: `'success'` has a `result`, `'error'` (a load failed and nothing usable is
 * cached) has an `error`, `'loading'` has neither yet. The same object until something changes.
 */
export type CategoryState<C extends ModelReferenceCategory = ModelReferenceCategory> =
  | {
      readonly status: 'loading'
      /** The category. */
      readonly category: C
      readonly result: undefined
      readonly error: undefined
      /** A load is running (the first one). */
      readonly isFetching: boolean
    }
  | {
      readonly status: 'error'
      /** The category. */
      readonly category: C
      readonly result: undefined
      /** Why the last load failed (a `SourcesUnavailableError` as a rule). */
      readonly error: Error
      /** A load is running (a new attempt). */
      readonly isFetching: boolean
    }
  | {
      readonly status: 'success'
      /** The category. */
      readonly category: C
      /** The copy held: records, source, `fetchedAt`, `stale`, issues. */
      readonly result: ModelReferenceResult<C>
      /** Why the last refresh failed, when the copy is served stale because of it (also `result.error`). */
      readonly error: Error | undefined
      /** A load is running (a refresh of this copy). */
      readonly isFetching: boolean
    }

/** What changed between two states a `subscribe` listener is told about. */
export interface CategoryChange<C extends ModelReferenceCategory = ModelReferenceCategory> {
  /**
   * The records are not the ones of the previous state: new data landed (or the copy went away).
   * `false` for a refresh starting or ending, a copy going stale, an error, and a refetch that
   * gave the same records (a copy whose records equal the previous copy's keeps its `models`
   * object).
   */
  readonly recordsChanged: boolean
  /** The state before this one. */
  readonly previous: CategoryState<C>
}

/** A listener of `subscribe`: called with the category's new state after every change, and what changed. */
export type CategoryListener<C extends ModelReferenceCategory> = (state: CategoryState<C>, change: CategoryChange<C>) => void

/**
 * Which sources a read takes its records from: `'horde'` (the canonical data, the default),
 * `'any'` (the canonical data, then every registered provider in registration order), a
 * provider's id, or a list of these. The order sets precedence when two sources have a record
 * of the same name: the earliest wins.
 */
export type SourceSelector = 'horde' | 'any' | (string & {}) | readonly string[]

/** How one selected source answered a read. */
export interface SourceOutcome {
  /** `'horde'` or a provider's id. */
  readonly id: string
  /** `ok`: it gave records; `empty`: it answered with none (or does not serve the category); `error`: it failed. */
  readonly status: 'ok' | 'empty' | 'error'
  /** How many of its records it gave (before precedence removed any). */
  readonly recordCount: number
  /** Why it failed (`status: 'error'`), or why its copy is served stale. */
  readonly error?: Error
  /** When its records were fetched, in ms since the epoch (absent for `error`). */
  readonly fetchedAt?: number
  /** Its copy is past its TTL. */
  readonly stale?: boolean
}

/** Options of every read. */
export interface ReadOptions {
  /** Where the records come from (see {@link SourceSelector}). @default 'horde' */
  readonly source?: SourceSelector | undefined
  /** Abort this read. A request shared with other readers goes on while any of them still waits. */
  readonly signal?: AbortSignal | undefined
  /**
   * Keeps the background work this read starts (a stale-while-revalidate refresh, a storage
   * write) alive after your response is sent: a Worker passes its request's
   * `ctx.waitUntil.bind(ctx)`. Overrides the client's `waitUntil` option for this read.
   */
  readonly waitUntil?: WaitUntil | undefined
}

/** @internal The name of every read option. */
export const READ_OPTION_NAMES = { source: 1, signal: 1, waitUntil: 1 } satisfies KnownOptions<ReadOptions>

/** Every fetched category's records; a category that could not be loaded is left out. */
export type AllModelReferences = { readonly [C in FetchableCategory]?: ModelMap<C> }

/** The result of every category that could be read, by category (`getAllModelReferenceResults`). */
export type AllModelReferenceResults = { readonly [C in FetchableCategory]?: ModelReferenceResult<C> }

/** A records map of some category, for reads by a plain string. */
export type AnyModelMap = Readonly<Record<string, AnyModelRecord>>

interface Memo {
  recordCount?: number
  fresh?: ModelReferenceResult
  stale?: ModelReferenceResult
  staleError?: Error | undefined
}

/**
 * Turns a category query's state into the frozen results and states readers see, creating each
 * once per (copy, fresh or stale, error), so that identities stay stable (React's
 * `useSyncExternalStore` needs that) and a warm read allocates nothing.
 */
export class CategoryView {
  readonly #category: FetchableCategory
  readonly #freshness: Freshness
  readonly #memo = new WeakMap<Copy<CategoryEnvelope>, Memo>()
  #last: CategoryState | undefined

  readonly #source: string

  /** `source`: the id results name in `sources` (`'horde'`, or a provider's). */
  constructor(category: FetchableCategory, freshness: Freshness, source = 'horde') {
    this.#category = category
    this.#freshness = freshness
    this.#source = source
  }

  /** The result of a copy under `state` (fresh or stale, with the state's error). */
  result(state: QueryState<CategoryEnvelope>, copy: Copy<CategoryEnvelope>, now = Date.now()): ModelReferenceResult {
    let memo = this.#memo.get(copy)
    if (memo === undefined) this.#memo.set(copy, (memo = {}))
    const envelope = copy.value
    const recordCount = (memo.recordCount ??= Object.keys(envelope.records).length)
    const base = {
      category: envelope.category,
      models: envelope.records as ModelMap<ModelReferenceCategory>,
      source: copy.origin as ResultSource,
      fetchedAt: copy.fetchedAt,
      issues: envelope.issues,
      ...(envelope.lastUpdated !== undefined && { lastUpdated: envelope.lastUpdated }),
      // Only while it is served for being the last resort: past maxStaleSeconds.
      ...(copy.lastResort === true && !isWithinMaxStale(copy, this.#freshness, now) && { lastResort: true as const }),
    }
    const outcome = { id: this.#source, status: recordCount > 0 ? 'ok' : 'empty', recordCount, fetchedAt: copy.fetchedAt } as const
    // The state's copy may be newer than the one asked about (a refresh landed meanwhile).
    if (state.copy === copy && isFresh(state, this.#freshness, now)) {
      return (memo.fresh ??= freezeResult({ ...base, stale: false, sources: Object.freeze([Object.freeze({ ...outcome, stale: false })]) }))
    }
    const error = state.copy === copy ? state.error : undefined
    if (memo.stale === undefined || memo.staleError !== error || (memo.stale.lastResort === true) !== ('lastResort' in base)) {
      const withError = error !== undefined && { error }
      memo.stale = freezeResult({ ...base, stale: true, ...withError, sources: Object.freeze([Object.freeze({ ...outcome, stale: true, ...withError })]) })
      memo.staleError = error
    }
    return memo.stale
  }

  /** What `peek` reports: the state's usable copy as a result, its error, whether it is loading. */
  state(state: QueryState<CategoryEnvelope>): CategoryState {
    const now = Date.now()
    const result = isUsable(state.copy, this.#freshness, now) ? this.result(state, state.copy as Copy<CategoryEnvelope>, now) : undefined
    const { error, fetching: isFetching } = state
    const last = this.#last
    // The same object while nothing a reader sees has changed (an invalidation of nothing, say).
    if (last !== undefined && last.result === result && last.error === error && last.isFetching === isFetching) return last
    const status = result !== undefined ? 'success' : error !== undefined ? 'error' : 'loading'
    return (this.#last = Object.freeze({ status, category: this.#category, result, error, isFetching }) as CategoryState)
  }
}
