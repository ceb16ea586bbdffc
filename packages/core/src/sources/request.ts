import type { ModelReferenceCategory } from '../categories.js'
import type { SourceAttempt, SourceFailureKind, SourceName } from '../errors/sources-unavailable.js'
import type { ModelReferenceEvent } from '../events.js'
import type { NormalizedOptions } from '../options.js'
import { fetchText, SourceRequestError, type FetchedBody } from './http.js'

/** What a request needs from the client. */
export interface RequestContext {
  readonly options: NormalizedOptions
  readonly signal: AbortSignal | undefined
  readonly emit: (event: ModelReferenceEvent) => void
}

/** One source could not supply what was asked; the next source is tried. */
export class SourceFailed extends Error {
  constructor(
    readonly kind: SourceFailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message)
  }
}

/** Options of {@link request}. */
export interface RequestOptions {
  readonly ifNoneMatch?: string
  readonly retries?: number
}

/** The attempt record of a failed request, as {@link SourcesUnavailableError} lists it. */
export function attemptOf(source: SourceName, url: string, failure: SourceFailed): SourceAttempt {
  return { source, url, kind: failure.kind, message: failure.message, ...(failure.status !== undefined && { status: failure.status }) }
}

/**
 * GETs one URL with the client's options, reporting `request` and `response` events.
 * `Client-Agent` goes to every source but GitHub: a custom header would make browsers send a
 * CORS preflight that GitHub refuses.
 *
 * @throws {SourceFailed} for an HTTP error, a timeout, a network failure or an oversized body.
 */
export async function request(category: ModelReferenceCategory, source: SourceName, url: string, context: RequestContext, extra: RequestOptions = {}): Promise<FetchedBody> {
  const { options, signal, emit } = context
  emit({ type: 'request', category, source, url })
  const headers: Record<string, string> = {}
  if (source !== 'github' && options.clientAgent !== undefined) headers['Client-Agent'] = options.clientAgent
  if (extra.ifNoneMatch !== undefined) headers['If-None-Match'] = extra.ifNoneMatch
  try {
    const body = await fetchText(url, {
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      retries: extra.retries ?? options.retries,
      maxBodyBytes: options.maxBodyBytes,
      signal,
      acceptNotModified: extra.ifNoneMatch !== undefined,
      ...(Object.keys(headers).length > 0 && { headers }),
    })
    emit({ type: 'response', category, source, url, status: body.status, bytes: body.text.length, durationMs: body.durationMs })
    return body
  } catch (error) {
    if (error instanceof SourceRequestError) throw new SourceFailed(error.kind, error.message, error.status)
    throw error
  }
}

/**
 * Asks each source in turn until `load` succeeds. A {@link SourceFailed} is recorded (and
 * reported) and the next source tried; anything else (an abort, a bug) is thrown at once.
 */
export async function firstSuccess<S extends SourceName, T>(
  category: ModelReferenceCategory,
  sources: readonly (readonly [S, string])[],
  context: RequestContext,
  load: (source: S, url: string) => Promise<T>,
): Promise<{ value: T } | { attempts: SourceAttempt[] }> {
  const attempts: SourceAttempt[] = []
  for (const [source, url] of sources) {
    context.signal?.throwIfAborted()
    try {
      return { value: await load(source, url) }
    } catch (error) {
      if (!(error instanceof SourceFailed)) throw error
      const attempt = attemptOf(source, url, error)
      attempts.push(attempt)
      context.emit({ type: 'source-failed', category, attempt })
      if (source === 'primary' && sources.length > 1) context.emit({ type: 'fallback', category, from: 'primary', to: 'github', reason: attempt })
    }
  }
  return { attempts }
}
