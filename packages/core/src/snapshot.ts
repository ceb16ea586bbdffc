import { ENVELOPE_FORMAT } from './cache/envelope.js'
import type { FetchableCategory } from './categories.js'

/** The format tag of a {@link ModelReferenceSnapshot}; a snapshot of another format is refused. */
export const SNAPSHOT_FORMAT = 'horde-model-reference/snapshot@1'

/** One category of a snapshot: the stored envelope's fields, plus the records' fingerprint. */
export interface SnapshotCategory {
  /** The envelope format the records are in (the storage format). */
  readonly format: typeof ENVELOPE_FORMAT
  /** The category. */
  readonly category: FetchableCategory
  /** Where the records came from: `'primary'`, `'github'`, or another source's id. */
  readonly source: string
  /** When they were fetched from it (ms since the epoch): the TTL counts from here after hydration. */
  readonly fetchedAt: number
  /** The records keyed by name, as validated when fetched (validated again on hydration). */
  readonly records: Readonly<Record<string, unknown>>
  /** Source keys that differ from the record's name, to the name. */
  readonly aliases: Readonly<Record<string, string>>
  /** The issues found when the records were fetched. */
  readonly issues: readonly unknown[]
  /** The primary's `last_updated` (Unix seconds), when known. */
  readonly lastUpdated?: number | undefined
  /** GitHub's `ETag`, when known. */
  readonly etag?: string | undefined
  /** `result.fingerprint` of the records when the snapshot was taken. */
  readonly fingerprint: string
}

/**
 * A JSON-safe copy of what a client holds (`client.dehydrate()`), to install in another client
 * (`client.hydrate(snapshot)`, or the `initialData` option): server rendering, an app shipping
 * the data it was built with, a mirror's cold start.
 */
export interface ModelReferenceSnapshot {
  /** {@link SNAPSHOT_FORMAT}; a snapshot of another format is refused. */
  readonly format: typeof SNAPSHOT_FORMAT
  /** When the snapshot was taken, in ms since the epoch. */
  readonly createdAt: number
  /** Serve these copies when every source fails, whatever their age (see `hydrate`). */
  readonly lastResort?: boolean
  /** The copies, by category (a category the client held nothing for is left out). */
  readonly categories: Readonly<Partial<Record<FetchableCategory, SnapshotCategory>>>
}

/** What `hydrate` did with each category of a snapshot. */
export interface HydrateReport {
  /** Installed: the client holds the snapshot's copy now. */
  readonly installed: readonly FetchableCategory[]
  /** Not installed, and why (a newer copy held, a date in the future, no valid record, ...). */
  readonly skipped: readonly {
    /** The category not installed. */
    readonly category: string
    /** Why, in words. */
    readonly reason: string
  }[]
}

/** Options of `hydrate`. */
export interface HydrateOptions {
  /**
   * Serve the snapshot's copies when every source fails and nothing newer is held, whatever
   * their age, flagged `stale` (with `lastResort: true`, and `fetchedAt` giving the age). Off by
   * default: past `maxStaleSeconds` the app's own limit says the data is too old to serve, and
   * only the app can say that its snapshot is better than an error.
   * @default the snapshot's own `lastResort`, else false
   */
  readonly lastResort?: boolean | undefined
}
