import { checkOptions, type KnownOptions } from '../options-check.js'

/**
 * Small facts about a stored value that an adapter may keep beside it (Cloudflare KV keeps
 * them as the key's metadata), so that freshness can be judged without reading the value.
 * JSON, well under KV's 1024-byte metadata limit.
 */
export interface StoredValueMetadata {
  /** The envelope format. */
  readonly format: number
  /** The category of the stored records (for a provider's copy, the category it was read for). */
  readonly category: string
  /** Where the records came from: `'primary'` or `'github'`. */
  readonly source: string
  /** When the records were fetched or last confirmed unchanged, in milliseconds since the epoch. */
  readonly fetchedAt: number
  /** The primary's `last_updated` for the category, when known (Unix seconds). */
  readonly lastUpdated?: number | undefined
  /** GitHub's `ETag` for the file, when known. */
  readonly etag?: string | undefined
}

/** Options of {@link StorageAdapter.set}. */
export interface StorageSetOptions {
  /**
   * How long the adapter should keep the value, in seconds (the TTL plus `maxStaleSeconds`).
   * This only collects garbage: whether a copy is fresh is decided by the client from the
   * envelope's `fetchedAt`, never from the storage's own expiry. An adapter raises it to its
   * platform's minimum where there is one (KV: 60 s).
   */
  readonly retentionSeconds: number
  /** Facts about the value to keep beside it, where the platform can. */
  readonly metadata: StoredValueMetadata
}

/**
 * Where the client keeps fetched categories: a handful of async methods over string keys and
 * JSON-compatible values. Adapters only store; they know nothing about freshness.
 *
 * A failing adapter never fails a read: an error from `get` is a cache miss, and an error from
 * `set`, `delete` or `clear` is reported to `onEvent`.
 */
export interface StorageAdapter {
  /** The value stored under `key`, or `undefined`. */
  get(key: string): Promise<unknown>
  /**
   * Stores `value` under `key`, replacing what was there.
   * @param key The key, such as `'v2/image_generation'`: short, of letters, digits and `/:._-`.
   * @param value A JSON-compatible value (the envelope of a category).
   * @param options How long to keep it (`retentionSeconds`) and the facts to keep beside it (`metadata`).
   */
  set(key: string, value: unknown, options: StorageSetOptions): Promise<void>
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>
  /** Removes every value this adapter holds (its own database, store or key prefix only). */
  clear(): Promise<void>
  /**
   * `true` when other browsing contexts of the same origin (tabs, windows, workers) see the
   * same data, as with IndexedDB. The client then tells them about refreshes over a
   * `BroadcastChannel` and avoids fetching what another context is already fetching.
   */
  readonly sharedAcrossContexts?: boolean | undefined
}

/** Options of {@link createMemoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * The clock used to drop values past their retention time, in milliseconds.
   * @default Date.now
   */
  now?: (() => number) | undefined
}

/**
 * The default storage: a `Map` in this JavaScript realm. Values are kept by reference, never
 * copied, so a category exists once in memory however many clients share the adapter.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage()
 * const a = createModelReferenceClient({ storage })
 * const b = createModelReferenceClient({ storage }) // reads what `a` fetched
 * ```
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): StorageAdapter {
  checkOptions('createMemoryStorage', options, { now: 1 } satisfies KnownOptions<MemoryStorageOptions>)
  const now = options.now ?? Date.now
  const values = new Map<string, { value: unknown; expiresAt: number }>()
  return {
    async get(key) {
      const item = values.get(key)
      if (item === undefined) return undefined
      if (now() >= item.expiresAt) {
        values.delete(key)
        return undefined
      }
      return item.value
    },
    async set(key, value, { retentionSeconds }) {
      values.set(key, { value, expiresAt: now() + retentionSeconds * 1000 })
    },
    async delete(key) {
      values.delete(key)
    },
    async clear() {
      values.clear()
    },
  }
}
