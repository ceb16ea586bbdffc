import type { ModelReferenceEvent } from './events.js'

/** What one client counted for one source (upstream's backend statistics). */
export interface SourceCounters {
  /** Requests sent. */
  readonly requests: number
  /** Answers read in full. */
  readonly responses: number
  /** Body bytes received. */
  readonly bytes: number
  /** Copies that landed from it (for a provider: loads that delivered). */
  readonly updates: number
  /** Failures: a request or a load that did not give data. */
  readonly failures: number
  /** Times the next source was asked instead of it, or beside it. */
  readonly fallbacks: number
  /** Revalidations that found the copy unchanged (nothing downloaded). */
  readonly unchanged: number
  /** Revalidations that found the copy changed (downloaded again). */
  readonly changed: number
}

type Mutable = { -readonly [K in keyof SourceCounters]: SourceCounters[K] }

const ZERO: SourceCounters = Object.freeze({ requests: 0, responses: 0, bytes: 0, updates: 0, failures: 0, fallbacks: 0, unchanged: 0, changed: 0 })

/** Counters per source, kept from the client's own events. */
export interface Counters {
  count(event: ModelReferenceEvent): void
  /** A frozen copy, per source id (`primary`, `github`, `horde-api`, `storage` or a provider's). */
  read(): Readonly<Record<string, SourceCounters>>
  reset(): void
}

export function createCounters(): Counters {
  let counts = new Map<string, Mutable>()
  const of = (source: string): Mutable => {
    let entry = counts.get(source)
    if (entry === undefined) counts.set(source, (entry = { ...ZERO }))
    return entry
  }
  return {
    count(event) {
      switch (event.type) {
        case 'request':
          of(event.source).requests++
          break
        case 'response':
          of(event.source).responses++
          of(event.source).bytes += event.bytes
          break
        case 'updated':
          of(event.source).updates++
          break
        case 'source-failed':
          of(event.attempt.source).failures++
          break
        case 'provider-failed':
          of(event.provider).failures++
          break
        case 'fallback':
          of(event.from).fallbacks++
          break
        case 'revalidated':
          of(event.source).unchanged++
          break
        case 'changed':
          of(event.source).changed++
          break
      }
    },
    read: () => Object.freeze(Object.fromEntries([...counts].map(([source, entry]) => [source, Object.freeze({ ...entry })]))),
    reset() {
      counts = new Map()
    },
  }
}
