import type { CategoryEnvelope } from '../cache/envelope.js'
import type { FetchableCategory, ModelReferenceCategory } from '../categories.js'
import { SourcesUnavailableError, type SourceAttempt, type SourceName } from '../errors/sources-unavailable.js'
import { ValidationError } from '../errors/validation.js'
import type { Emit } from '../events.js'
import { attemptOf, SourceFailure } from './failure.js'
import type { SourceHealth } from './health.js'
import type { AttemptContext, ReferenceSource, SourceOutcome } from './source.js'

/** One source a read may ask: its id and URL (for errors and events) and how to ask it. */
export interface Candidate<T> {
  readonly id: SourceName
  readonly url: string
  run(context: AttemptContext): Promise<T>
}

/** The timing rules of a read (the client's options). */
export interface LoopOptions {
  readonly health: SourceHealth
  readonly emit: Emit
  readonly timeoutMs: number
  readonly totalTimeoutMs: number
  readonly fallbackAfterMs: number
  readonly retries: number
}

// A Retry-After longer than this is not waited for within a read.
const MAX_RETRY_WAIT_MS = 5_000
const BACKOFF_MS = 300

type Settled<T> = { readonly value: T } | { readonly error: unknown } | undefined

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

/**
 * Asks the candidates until one succeeds, within one budget (`totalTimeoutMs`):
 *
 * - in order, with the sources that failed moments ago last (see {@link SourceHealth});
 * - a failure moves to the next source at once; a source that has not started answering within
 *   `fallbackAfterMs` gets the next one asked beside it, and the first good answer wins;
 * - when every source failed, those that answered 429 or 5xx are asked again, up to `retries`
 *   times, after their `Retry-After` (up to 5 s) or a short back-off.
 *
 * @throws {SourcesUnavailableError} listing each source's last failure, or {@link ValidationError}
 *   when `strict` issues failed a source; the caller's abort reason when `signal` aborts.
 */
export async function firstSuccess<T>(
  category: ModelReferenceCategory,
  candidates: readonly Candidate<T>[],
  signal: AbortSignal | undefined,
  options: LoopOptions,
  deadline = Date.now() + options.totalTimeoutMs,
): Promise<T> {
  signal?.throwIfAborted()
  const { emit, health } = options
  const read = new AbortController()
  const forward = (): void => read.abort(signal!.reason)
  signal?.addEventListener('abort', forward, { once: true })
  const budget = setTimeout(() => read.abort(new SourceFailure('timeout', `the read ran out of its ${options.totalTimeoutMs} ms (totalTimeoutMs)`)), Math.max(0, deadline - Date.now()))
  const plan = health.plan(candidates.map((candidate) => candidate.id))
  for (const { source, retryAt } of plan.skipped) emit({ type: 'source-skipped', category, source, retryAt })
  const ordered = plan.order.map((id) => candidates.find((candidate) => candidate.id === id)!)
  const failures = new Map<Candidate<T>, SourceFailure>()

  const fail = (candidate: Candidate<T>, failure: SourceFailure): SourceAttempt => {
    failures.set(candidate, failure)
    health.failed(candidate.id, failure)
    const attempt = attemptOf(candidate.id, candidate.url, failure)
    emit({ type: 'source-failed', category, attempt })
    return attempt
  }

  // One pass over `round`: each source after the previous one failed or went quiet.
  const race = (round: readonly Candidate<T>[]): Promise<Settled<T>> =>
    new Promise((resolve) => {
      const running = new Map<Candidate<T>, AbortController>()
      let next = 0
      let done = false
      let hedge: ReturnType<typeof setTimeout> | undefined
      const finish = (outcome: Settled<T>): void => {
        if (done) return
        done = true
        clearTimeout(hedge)
        for (const controller of running.values()) controller.abort(new DOMException('Another source answered first.', 'AbortError'))
        resolve(outcome)
      }
      const start = (): void => {
        clearTimeout(hedge)
        if (done || next >= round.length || read.signal.aborted) {
          if (running.size === 0) finish(read.signal.aborted && signal?.aborted ? { error: signal.reason } : undefined)
          return
        }
        const candidate = round[next++]!
        const controller = new AbortController()
        const stop = (): void => controller.abort(read.signal.reason)
        read.signal.addEventListener('abort', stop, { once: true })
        running.set(candidate, controller)
        let answered = false
        const following = round[next]
        if (following !== undefined) {
          hedge = setTimeout(() => {
            if (answered || done) return
            const failure = new SourceFailure('timeout', `no answer within ${options.fallbackAfterMs} ms (fallbackAfterMs); ${following.id} is asked too`)
            health.failed(candidate.id, failure)
            emit({ type: 'fallback', category, from: candidate.id, to: following.id, reason: attemptOf(candidate.id, candidate.url, failure) })
            start()
          }, options.fallbackAfterMs)
        }
        const isNewest = (): boolean => round[next - 1] === candidate
        const context: AttemptContext = {
          signal: controller.signal,
          timeoutMs: Math.max(1, Math.min(options.timeoutMs, deadline - Date.now())),
          onHeaders: () => {
            answered = true
            if (isNewest()) clearTimeout(hedge)
          },
        }
        candidate.run(context).then(
          (value) => {
            running.delete(candidate)
            read.signal.removeEventListener('abort', stop)
            health.succeeded(candidate.id)
            finish({ value })
          },
          (error: unknown) => {
            running.delete(candidate)
            read.signal.removeEventListener('abort', stop)
            if (done) return
            if (signal?.aborted) return finish({ error: signal.reason })
            if (!(error instanceof SourceFailure)) return finish({ error })
            const attempt = fail(candidate, error)
            const following = round[next]
            if (isNewest() && following !== undefined) emit({ type: 'fallback', category, from: candidate.id, to: following.id, reason: attempt })
            if (isNewest() || running.size === 0) start()
          },
        )
      }
      start()
    })

  try {
    let round: readonly Candidate<T>[] = ordered
    for (let pass = 0; ; pass++) {
      const outcome = await race(round)
      if (outcome !== undefined) {
        if ('value' in outcome) return outcome.value
        throw outcome.error
      }
      if (pass >= options.retries || read.signal.aborted) break
      const retry = round.filter((candidate) => {
        const failure = failures.get(candidate)
        return failure !== undefined && failure.retryable && (failure.retryAfterMs ?? 0) <= MAX_RETRY_WAIT_MS
      })
      const wait = Math.max(0, ...retry.map((candidate) => failures.get(candidate)!.retryAfterMs ?? BACKOFF_MS * 2 ** pass))
      if (retry.length === 0 || Date.now() + wait >= deadline) break
      await sleep(wait, read.signal)
      if (signal?.aborted) throw signal.reason
      round = retry
    }
  } finally {
    clearTimeout(budget)
    signal?.removeEventListener('abort', forward)
    plan.release()
  }
  if (signal?.aborted) throw signal.reason
  const attempts = ordered.flatMap((candidate) => {
    const failure = failures.get(candidate)
    return failure === undefined ? [] : [attemptOf(candidate.id, candidate.url, failure)]
  })
  const issues = [...failures.values()].flatMap((failure) => failure.issues ?? [])
  if (issues.length > 0) throw new ValidationError(category, issues, attempts)
  throw new SourcesUnavailableError(category, attempts)
}

/** Loads a category from the first source that can supply it (see {@link firstSuccess}), by `deadline` (ms since the epoch). */
export type SourceLoader = (category: FetchableCategory, previous: CategoryEnvelope | undefined, signal: AbortSignal | undefined, deadline?: number) => Promise<SourceOutcome>

/**
 * The reference's source loop, built once per client: each source that has the category, a
 * copy from that source revalidated cheaply first.
 */
export function createSourceLoader(sources: readonly ReferenceSource[], options: LoopOptions): SourceLoader {
  return (category, previous, signal, deadline) => {
    const candidates = sources.flatMap((source): Candidate<SourceOutcome>[] => {
      const url = source.urlFor(category)
      if (url === undefined) return []
      return [
        {
          id: source.id,
          url,
          async run(context) {
            const revalidation = previous?.source === source.id && source.revalidate !== undefined ? await source.revalidate(category, previous, context) : undefined
            if (revalidation?.unchanged === true) {
              return { unchanged: true, category, source: source.id, url, fetchedAt: Date.now(), method: 'last-updated', lastUpdated: revalidation.lastUpdated }
            }
            // A revalidation that could compare, and found a difference.
            if (revalidation?.lastUpdated !== undefined && previous?.lastUpdated !== undefined) options.emit({ type: 'changed', category, source: source.id, method: 'last-updated' })
            return source.load(category, { previous, revalidation, context })
          },
        },
      ]
    })
    // GitHub only (primaryUrl: null) and a category GitHub has no file of.
    if (candidates.length === 0) return Promise.reject(new SourcesUnavailableError(category, [], `no source has it: it has no GitHub file, and primaryUrl is null (GitHub only)`))
    return firstSuccess(category, candidates, signal, options, deadline)
  }
}
