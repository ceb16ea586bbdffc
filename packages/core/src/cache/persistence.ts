import { emptyIsValid, type FetchableCategory } from '../categories.js'
import type { Emit } from '../events.js'
import type { ModelReferenceIssue } from '../records/issues.js'
import { validateRecords } from '../records/validate.js'
import { envelopeKey, envelopeMetadata, readEnvelope, type CategoryEnvelope } from './envelope.js'
import type { StorageAdapter } from './storage.js'

/** Reading and writing the client's copies through its storage adapter. Never throws. */
export interface Persistence {
  /** `true` when other browsing contexts see the same storage (IndexedDB). */
  readonly shared: boolean
  /**
   * The stored copy of a category, ready to use: this realm's own frozen envelopes as they are,
   * anything else validated again record by record. `undefined` for a miss; an adapter that
   * throws, hangs past the storage timeout, or holds something that is not a current envelope
   * is a miss too (reported as `storage-error`).
   */
  read(category: FetchableCategory, timeoutMs?: number, key?: string): Promise<CategoryEnvelope | undefined>
  /** Writes a copy (under `key`: a provider's copy has its own); a failure or a timeout is reported as `storage-error`, a success as `persisted`. */
  write(category: FetchableCategory, envelope: CategoryEnvelope, key?: string): Promise<void>
  /** Deletes a stored copy; a failure is reported as `storage-error`. */
  remove(category: FetchableCategory, key: string): Promise<void>
  /** Marks an envelope this realm built and froze itself, so that reading it back (by any client) needs no check. */
  trust(envelope: CategoryEnvelope): void
}

/** Options of {@link createPersistence}. */
export interface PersistenceOptions {
  readonly timeoutMs: number
  /** How long the adapter should keep a copy, in seconds (TTL plus `maxStaleSeconds`). */
  readonly retentionSeconds: number
  readonly emit: Emit
}

class StorageTimeoutError extends Error {
  constructor(operation: string, ms: number) {
    super(`the storage adapter's ${operation}() did not settle within ${ms} ms (storageTimeoutMs)`)
    this.name = 'StorageTimeoutError'
  }
}

/** Runs one adapter call within the time allowed; a call that throws synchronously rejects. */
function bounded<T>(operation: string, ms: number, call: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageTimeoutError(operation, ms)), ms)
  })
  return Promise.race([new Promise<T>((resolve) => resolve(call())), timeout]).finally(() => clearTimeout(timer))
}

// A stored issue is kept only when it is one (the rest of an envelope from elsewhere is checked too).
function isIssue(value: unknown): value is ModelReferenceIssue {
  const issue = value as Partial<Record<keyof ModelReferenceIssue, unknown>> | null
  return typeof issue === 'object' && issue !== null && ['category', 'severity', 'key', 'path', 'message'].every((field) => typeof issue[field as keyof ModelReferenceIssue] === 'string')
}

// Envelopes built and frozen in this realm, by any client: a hit that returns one of these (the
// in-memory adapter keeps values by reference, and clients may share it) needs no revalidation
// and no copy.
const trusted = new WeakSet<object>()

/**
 * @internal A copy from outside this realm (storage, a snapshot) made ready to use: the shape
 * checked, then every record validated like a source's answer (issues reported as an `issues`
 * event from `source`), by the same rule of what counts as no data. This realm's own frozen
 * envelopes are taken as they are. A string says why the value is refused.
 */
export function checkForeignEnvelope(category: FetchableCategory, value: unknown, emit: Emit, source: 'storage' | 'snapshot'): CategoryEnvelope | string {
  const envelope = readEnvelope(value, category)
  if (envelope === undefined) return `value for "${category}" is not a current envelope`
  if (trusted.has(envelope)) return envelope
  const validated = validateRecords(category, Object.entries(envelope.records))
  if (validated.issues.length > 0) emit({ type: 'issues', category, source, issues: validated.issues })
  if (validated.recordCount === 0 && (Object.keys(envelope.records).length > 0 || !emptyIsValid(category))) return `copy of "${category}" holds no valid record`
  const checked: CategoryEnvelope = Object.freeze({
    format: envelope.format,
    category: envelope.category,
    source: envelope.source,
    fetchedAt: envelope.fetchedAt,
    records: validated.models,
    aliases: Object.freeze(Object.assign(Object.create(null) as Record<string, string>, envelope.aliases)),
    issues: Object.freeze([...(envelope.issues as unknown[]).filter(isIssue), ...validated.issues]),
    ...(envelope.lastUpdated !== undefined && { lastUpdated: envelope.lastUpdated }),
    ...(envelope.etag !== undefined && { etag: envelope.etag }),
  })
  trusted.add(checked)
  return checked
}

/** Builds the persistence of one client over its storage adapter. */
export function createPersistence(storage: StorageAdapter, options: PersistenceOptions): Persistence {
  const { emit, timeoutMs } = options
  const report = (category: FetchableCategory, operation: 'get' | 'set' | 'delete', error: unknown): void => emit({ type: 'storage-error', category, operation, error })

  function check(category: FetchableCategory, value: unknown): CategoryEnvelope | undefined {
    if (value === undefined || value === null) return undefined
    const checked = checkForeignEnvelope(category, value, emit, 'storage')
    if (typeof checked === 'string') {
      report(category, 'get', new TypeError(`the stored ${checked}; ignored`))
      return undefined
    }
    return checked
  }

  return {
    shared: storage.sharedAcrossContexts === true,
    trust: (envelope) => void trusted.add(envelope),
    async read(category, within = timeoutMs, key = envelopeKey(category)) {
      try {
        // Anything can throw here, reading the value included (a Proxy, a lazily decoded value).
        return check(category, await bounded('get', Math.max(0, Math.min(timeoutMs, within)), () => storage.get(key)))
      } catch (error) {
        report(category, 'get', error)
        return undefined
      }
    },
    async write(category, envelope, key = envelopeKey(category)) {
      try {
        await bounded('set', timeoutMs, () => storage.set(key, envelope, { retentionSeconds: options.retentionSeconds, metadata: envelopeMetadata(envelope) }))
        emit({ type: 'persisted', category, fetchedAt: envelope.fetchedAt })
      } catch (error) {
        report(category, 'set', error)
      }
    },
    async remove(category, key) {
      try {
        await bounded('delete', timeoutMs, () => storage.delete(key))
      } catch (error) {
        report(category, 'delete', error)
      }
    },
  }
}
