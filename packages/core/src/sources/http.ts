import ky, { isHTTPError, type Options as KyOptions } from 'ky'
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
    readonly kind: Extract<SourceFailureKind, 'http' | 'timeout' | 'network' | 'malformed'>,
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
  /** The largest body accepted, in bytes. */
  readonly maxBodyBytes?: number
}

/** A body larger than `maxBodyBytes`. */
export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`the body is larger than maxBodyBytes (${limit} bytes)`)
    this.name = 'BodyTooLargeError'
  }
}

/**
 * Reads a body as text, stopping (and cancelling the stream) as soon as it exceeds `limit`
 * bytes, so that an endless or huge answer cannot exhaust memory within the timeout.
 */
async function readText(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > limit) throw new BodyTooLargeError(limit)
  // Counted as it arrives, after any decompression: a Content-Length (of the compressed bytes,
  // and often hidden by CORS) cannot bound what a decompressed body becomes.
  if (response.body === null) return response.text()
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    received += value.byteLength
    if (received > limit) {
      void reader.cancel().catch(() => undefined)
      throw new BodyTooLargeError(limit)
    }
    chunks.push(value)
  }
  const bytes = chunks.length === 1 ? chunks[0]! : new Uint8Array(received)
  if (chunks.length > 1) {
    let offset = 0
    for (const chunk of chunks) {
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
  }
  return new TextDecoder().decode(bytes)
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
 * whole response, body included. When `signal` aborts, its reason is thrown as it is. With
 * `acceptNotModified`, a 304 resolves with status 304 and an empty body.
 *
 * @throws {SourceRequestError} for an HTTP error status, a timeout or a network failure.
 */
export async function fetchText(url: string, options: FetchTextOptions): Promise<FetchedBody> {
  const { signal, timeoutMs } = options
  signal?.throwIfAborted()
  const baseFetch: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const startedAt = Date.now()
  // Each attempt (the first and every retry) gets its own deadline, covering the response
  // headers and the body alike; ky's own timeout is off (in ky 1 it spans all attempts).
  let deadline: AttemptDeadline | undefined
  const timedFetch: FetchFunction = (input, init) => {
    deadline?.clear()
    deadline = startDeadline(timeoutMs, input.signal)
    // The race also settles when a custom fetch ignores the abort signal.
    return Promise.race([baseFetch(input, { ...init, signal: deadline.signal }), deadline.expired])
  }
  const kyOptions: KyOptions = {
    fetch: timedFetch as KyOptions['fetch'],
    timeout: false,
    throwHttpErrors: true,
    // Only retryable statuses: ky would also retry other errors (network failures), which
    // would make an unreachable primary cost several attempts before the GitHub fallback.
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
  if (signal !== undefined) kyOptions.signal = signal
  if (options.headers !== undefined) kyOptions.headers = { ...options.headers }
  try {
    const response = await ky.get(url, kyOptions)
    const text = await Promise.race([readText(response, options.maxBodyBytes ?? Number.POSITIVE_INFINITY), deadline!.expired])
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
    if (deadline?.timedOut) throw new SourceRequestError('timeout', `no complete response within ${timeoutMs} ms`)
    if (error instanceof BodyTooLargeError) throw new SourceRequestError('malformed', error.message)
    if (isHTTPError(error)) {
      const { response } = error
      if (response.status === 304 && options.acceptNotModified === true) {
        return { url, status: 304, text: '', contentType: '', etag: response.headers.get('etag') ?? undefined, lastModified: undefined, durationMs: Date.now() - startedAt }
      }
      const wait = retryAfterMs(response)
      const retryNote = wait !== undefined && wait > MAX_RETRY_AFTER_MS ? ` (Retry-After ${Math.round(wait / 1000)} s is too long to wait)` : ''
      throw new SourceRequestError('http', `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${retryNote}`, response.status)
    }
    // Network failures, CORS refusals and connections reset mid-body all land here.
    throw new SourceRequestError('network', describeCause(error))
  } finally {
    deadline?.clear()
  }
}

interface AttemptDeadline {
  /** Aborted when the attempt's time is up or when the outer signal aborts. */
  readonly signal: AbortSignal
  /** Rejects when the time is up. */
  readonly expired: Promise<never>
  readonly timedOut: boolean
  clear(): void
}

function startDeadline(timeoutMs: number, outer: AbortSignal | undefined): AttemptDeadline {
  const controller = new AbortController()
  const forward = (): void => controller.abort(outer?.reason)
  if (outer?.aborted) forward()
  else outer?.addEventListener('abort', forward, { once: true })
  let timedOut = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true
      const reason = new Error(`no complete response within ${timeoutMs} ms`)
      controller.abort(reason)
      reject(reason)
    }, timeoutMs)
  })
  // Nobody may be listening when it fires after the attempt ended.
  expired.catch(() => undefined)
  return {
    signal: controller.signal,
    expired,
    get timedOut() {
      return timedOut
    },
    clear() {
      clearTimeout(timer)
      outer?.removeEventListener('abort', forward)
    },
  }
}
