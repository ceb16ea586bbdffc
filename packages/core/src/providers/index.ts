/**
 * Model sources of your own, next to the canonical data: ready-made providers for
 * `client.registerProvider` (static records, records in the raw v2 shape, a provider whose
 * records arrive later) and the provider interface.
 *
 * @module @horde-model-reference/core/providers
 */
export { createStaticProvider, staticProviderFromRaw, type RawStaticRecords, type StaticRecords } from './static.js'
export { createPendingProvider, PENDING_SOURCE, type PendingProviderOptions } from './pending.js'
export type { ModelReferenceProvider, ProviderContext, ProviderRecords, RegisterProviderOptions } from './provider.js'
