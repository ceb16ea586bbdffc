import type { ModelReferenceCategory } from '../categories.js'

/**
 * A problem found in the data, reported instead of thrown (unless `strict` is on).
 *
 * - `error`: the record was skipped; the rest of the category is served.
 * - `warning`: the record was kept (for example an unknown baseline, accepted as a string).
 * - `info`: the source had a quirk that upstream's own rules resolve (a repeated CSV name, where
 *   the last row wins; a backend-prefixed legacy duplicate, dropped). `strict` ignores these.
 */
export interface ModelReferenceIssue {
  /** The category the record belongs to. */
  readonly category: ModelReferenceCategory
  /** Whether the record was skipped (`error`), kept (`warning`), or a quirk resolved by upstream's rules (`info`). */
  readonly severity: 'error' | 'warning' | 'info'
  /** The record's key in the source (JSON key, or the CSV name or row). */
  readonly key: string
  /** Where in the record, as dotted keys (`config.download.0.file_name`); `''` for the whole record. */
  readonly path: string
  /** What is wrong, in words. */
  readonly message: string
}
