/**
 * The global `HordeModelReference` that the `<script>` bundle (`@horde-model-reference/browser/script`,
 * `dist/horde-model-reference.iife.js`) defines, typed as this package's module: every export of the
 * core (all its entry points) and the IndexedDB storage. Types only; a page script with `// @ts-check`
 * gets them with
 *
 * ```js
 * /// <reference types="@horde-model-reference/browser/global" />
 * ```
 *
 * (or `"types": ["@horde-model-reference/browser/global"]` in a `tsconfig.json` / `jsconfig.json`).
 *
 * @module @horde-model-reference/browser/global
 */
import type * as HordeModelReferenceModule from './index.js'

declare global {
  /** Everything `@horde-model-reference/browser` exports, defined by the `<script>` bundle. */
  var HordeModelReference: typeof HordeModelReferenceModule
}

export {}
