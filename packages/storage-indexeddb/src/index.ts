/**
 * A storage adapter over IndexedDB for `@horde-model-reference/core` in browsers: the model
 * reference cache survives page reloads and is shared by the tabs of an origin.
 *
 * @module @horde-model-reference/storage-indexeddb
 */
import { checkOptions, type KnownOptions, type StorageAdapter } from '@horde-model-reference/core'
// Only createStore and promisifyRequest: idb-keyval's get/set would also pull in its default store.
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval'

/** Options of {@link createIndexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /**
   * The IndexedDB database the adapter owns. idb-keyval keeps one store per database, so use a
   * name no other code opens.
   * @default 'horde-model-reference'
   */
  databaseName?: string | undefined
  /**
   * The object store inside that database.
   * @default 'categories'
   */
  storeName?: string | undefined
}

/** The defaults of {@link IndexedDbStorageOptions}. */
export const DEFAULT_INDEXEDDB_STORAGE_OPTIONS = Object.freeze({
  /** The database's default name. */
  databaseName: 'horde-model-reference',
  /** The object store's default name. */
  storeName: 'categories',
})

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
  checkOptions('createIndexedDbStorage', options, { databaseName: 1, storeName: 1 } satisfies KnownOptions<IndexedDbStorageOptions>)
  const databaseName = options.databaseName ?? DEFAULT_INDEXEDDB_STORAGE_OPTIONS.databaseName
  const storeName = options.storeName ?? DEFAULT_INDEXEDDB_STORAGE_OPTIONS.storeName
  let store: UseStore | undefined

  // Runs one transaction; a closed connection is replaced by a new one and tried once more.
  async function run<T>(mode: IDBTransactionMode, operation: (objects: IDBObjectStore) => Promise<T>): Promise<T | undefined> {
    if (typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'undefined') return undefined
    try {
      return await (store ??= createStore(databaseName, storeName))(mode, operation)
    } catch (error) {
      if (!isClosedConnection(error)) throw error
      store = createStore(databaseName, storeName)
      return store(mode, operation)
    }
  }
  const write = async (change: (objects: IDBObjectStore) => void): Promise<void> => {
    await run('readwrite', (objects) => {
      change(objects)
      return promisifyRequest(objects.transaction)
    })
  }

  return {
    sharedAcrossContexts: true,
    async get(key) {
      try {
        return await run('readonly', (objects) => promisifyRequest(objects.get(key)))
      } catch (error) {
        if (isClosedConnection(error)) return undefined
        throw error
      }
    },
    set: (key, value) => write((objects) => objects.put(value, key)),
    delete: (key) => write((objects) => objects.delete(key)),
    clear: () => write((objects) => objects.clear()),
  }
}
