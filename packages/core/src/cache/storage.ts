/** Options of {@link StorageAdapter.set}. */
export interface StorageSetOptions {
  /**
   * How long the adapter should keep the value, in seconds (the TTL plus `maxStaleSeconds`).
   * This only collects garbage: whether a copy is fresh is decided by the client from the
   * envelope's `fetchedAt`, never from the storage's own expiry.
   */
  readonly retentionSeconds: number
}

/**
 * Where the client keeps fetched categories: a handful of async methods over string keys and
 * JSON-compatible values. Adapters only store; they know nothing about freshness.
 *
 * A failing adapter never fails a read: an error from `get` is a cache miss and an error from
 * `set` or `delete` is reported to `onEvent`.
 */
export interface StorageAdapter {
  /** The value stored under `key`, or `undefined`. */
  get(key: string): Promise<unknown>
  /** Stores `value` under `key`. */
  set(key: string, value: unknown, options: StorageSetOptions): Promise<void>
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>
}

/** Options of {@link createMemoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * The clock used to drop values past their retention time, in milliseconds.
   * @default Date.now
   */
  now?: () => number
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
  }
}
