/**
 * Everything a web page needs: the core with all its entry points, and the IndexedDB storage. The `<script>` bundle
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
 *
 * @module @horde-model-reference/browser
 */
export * from '@horde-model-reference/core'
// A page with a <script> tag cannot import the core's other entry points: the global has them all.
export * from '@horde-model-reference/core/query'
export * from '@horde-model-reference/core/popular'
export * from '@horde-model-reference/core/legacy'
export * from '@horde-model-reference/core/raw'
export * from '@horde-model-reference/core/text-names'
export * from '@horde-model-reference/core/convert'
export * from '@horde-model-reference/core/providers'
export * from '@horde-model-reference/core/availability'
export * from '@horde-model-reference/core/diff'
export * from '@horde-model-reference/core/compat'
export * from '@horde-model-reference/core/observer'
export { createIndexedDbStorage, DEFAULT_INDEXEDDB_STORAGE_OPTIONS, type IndexedDbStorageOptions } from '@horde-model-reference/storage-indexeddb'
