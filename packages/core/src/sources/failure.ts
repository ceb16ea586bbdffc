import type { SourceAttempt, SourceFailureKind, SourceName } from '../errors/sources-unavailable.js'
import type { ModelReferenceIssue } from '../records/issues.js'

/** What a {@link SourceFailure} may say besides its kind and message. */
export interface SourceFailureDetails {
  /** The HTTP status, when the server answered. */
  readonly status?: number | undefined
  /** The server's `Retry-After`, in milliseconds, when it sent one that could be read. */
  readonly retryAfterMs?: number | undefined
  /** The issues that failed a source in `strict` mode. */
  readonly issues?: readonly ModelReferenceIssue[]
  /** The failure is on this side (a converter chunk that did not load), not the source's. */
  readonly local?: boolean
}

/**
 * The one failure of the source layer: a source could not supply what was asked, for a reason
 * that sends the read to the next source. Anything else thrown there (an abort, a bug) stops
 * the read.
 */
export class SourceFailure extends Error {
  readonly status: number | undefined
  readonly retryAfterMs: number | undefined
  readonly issues: readonly ModelReferenceIssue[] | undefined
  readonly #local: boolean

  constructor(
    readonly kind: SourceFailureKind,
    message: string,
    details: SourceFailureDetails = {},
  ) {
    super(message)
    this.status = details.status
    this.retryAfterMs = details.retryAfterMs
    this.issues = details.issues
    this.#local = details.local === true
  }

  /** `true` for a 429 or 5xx answer: the same source may answer later. */
  get retryable(): boolean {
    return this.kind === 'http' && this.status !== undefined && (this.status === 429 || this.status >= 500)
  }

  /** `true` when the source itself looks down (network, CORS, timeout, 429, 5xx), not just this category's data. */
  get sourceDown(): boolean {
    return !this.#local && (this.kind === 'network' || this.kind === 'timeout' || this.retryable)
  }
}

/** The attempt record of a failure, as `SourcesUnavailableError` lists it. */
export function attemptOf(source: SourceName, url: string, failure: SourceFailure): SourceAttempt {
  return { source, url, kind: failure.kind, message: failure.message, ...(failure.status !== undefined && { status: failure.status }) }
}
