/**
 * Everything a web page needs: the core and the IndexedDB storage. The `<script>` bundle
 * (`dist/horde-model-reference.iife.js`) exposes this module as the global `HordeModelReference`.
 *
 * @example
 * ```html
 * <script src="horde-model-reference.iife.js"></script>
 * <script src="app.js"></script>
 * ```
 * ```js
 * // app.js
 * const { createModelReferenceClient, createIndexedDbStorage } = HordeModelReference
 * const client = createModelReferenceClient({ storage: createIndexedDbStorage(), staleWhileRevalidate: true })
 * ```
 */
export * from '@horde-model-reference/core'
export { createIndexedDbStorage, DEFAULT_INDEXEDDB_STORAGE_OPTIONS, type IndexedDbStorageOptions } from '@horde-model-reference/storage-indexeddb'
