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
  /** The next source is asked: `from` failed, or has not started answering within `fallbackAfterMs` (`reason.kind` `'timeout'`). */
  | { readonly type: 'fallback'; readonly category: ModelReferenceCategory; readonly from: SourceName; readonly to: SourceName; readonly reason: SourceAttempt }
  /** A source that failed moments ago is asked last until `retryAt` (see `sourceCooldownSeconds`). */
  | { readonly type: 'source-skipped'; readonly category: ModelReferenceCategory; readonly source: SourceName; readonly retryAt: number }
  /** Records were skipped or accepted with warnings. */
  | { readonly type: 'issues'; readonly category: ModelReferenceCategory; readonly source: SourceName | 'storage'; readonly issues: readonly ModelReferenceIssue[] }
  /** New data replaced the cached copy. */
  | { readonly type: 'updated'; readonly category: ModelReferenceCategory; readonly source: SourceName | 'storage'; readonly recordCount: number }
  /** A source confirmed that the cached copy is unchanged (the primary's `last_updated`, or GitHub's 304); its `fetchedAt` was renewed with no download. */
  | { readonly type: 'revalidated'; readonly category: ModelReferenceCategory; readonly source: SourceName; readonly method: 'last-updated' | 'etag'; readonly fetchedAt: number }
  /** A source's cheap revalidation found the copy changed: it is downloaded again. */
  | { readonly type: 'changed'; readonly category: ModelReferenceCategory; readonly source: SourceName; readonly method: 'last-updated' }
  /** A provider's load failed (its copy, if any, is served stale; the other selected sources answer the read). */
  | { readonly type: 'provider-failed'; readonly category: ModelReferenceCategory; readonly provider: string; readonly error: unknown }
  /** A refresh failed or gave worse data; the last good copy is served, marked stale. */
  | { readonly type: 'stale-served'; readonly category: ModelReferenceCategory; readonly fetchedAt: number; readonly error: Error }
  /** A copy was written to the storage adapter. */
  | { readonly type: 'persisted'; readonly category: ModelReferenceCategory; readonly fetchedAt: number }
  /** Reading or writing the storage adapter failed or timed out; treated as a cache miss. */
  | { readonly type: 'storage-error'; readonly category: ModelReferenceCategory; readonly operation: 'get' | 'set' | 'delete'; readonly error: unknown }
  /** A background task failed (ASYNC prefetch, a subscriber that threw, `waitUntil` that threw). */
  | { readonly type: 'error'; readonly category?: ModelReferenceCategory; readonly error: unknown }

/** A listener for {@link ModelReferenceEvent}s. */
export type ModelReferenceEventListener = (event: ModelReferenceEvent) => void

/** Reports an event; a listener's exception is swallowed. */
export type Emit = (event: ModelReferenceEvent) => void

/** The `emit` of a client: calls `observe` (the client's counters) and `onEvent`, never throws. */
export function createEmit(listener: ModelReferenceEventListener | undefined, observe?: (event: ModelReferenceEvent) => void): Emit {
  return (event) => {
    try {
      observe?.(event)
      listener?.(event)
    } catch {
      // A listener's bug must never break a read.
    }
  }
}
