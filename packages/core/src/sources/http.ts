import ky, { isHTTPError, isTimeoutError, type Options as KyOptions } from 'ky'
import type { SourceFailureKind } from '../errors/sources-unavailable.js'
import type { FetchFunction } from '../options.js'

/** A response read in full. */
export interface FetchedBody {
  readonly url: string
  readonly status: number
  readonly text: string
  readonly contentType: string
  readonly etag: string | undefined
  readonly lastModified: string | undefined
  readonly durationMs: number
}

/** A request that failed for a reason the caller may fall back from. */
export class SourceRequestError extends Error {
  constructor(
    readonly kind: Extract<SourceFailureKind, 'http' | 'timeout' | 'network'>,
    message: string,
    readonly status?: number,
  ) {
    super(message)
    this.name = 'SourceRequestError'
  }
}

/** Options of {@link fetchText}. */
export interface FetchTextOptions {
  readonly fetch: FetchFunction | undefined
  /** One attempt's budget, headers and body together. */
  readonly timeoutMs: number
  /** How many times a 429 or 5xx answer is retried. */
  readonly retries: number
  readonly headers?: Readonly<Record<string, string>>
  readonly signal?: AbortSignal
  /** Resolve with a 304 answer (its body empty) instead of failing: for `If-None-Match` requests. */
  readonly acceptNotModified?: boolean
}

// A Retry-After longer than this is not waited for: the caller goes to the next source instead.
const MAX_RETRY_AFTER_MS = 5_000
const RETRY_STATUSES = [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)]

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get('retry-after')
  if (header === null) return undefined
  const seconds = Number(header)
  if (header.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

// ky wraps the platform's error (Node: TypeError "fetch failed", whose cause says why, such as
// ENOTFOUND or ECONNREFUSED): report the innermost reason, which is the one a user can act on.
function describeCause(error: unknown): string {
  const messages: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error || (typeof current === 'object' && 'message' in current)) {
      const { message, code } = current as { message?: unknown; code?: unknown }
      if (typeof message === 'string' && message !== '') messages.push(message)
      else if (typeof code === 'string') messages.push(code)
      current = (current as { cause?: unknown }).cause
    } else {
      messages.push(String(current))
      break
    }
  }
  const innermost = messages.at(-1) ?? 'network error'
  return messages.length > 1 ? `${innermost} (${messages.at(-2)})` : innermost
}

/**
 * GETs `url` and reads the body as text. 429 and 5xx answers are retried up to `retries`
 * times (honouring a short `Retry-After`); timeouts and network errors are never retried, so
 * that the caller can move to the next source at once. Each attempt has `timeoutMs` for the
 * whole response, body included. When `signal` aborts, its reason is thrown as it is.
 *
 * @throws {SourceRequestError} for an HTTP error status, a timeout or a network failure.
 */
export async function fetchText(url: string, options: FetchTextOptions): Promise<FetchedBody> {
  const { signal, timeoutMs } = options
  signal?.throwIfAborted()
  // Our own controller lets the body deadline cancel the response stream.
  const controller = new AbortController()
  const forwardAbort = (): void => controller.abort(signal?.reason)
  signal?.addEventListener('abort', forwardAbort, { once: true })
  const baseFetch: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  let attemptStartedAt = 0
  // Wrapping fetch is how we learn when each attempt (including retries) starts.
  const timedFetch: FetchFunction = (input, init) => {
    attemptStartedAt = Date.now()
    return baseFetch(input, init)
  }
  const startedAt = Date.now()
  let bodyTimer: ReturnType<typeof setTimeout> | undefined
  let bodyTimedOut = false
  const kyOptions: KyOptions = {
    fetch: timedFetch as KyOptions['fetch'],
    signal: controller.signal,
    timeout: timeoutMs,
    throwHttpErrors: options.acceptNotModified === true ? (status) => status !== 304 : true,
    // Only retryable statuses: ky also retries network errors by default, which would make
    // an unreachable primary cost several attempts before the GitHub fallback.
    retry: {
      limit: options.retries,
      methods: ['get'],
      statusCodes: RETRY_STATUSES,
      afterStatusCodes: [429, 503],
      maxRetryAfter: MAX_RETRY_AFTER_MS,
      retryOnTimeout: false,
      shouldRetry: ({ error }) => {
        if (signal?.aborted || !isHTTPError(error)) return false
        const wait = retryAfterMs(error.response)
        if (wait !== undefined && wait > MAX_RETRY_AFTER_MS) return false
        return undefined
      },
    },
  }
  if (options.headers !== undefined) kyOptions.headers = { ...options.headers }
  try {
    const response = await ky.get(url, kyOptions)
    const remaining = timeoutMs - (Date.now() - attemptStartedAt)
    bodyTimer = setTimeout(() => {
      bodyTimedOut = true
      controller.abort(new Error('body timeout'))
    }, Math.max(0, remaining))
    const text = await response.text()
    return {
      url,
      status: response.status,
      text,
      contentType: response.headers.get('content-type') ?? '',
      etag: response.headers.get('etag') ?? undefined,
      lastModified: response.headers.get('last-modified') ?? undefined,
      durationMs: Date.now() - startedAt,
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason
    if (bodyTimedOut || isTimeoutError(error)) {
      throw new SourceRequestError('timeout', `no complete response within ${timeoutMs} ms`)
    }
    if (isHTTPError(error)) {
      const { status, statusText } = error.response
      const wait = retryAfterMs(error.response)
      const retryNote = wait !== undefined && wait > MAX_RETRY_AFTER_MS ? ` (Retry-After ${Math.round(wait / 1000)} s is too long to wait)` : ''
      throw new SourceRequestError('http', `HTTP ${status}${statusText ? ` ${statusText}` : ''}${retryNote}`, status)
    }
    // Network failures, CORS refusals and connections reset mid-body all land here.
    throw new SourceRequestError('network', describeCause(error))
  } finally {
    clearTimeout(bodyTimer)
    signal?.removeEventListener('abort', forwardAbort)
  }
}
