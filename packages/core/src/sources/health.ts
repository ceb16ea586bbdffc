import type { SourceName } from '../errors/sources-unavailable.js'
import type { SourceFailure } from './failure.js'

// The longest a server's Retry-After may keep a source at the back of the line.
const MAX_COOLDOWN_MS = 15 * 60_000

/** The order in which one read asks its sources. */
export interface SourcePlan {
  /** Every source, those that failed moments ago last. */
  readonly order: readonly SourceName[]
  /** The sources moved last, and until when. */
  readonly skipped: readonly { readonly source: SourceName; readonly retryAt: number }[]
  /** Ends the read's probe of a source whose cooldown ran out, if it had one. */
  release(): void
}

/**
 * What one client remembers about its sources: a source that just failed as a whole (network
 * or CORS error, timeout, 429, 5xx) is asked last for a while, so that the next reads go
 * straight to the source that works. When that time is up, one read at a time asks it in its
 * usual place again (a probe); a success clears it, a failure starts another cooldown.
 */
export interface SourceHealth {
  plan(sources: readonly SourceName[]): SourcePlan
  failed(source: SourceName, failure: SourceFailure): void
  succeeded(source: SourceName): void
}

/** Creates the health record of one client. `cooldownMs` 0 turns it off. */
export function createSourceHealth(cooldownMs: number): SourceHealth {
  const cooling = new Map<SourceName, { retryAt: number; probing: boolean }>()
  return {
    plan(sources) {
      const now = Date.now()
      const first: SourceName[] = []
      const last: SourceName[] = []
      const skipped: { source: SourceName; retryAt: number }[] = []
      const probes: SourceName[] = []
      for (const source of sources) {
        const state = cooling.get(source)
        if (state === undefined) first.push(source)
        else if (now >= state.retryAt && !state.probing) {
          state.probing = true
          probes.push(source)
          first.push(source)
        } else {
          last.push(source)
          skipped.push({ source, retryAt: state.retryAt })
        }
      }
      return {
        order: [...first, ...last],
        skipped,
        release() {
          for (const source of probes) {
            const state = cooling.get(source)
            if (state !== undefined) state.probing = false
          }
          probes.length = 0
        },
      }
    },
    failed(source, failure) {
      if (cooldownMs === 0 || !failure.sourceDown) return
      const wait = Math.max(cooldownMs, Math.min(failure.retryAfterMs ?? 0, MAX_COOLDOWN_MS))
      cooling.set(source, { retryAt: Date.now() + wait, probing: false })
    },
    succeeded(source) {
      cooling.delete(source)
    },
  }
}
