import type { StorageAdapter } from '@horde-model-reference/core'
import { clear, createStore, del, get, set, type UseStore } from 'idb-keyval'

/** Options of {@link createIndexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /**
   * The IndexedDB database the adapter owns. idb-keyval keeps one store per database, so use a
   * name no other code opens.
   * @default 'horde-model-reference'
   */
  databaseName?: string
  /**
   * The object store inside that database.
   * @default 'categories'
   */
  storeName?: string
}

/** The defaults of {@link IndexedDbStorageOptions}. */
export const DEFAULT_INDEXEDDB_STORAGE_OPTIONS = Object.freeze({ databaseName: 'horde-model-reference', storeName: 'categories' })

// Safari closes IndexedDB connections on its own ("InvalidStateError: The database connection
// is closing"); a fresh connection usually works.
function isClosedConnection(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'InvalidStateError'
}

/**
 * A storage adapter over IndexedDB (through idb-keyval), so that the model reference cache
 * survives page reloads and is shared by the tabs of an origin. Values are stored as
 * structured clones in a database of the adapter's own.
 *
 * - Nothing touches `indexedDB` until the first read or write: importing and creating the
 *   adapter during server rendering or in a Worker is harmless.
 * - Where `indexedDB` does not exist, the adapter stores nothing and every read is a miss.
 * - A closed connection is reopened once; if that fails too, a read is a miss (and a write
 *   fails, which the client reports to `onEvent`).
 *
 * @example
 * ```ts
 * import { createModelReferenceClient } from '@horde-model-reference/core'
 * import { createIndexedDbStorage } from '@horde-model-reference/storage-indexeddb'
 *
 * const client = createModelReferenceClient({ storage: createIndexedDbStorage(), staleWhileRevalidate: true })
 * ```
 */
export function createIndexedDbStorage(options: IndexedDbStorageOptions = {}): StorageAdapter {
  const databaseName = options.databaseName ?? DEFAULT_INDEXEDDB_STORAGE_OPTIONS.databaseName
  const storeName = options.storeName ?? DEFAULT_INDEXEDDB_STORAGE_OPTIONS.storeName
  let store: UseStore | undefined

  const available = (): boolean => typeof (globalThis as { indexedDB?: unknown }).indexedDB !== 'undefined'

  async function run<T>(operation: (store: UseStore) => Promise<T>): Promise<T> {
    try {
      return await operation((store ??= createStore(databaseName, storeName)))
    } catch (error) {
      if (!isClosedConnection(error)) throw error
      // Reopen once with a new connection.
      store = createStore(databaseName, storeName)
      return operation(store)
    }
  }

  return {
    sharedAcrossContexts: true,
    async get(key) {
      if (!available()) return undefined
      try {
        return await run((s) => get(key, s))
      } catch (error) {
        if (isClosedConnection(error)) return undefined
        throw error
      }
    },
    async set(key, value) {
      if (!available()) return
      await run((s) => set(key, value, s))
    },
    async delete(key) {
      if (!available()) return
      await run((s) => del(key, s))
    },
    async clear() {
      if (!available()) return
      await run((s) => clear(s))
    },
  }
}
