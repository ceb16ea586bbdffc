import type { ModelReferenceCategory } from './categories.js'
import type { SourceAttempt, SourceName } from './errors/sources-unavailable.js'
import type { ModelReferenceIssue } from './records/issues.js'

/**
 * What the client reports to `onEvent`: every request, fallback, issue, stale copy served and
 * background error. Listeners are called synchronously; an exception thrown by a listener is
 * swallowed so that it can never break a read.
 */
export type ModelReferenceEvent =
  /** A request is about to be sent. */
  | { readonly type: 'request'; readonly category: ModelReferenceCategory; readonly source: SourceName; readonly url: string }
  /** A source answered with a body that was read in full. */
  | {
      readonly type: 'response'
      readonly category: ModelReferenceCategory
      readonly source: SourceName
      readonly url: string
      readonly status: number
      readonly bytes: number
      readonly durationMs: number
    }
  /** A source failed; the next one is tried if there is one. */
  | { readonly type: 'source-failed'; readonly category: ModelReferenceCategory; readonly attempt: SourceAttempt }
  /** The primary failed and GitHub is asked instead. */
  | { readonly type: 'fallback'; readonly category: ModelReferenceCategory; readonly from: 'primary'; readonly to: 'github'; readonly reason: SourceAttempt }
  /** Records were skipped or accepted with warnings. */
  | { readonly type: 'issues'; readonly category: ModelReferenceCategory; readonly source: SourceName | 'storage'; readonly issues: readonly ModelReferenceIssue[] }
  /** New data replaced the cached copy. */
  | { readonly type: 'updated'; readonly category: ModelReferenceCategory; readonly source: SourceName | 'storage'; readonly recordCount: number }
  /** A source confirmed that the cached copy is unchanged (the primary's `last_updated`, or GitHub's 304); its `fetchedAt` was renewed with no download. */
  | { readonly type: 'revalidated'; readonly category: ModelReferenceCategory; readonly source: SourceName; readonly method: 'last-updated' | 'etag'; readonly fetchedAt: number }
  /** A refresh failed or gave worse data; the last good copy is served, marked stale. */
  | { readonly type: 'stale-served'; readonly category: ModelReferenceCategory; readonly fetchedAt: number; readonly error: Error }
  /** Reading or writing the storage adapter failed; treated as a cache miss. */
  | { readonly type: 'storage-error'; readonly category: ModelReferenceCategory; readonly operation: 'get' | 'set' | 'delete'; readonly error: unknown }
  /** A background task failed (ASYNC prefetch, a subscriber that threw). */
  | { readonly type: 'error'; readonly category?: ModelReferenceCategory; readonly error: unknown }

/** A listener for {@link ModelReferenceEvent}s. */
export type ModelReferenceEventListener = (event: ModelReferenceEvent) => void
