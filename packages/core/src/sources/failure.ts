import type { SourceAttempt, SourceFailureKind, SourceName } from '../errors/sources-unavailable.js'
import type { ModelReferenceIssue } from '../records/issues.js'

/**
 * The one failure of the source layer: a source could not supply what was asked, for a reason
 * that sends the read to the next source. Anything else thrown there (an abort, a bug) stops
 * the read.
 */
export class SourceFailure extends Error {
  constructor(
    readonly kind: SourceFailureKind,
    message: string,
    readonly status?: number,
    /** The server's `Retry-After`, in milliseconds, when it sent one that could be read. */
    readonly retryAfterMs?: number,
    /** The issues that failed a source in `strict` mode. */
    readonly issues?: readonly ModelReferenceIssue[],
  ) {
    super(message)
  }

  /** `true` for a 429 or 5xx answer: the same source may answer later. */
  get retryable(): boolean {
    return this.kind === 'http' && this.status !== undefined && (this.status === 429 || this.status >= 500)
  }

  /** `true` when the source itself looks down (network, CORS, timeout, 429, 5xx), not just this category's data. */
  get sourceDown(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.retryable
  }
}

/** The attempt record of a failure, as `SourcesUnavailableError` lists it. */
export function attemptOf(source: SourceName, url: string, failure: SourceFailure): SourceAttempt {
  return { source, url, kind: failure.kind, message: failure.message, ...(failure.status !== undefined && { status: failure.status }) }
}
