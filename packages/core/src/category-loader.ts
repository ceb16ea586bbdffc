import { ENVELOPE_FORMAT, envelopeKey, type CategoryEnvelope } from './cache/envelope.js'
import type { CrossContext } from './cache/cross-context.js'
import { shareRecords } from './cache/fingerprints.js'
import type { Persistence } from './cache/persistence.js'
import { FUTURE_TOLERANCE_MS, type Copy, type LoadContext } from './cache/query.js'
import type { FetchableCategory } from './categories.js'
import { SourcesUnavailableError } from './errors/sources-unavailable.js'
import type { Emit } from './events.js'
import type { SourceLoader } from './sources/loader.js'

/** What {@link createCategoryLoader} puts together. */
export interface CategoryLoaderParts {
  readonly sources: SourceLoader
  readonly persistence: Persistence
  /** With a storage shared across tabs: one tab at a time downloads a category. */
  readonly crossContext: CrossContext | undefined
  /** One read's budget, in ms, counted from when the read began: the lock wait and the sources share it. */
  readonly totalTimeoutMs: number
  readonly emit: Emit
}

/** Loads one category's next copy, as a category query is given it. */
export type CategoryLoad = (previous: Copy<CategoryEnvelope> | undefined, context: LoadContext) => Promise<Copy<CategoryEnvelope>>

/**
 * The load of a category query: the sources' answer made into a frozen envelope (or the
 * previous one renewed, when a source confirmed it unchanged), written to storage and announced
 * to other tabs. With a shared storage it runs under a lock, and whoever waited for the lock
 * first looks whether the tab that held it stored a copy in the meantime.
 */
export function createCategoryLoader(parts: CategoryLoaderParts): (category: FetchableCategory) => CategoryLoad {
  const { persistence, crossContext, emit } = parts
  return (category) => {
    const download = async (previous: Copy<CategoryEnvelope> | undefined, { signal, keepAlive }: LoadContext, deadline: number): Promise<Copy<CategoryEnvelope>> => {
      const loaded = await parts.sources(category, previous?.value, signal, deadline)
      let envelope: CategoryEnvelope
      if (loaded.unchanged) {
        // A source can only confirm a copy it was shown; anything else is not an answer.
        if (previous === undefined) throw new SourcesUnavailableError(category, [], `${loaded.source} answered "unchanged" with no copy to renew`)
        // Same records, confirmed by the source: renew the copy instead of downloading it again.
        envelope = Object.freeze({ ...previous.value, fetchedAt: loaded.fetchedAt, ...(loaded.lastUpdated !== undefined && { lastUpdated: loaded.lastUpdated }) })
        emit({ type: 'revalidated', category, source: loaded.source, method: loaded.method, fetchedAt: loaded.fetchedAt })
      } else {
        // Never trade records for nothing: an empty answer (valid only for categories with no
        // GitHub source) does not replace a copy that has records.
        if (loaded.recordCount === 0 && previous !== undefined && Object.keys(previous.value.records).length > 0) {
          throw new SourcesUnavailableError(category, [], 'the source answered with no records while the cached copy has some, so the cached copy was kept')
        }
        // The same records as the previous copy (a source that cannot say "unchanged"): the
        // previous records object is kept, so that readers see no change.
        envelope = shareRecords(previous?.value, Object.freeze({
          format: ENVELOPE_FORMAT,
          category,
          source: loaded.source,
          fetchedAt: loaded.fetchedAt,
          records: loaded.models,
          aliases: loaded.aliases,
          issues: Object.freeze(loaded.issues),
          ...(loaded.lastUpdated !== undefined && { lastUpdated: loaded.lastUpdated }),
          ...(loaded.etag !== undefined && { etag: loaded.etag }),
        }))
      }
      signal.throwIfAborted()
      persistence.trust(envelope)
      // Other tabs are told once the copy is stored, so that what they read is this copy.
      keepAlive(persistence.write(category, envelope).then(() => crossContext?.announce(category, envelope.fetchedAt)))
      return { value: envelope, fetchedAt: envelope.fetchedAt, origin: loaded.source }
    }
    return (previous, context) => {
      const deadline = context.startedAt + parts.totalTimeoutMs
      if (crossContext === undefined) return download(previous, context, deadline)
      const requestedAt = Date.now()
      // Waiting for another tab takes at most half of what is left, so that going on alone
      // still has time to download.
      return crossContext.withLock(`${envelopeKey(category)}:refresh`, context.signal, Math.max(0, (deadline - requestedAt) / 2), async () => {
        const stored = await persistence.read(category, deadline - Date.now())
        // A copy another tab stored since this load was asked for, newer than the one held,
        // and not dated in the future.
        if (stored !== undefined && stored.fetchedAt >= requestedAt && stored.fetchedAt > (previous?.fetchedAt ?? -Infinity) && stored.fetchedAt <= Date.now() + FUTURE_TOLERANCE_MS) {
          return { value: shareRecords(previous?.value, stored), fetchedAt: stored.fetchedAt, origin: 'storage' }
        }
        return download(previous, context, deadline)
      })
    }
  }
}
