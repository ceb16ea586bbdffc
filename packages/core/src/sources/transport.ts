import ky from 'ky'
import type { ModelReferenceCategory } from '../categories.js'
import type { SourceName } from '../errors/sources-unavailable.js'
import type { Emit } from '../events.js'
import { authorizationOf, type FetchFunction, type NormalizedOptions, type UrlOption } from '../options.js'
import { SourceFailure } from './failure.js'

/** A response read in full. */
export interface FetchedBody {
  readonly url: string
  readonly status: number
  readonly text: string
  readonly contentType: string
  readonly etag: string | undefined
}

/** One GET. */
export interface TransportRequest {
  /** The category it is for (for events). */
  readonly category: ModelReferenceCategory
  /** Which source it goes to: `Client-Agent` goes to every source but GitHub. */
  readonly source: SourceName
  readonly url: string
  readonly signal: AbortSignal
  /** Its budget, headers and body together. */
  readonly timeoutMs: number
  /** Sends `If-None-Match`; a 304 then resolves with status 304 and an empty body. */
  readonly ifNoneMatch?: string
  /** More headers for this request only (a provider's API key): never in errors or events. */
  readonly headers?: Readonly<Record<string, string>>
  /** Called once the response headers have arrived. */
  readonly onHeaders?: () => void
}

/** How the client talks HTTP: built once per client, shared by every source. */
export interface Transport {
  /**
   * GETs a URL and reads the body as text, within the request's budget (a fetch that ignores
   * its abort signal cannot hang it). One attempt: retries are the caller's decision.
   *
   * @throws {SourceFailure} for an HTTP error status, a timeout, a network failure or an oversized body.
   * @throws the signal's reason when it aborts.
   */
  get(request: TransportRequest): Promise<FetchedBody>
}

/** A body larger than `maxBodyBytes`. */
class BodyTooLargeError extends Error {}

/**
 * Reads a body as text, stopping (and cancelling the stream) as soon as it exceeds `limit`
 * bytes or `signal` aborts, so that an endless or huge answer cannot exhaust memory, and a
 * stream that ignores the request's abort is not read on after the request ended.
 */
async function readText(response: Response, limit: number, signal: AbortSignal): Promise<{ readonly text: string; readonly bytes: number }> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > limit) throw new BodyTooLargeError()
  // Counted as it arrives, after any decompression: a Content-Length (of the compressed bytes,
  // and often hidden by CORS) cannot bound what a decompressed body becomes.
  if (response.body === null) return { text: '', bytes: 0 }
  const reader = response.body.getReader()
  const cancel = (): void => void reader.cancel(signal.reason).catch(() => undefined)
  signal.addEventListener('abort', cancel, { once: true })
  const chunks: Uint8Array[] = []
  let received = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      signal.throwIfAborted()
      received += value.byteLength
      if (received > limit) {
        cancel()
        throw new BodyTooLargeError()
      }
      chunks.push(value)
    }
  } finally {
    signal.removeEventListener('abort', cancel)
  }
  let bytes = chunks[0] ?? new Uint8Array(0)
  if (chunks.length > 1) {
    bytes = new Uint8Array(received)
    let offset = 0
    for (const chunk of chunks) {
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
  }
  return { text: new TextDecoder().decode(bytes), bytes: received }
}

// What fetch accepts as a header value (Latin-1, no NUL, CR or LF), checked before sending so
// that fetch's own refusal, which quotes the value, never carries a secret into an error.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * The wait a 429 or 503 asks for, in milliseconds: `Retry-After` as delta-seconds or an HTTP
 * date. Any other hint (`Retry-After: soon`, `RateLimit-Reset`, `X-RateLimit-Reset`) is treated
 * as absent, so that an unreadable hint can never make a read wait.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim()
  if (value === undefined || value === '') return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

// ky wraps the platform's error (Node: TypeError "fetch failed", whose cause says why, such as
// ENOTFOUND or ECONNREFUSED): report the innermost reason, which is the one a user can act on.
function describeCause(error: unknown): string {
  const messages: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (typeof current !== 'object') {
      messages.push(String(current))
      break
    }
    const { message, code, cause } = current as { message?: unknown; code?: unknown; cause?: unknown }
    if (typeof message === 'string' && message !== '') messages.push(message)
    else if (typeof code === 'string') messages.push(code)
    current = cause
  }
  const innermost = messages.at(-1) ?? 'network error'
  return messages.length > 1 ? `${innermost} (${messages.at(-2)})` : innermost
}

/** Builds the client's transport: ky over the given `fetch`, its headers and its limits. */
export function createTransport(options: NormalizedOptions, emit: Emit): Transport {
  const baseFetch: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  // One ky instance per client: one request per call, no retries and no timeout of ky's own (the
  // source loop decides retries and waits; the deadline below covers the body too).
  const http = ky.create({ fetch: ((input: Request, init?: RequestInit) => baseFetch(input, init)) as typeof fetch, timeout: false, retry: 0, throwHttpErrors: false })
  // Credentials from a URL option go, as a header, only to the source that option is for, and
  // only to URLs under its base (the primary's base may sit under GitHub's, or the other way round).
  const credentials = authorizationOf(options)
  const OPTION_OF: Readonly<Record<string, UrlOption>> = { primary: 'primaryUrl', github: 'githubUrl', 'horde-api': 'hordeApiUrl' }
  const authorizationFor = (source: SourceName, url: string): string | undefined => {
    const option = Object.prototype.hasOwnProperty.call(OPTION_OF, source) ? OPTION_OF[source] : undefined
    const value = option === undefined ? undefined : credentials[option]
    return value !== undefined && url.startsWith(`${options[option!]}/`) ? value : undefined
  }

  return {
    async get({ category, source, url, signal, timeoutMs, ifNoneMatch, onHeaders, headers: extra }) {
      signal.throwIfAborted()
      for (const [name, value] of Object.entries(extra ?? {})) {
        if (typeof value !== 'string' || !HEADER_VALUE.test(value)) throw new SourceFailure('network', `the request was not sent: header ${JSON.stringify(name)} has a value that is not a valid header value (not shown)`)
      }
      const secrets = Object.values(extra ?? {}).filter((value) => value.length >= 4)
      const redact = (message: string): string => secrets.reduce((text, secret) => text.split(secret).join('[redacted]'), message)
      const headers: Record<string, string> = { ...extra }
      // A custom header would make browsers send GitHub a CORS preflight, which it refuses.
      if (source !== 'github' && options.clientAgent !== undefined) headers['Client-Agent'] = options.clientAgent
      if (ifNoneMatch !== undefined) headers['If-None-Match'] = ifNoneMatch
      const authorization = authorizationFor(source, url)
      if (authorization !== undefined) headers.Authorization = authorization

      const startedAt = Date.now()
      const controller = new AbortController()
      let timedOut = false
      let stop!: (reason: unknown) => void
      // Rejects when the time is up or the caller aborts: raced with every step, so that a fetch
      // or a body stream that ignores its abort signal still settles at once.
      const stopped = new Promise<never>((_, reject) => {
        stop = (reason) => {
          controller.abort(reason)
          reject(reason)
        }
      })
      stopped.catch(() => undefined)
      const forward = (): void => stop(signal.reason)
      signal.addEventListener('abort', forward, { once: true })
      const timer = setTimeout(() => {
        timedOut = true
        stop(new SourceFailure('timeout', `no complete response within ${timeoutMs} ms`))
      }, timeoutMs)
      try {
        // A listener may abort the read as it is told of the request: nothing is sent then.
        emit({ type: 'request', category, source, url })
        signal.throwIfAborted()
        const response = await Promise.race([
          // A request with headers of its own (an API key) never follows a redirect: the
          // browser would send them on to wherever the redirect points.
          http.get(url, { signal: controller.signal, headers, ...(extra !== undefined && { redirect: 'error' as const }) }),
          stopped,
        ])
        onHeaders?.()
        const { status } = response
        if (status === 304 && ifNoneMatch !== undefined) {
          return { url, status, text: '', contentType: '', etag: response.headers.get('etag') ?? undefined }
        }
        if (!response.ok) {
          void response.body?.cancel().catch(() => undefined)
          throw new SourceFailure('http', `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`, { status, retryAfterMs: retryAfterMs(response.headers) })
        }
        const { text, bytes } = await Promise.race([readText(response, options.maxBodyBytes, controller.signal), stopped])
        emit({ type: 'response', category, source, url, status, bytes, durationMs: Date.now() - startedAt })
        return { url, status, text, contentType: response.headers.get('content-type') ?? '', etag: response.headers.get('etag') ?? undefined }
      } catch (error) {
        if (signal.aborted) throw signal.reason
        if (error instanceof SourceFailure) throw error
        if (timedOut) throw new SourceFailure('timeout', `no complete response within ${timeoutMs} ms`)
        if (error instanceof BodyTooLargeError) throw new SourceFailure('malformed', `the body is larger than maxBodyBytes (${options.maxBodyBytes} bytes)`)
        // Network failures, CORS refusals and connections reset mid-body all land here.
        throw new SourceFailure('network', redact(describeCause(error)))
      } finally {
        clearTimeout(timer)
        signal.removeEventListener('abort', forward)
      }
    },
  }
}
