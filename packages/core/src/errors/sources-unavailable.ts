import { createGuard, HordeModelReferenceError } from './base.js'

/** The two sources of the model reference: the PRIMARY API and GitHub raw. */
export type ReferenceSourceName = 'primary' | 'github'

/** Which source a request went to: a reference source, the AI Horde public API (popular models), or a provider (its id). */
export type SourceName = ReferenceSourceName | 'horde-api' | (string & {})

/** Why one source could not supply a category. */
export type SourceFailureKind =
  /** The server answered with a non-2xx status (after the retries, for 429 and 5xx). */
  | 'http'
  /** No complete response within `timeoutMs` (headers and body). */
  | 'timeout'
  /** The request never got a response: DNS, refused or reset connection, offline, or CORS. */
  | 'network'
  /** The body was not what the source serves: HTML, invalid JSON or CSV, or the wrong JSON shape. */
  | 'malformed'
  /** The body held no record at all, such as `{}`. */
  | 'empty'
  /** The body held records but none of them was valid. */
  | 'invalid'
  /** `strict: true` and some records had issues. */
  | 'validation'
  /** A provider's `load` threw (its message says why). */
  | 'provider'

/** One request that failed, as listed by {@link SourcesUnavailableError}. */
export interface SourceAttempt {
  /** Which source was asked. */
  readonly source: SourceName
  /** The exact URL requested (for a provider's load, `provider:{id}`). */
  readonly url: string
  /** Why it failed. */
  readonly kind: SourceFailureKind
  /** The HTTP status, when the server answered. */
  readonly status?: number
  /** What went wrong, in words. */
  readonly message: string
}

/** Thrown when no source could supply a category and nothing usable was cached. */
export class SourcesUnavailableError extends HordeModelReferenceError {
  /** The category that could not be loaded. */
  readonly category: string
  /** Every request that was tried, in order, with its cause. */
  readonly attempts: readonly SourceAttempt[]

  /** Thrown by the SDK's reads; the message lists every attempt with its URL and cause. */
  constructor(category: string, attempts: readonly SourceAttempt[], reason?: string) {
    const lines = attempts.map(
      (a) => `  - ${a.source} ${a.url}: ${a.kind}${a.status === undefined ? '' : ` ${a.status}`}: ${a.message}`,
    )
    // The AI Horde's live numbers are not the reference: say so, and name their option.
    const horde = attempts.length > 0 && attempts.every((a) => a.source === 'horde-api')
    super(
      'SOURCES_UNAVAILABLE',
      (horde ? `Could not load the AI Horde's live numbers for "${category}"` : `Could not load model reference category "${category}"`) +
        (reason === undefined ? '' : ` (${reason})`) +
        (lines.length > 0 ? `; every source failed:\n${lines.join('\n')}\n` : '. ') +
        (horde ? 'Check the network and the hordeApiUrl option, or retry later; ' : 'Check the network and the primaryUrl/githubUrl options, or retry later; ') +
        'data cached from an earlier success is served while it is within maxStaleSeconds.',
    )
    this.category = category
    this.attempts = attempts
  }
}

/** `true` when `error` is a {@link SourcesUnavailableError}, from any realm. */
export const isSourcesUnavailableError = createGuard<SourcesUnavailableError>('SourcesUnavailableError')
