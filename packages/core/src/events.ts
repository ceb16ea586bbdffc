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
  | {
      readonly type: 'request'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** The source asked. */
      readonly source: SourceName
      /** The exact URL requested. */
      readonly url: string
    }
  /** A source answered with a body that was read in full. */
  | {
      readonly type: 'response'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** The source that answered. */
      readonly source: SourceName
      /** The URL requested. */
      readonly url: string
      /** The HTTP status (2xx, or 304 for an unchanged copy). */
      readonly status: number
      /** The body's length in bytes. */
      readonly bytes: number
      /** From sending the request to the end of the body, in milliseconds. */
      readonly durationMs: number
    }
  /** A source failed; the next one is tried if there is one. */
  | {
      readonly type: 'source-failed'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** Which source, which URL, and why (`kind`, `status`, `message`). */
      readonly attempt: SourceAttempt
    }
  /** The next source is asked: `from` failed, or has not started answering within `fallbackAfterMs` (`reason.kind` `'timeout'`). */
  | {
      readonly type: 'fallback'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** The source given up on (or asked beside). */
      readonly from: SourceName
      /** The source asked now. */
      readonly to: SourceName
      /** Why `from` was not enough. */
      readonly reason: SourceAttempt
    }
  /** A source that failed moments ago is asked last until `retryAt` (see `sourceCooldownSeconds`). */
  | {
      readonly type: 'source-skipped'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** The source put last. */
      readonly source: SourceName
      /** When it is asked first again, in milliseconds since the epoch. */
      readonly retryAt: number
    }
  /** Records were skipped or accepted with warnings. */
  | {
      readonly type: 'issues'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** Where the records came from. */
      readonly source: SourceName | 'storage'
      /** One entry per skipped record or warning, with its path and record name. */
      readonly issues: readonly ModelReferenceIssue[]
    }
  /** New data replaced the cached copy. */
  | {
      readonly type: 'updated'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** Where the new data came from. */
      readonly source: SourceName | 'storage'
      /** How many records the new copy holds. */
      readonly recordCount: number
    }
  /** A source confirmed that the cached copy is unchanged (the primary's `last_updated`, or GitHub's 304); its `fetchedAt` was renewed with no download. */
  | {
      readonly type: 'revalidated'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** The source that confirmed it. */
      readonly source: SourceName
      /** `'last-updated'`: the primary's metadata; `'etag'`: GitHub's `If-None-Match` answered 304. */
      readonly method: 'last-updated' | 'etag'
      /** The copy's renewed `fetchedAt`, in milliseconds since the epoch. */
      readonly fetchedAt: number
    }
  /** A source's cheap revalidation found the copy changed: it is downloaded again. */
  | {
      readonly type: 'changed'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** The source whose metadata moved. */
      readonly source: SourceName
      readonly method: 'last-updated'
    }
  /** A provider's load failed (its copy, if any, is served stale; the other selected sources answer the read). */
  | {
      readonly type: 'provider-failed'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** The provider's id. */
      readonly provider: string
      /** What its `load` threw or rejected with (or the deadline's error). */
      readonly error: unknown
    }
  /** A refresh failed or gave worse data; the last good copy is served, marked stale. */
  | {
      readonly type: 'stale-served'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** When the copy served was fetched, in milliseconds since the epoch. */
      readonly fetchedAt: number
      /** Why the refresh failed (a `SourcesUnavailableError` as a rule). */
      readonly error: Error
    }
  /** A copy was written to the storage adapter. */
  | {
      readonly type: 'persisted'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** The stored copy's `fetchedAt`, in milliseconds since the epoch. */
      readonly fetchedAt: number
    }
  /** Reading or writing the storage adapter failed or timed out; treated as a cache miss. */
  | {
      readonly type: 'storage-error'
      /** The category the event is about. */
      readonly category: ModelReferenceCategory
      /** The adapter call that failed. */
      readonly operation: 'get' | 'set' | 'delete'
      /** What the adapter threw or rejected with (or the timeout's error). */
      readonly error: unknown
    }
  /** A background task failed (ASYNC prefetch, a subscriber that threw, `waitUntil` that threw). */
  | {
      readonly type: 'error'
      /** The category the task was for, when it was for one. */
      readonly category?: ModelReferenceCategory
      /** What the task threw or rejected with. */
      readonly error: unknown
    }

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
