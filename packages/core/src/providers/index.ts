// `@horde-model-reference/core/providers`: model sources of your own, next to the canonical data.
export { createStaticProvider, staticProviderFromRaw, type RawStaticRecords, type StaticRecords } from './static.js'
export { createPendingProvider, PENDING_SOURCE, type PendingProviderOptions } from './pending.js'
export type { ModelReferenceProvider, ProviderContext, ProviderRecords, RegisterProviderOptions } from './provider.js'
