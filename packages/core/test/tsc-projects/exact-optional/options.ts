// Every optional field of every public options type accepts `undefined` under
// exactOptionalPropertyTypes. `OptionalWithoutUndefined<T>` lists the optional fields of `T` that
// do not (`never` when there are none), so an option added without `| undefined` fails here.
import {
  createMemoryStorage,
  createModelReferenceClient,
  ModelReferenceManager,
  registerImageBaseline,
  type HydrateOptions,
  type MemoryStorageOptions,
  type ModelReferenceClient,
  type ModelReferenceOptions,
  type ReadOptions,
  type RegisterProviderOptions,
} from '@horde-model-reference/core'
import type { PickOptions } from '@horde-model-reference/core/availability'
import type { CategoryObserverOptions } from '@horde-model-reference/core/observer'
import type { PopularModelsOptions } from '@horde-model-reference/core/popular'
import type { PendingProviderOptions } from '@horde-model-reference/core/providers'
import type { QueryOptions, SearchOptions, SuggestOptions } from '@horde-model-reference/core/query'
import type { IndexedDbStorageOptions as BrowserIndexedDbStorageOptions } from '@horde-model-reference/browser'
import { createIndexedDbStorage, type IndexedDbStorageOptions } from '@horde-model-reference/storage-indexeddb'
import type { CloudflareKvStorageOptions } from '@horde-model-reference/storage-cloudflare-kv'
import type { UnstorageStorageOptions } from '@horde-model-reference/storage-unstorage'
import type { CliIo } from '@horde-model-reference/cli'
import type { ModelReferenceProvider, UseModelAvailabilityOptions, UseModelReferenceOptions, UseModelSearchOptions, UseSuspenseModelReferenceOptions } from '@horde-model-reference/react'

type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T]
type OptionalWithoutUndefined<T> = { [K in OptionalKeys<T>]-?: { [P in K]: undefined } extends Pick<T, K> ? never : K }[OptionalKeys<T>]
/** `T` with `undefined` in every optional field. */
type AllUndefined<T> = { [K in OptionalKeys<T>]-?: undefined } & Omit<T, OptionalKeys<T>>

// A compile error names the field: Type '"x"' does not satisfy the constraint 'never'.
declare function none<K extends never>(): void

type Second<F> = F extends (a: never, b: infer B, ...rest: never[]) => unknown ? NonNullable<B> : never
type Third<F> = F extends (a: never, b: never, c: infer C, ...rest: never[]) => unknown ? NonNullable<C> : never
type DehydrateOptions = Second<ModelReferenceClient['dehydrate']>
type SuggestModelNamesOptions = Third<ModelReferenceClient['suggestModelNames']>
type BaselineOptions = Second<typeof registerImageBaseline>
type ProviderProps = Parameters<typeof ModelReferenceProvider>[0]

none<OptionalWithoutUndefined<ModelReferenceOptions>>()
none<OptionalWithoutUndefined<ReadOptions>>()
none<OptionalWithoutUndefined<HydrateOptions>>()
none<OptionalWithoutUndefined<DehydrateOptions>>()
none<OptionalWithoutUndefined<SuggestModelNamesOptions>>()
none<OptionalWithoutUndefined<BaselineOptions>>()
none<OptionalWithoutUndefined<RegisterProviderOptions>>()
none<OptionalWithoutUndefined<MemoryStorageOptions>>()
none<OptionalWithoutUndefined<QueryOptions>>()
none<OptionalWithoutUndefined<SearchOptions>>()
none<OptionalWithoutUndefined<SuggestOptions>>()
none<OptionalWithoutUndefined<PendingProviderOptions>>()
none<OptionalWithoutUndefined<PopularModelsOptions>>()
none<OptionalWithoutUndefined<PickOptions<'image_generation'>>>()
none<OptionalWithoutUndefined<CategoryObserverOptions<'image_generation', string[]>>>()
none<OptionalWithoutUndefined<IndexedDbStorageOptions>>()
none<OptionalWithoutUndefined<BrowserIndexedDbStorageOptions>>()
none<OptionalWithoutUndefined<CloudflareKvStorageOptions>>()
none<OptionalWithoutUndefined<UnstorageStorageOptions>>()
none<OptionalWithoutUndefined<CliIo>>()
none<OptionalWithoutUndefined<UseModelReferenceOptions<'image_generation', string[]>>>()
none<OptionalWithoutUndefined<UseSuspenseModelReferenceOptions<'image_generation'>>>()
none<OptionalWithoutUndefined<UseModelAvailabilityOptions>>()
none<OptionalWithoutUndefined<UseModelSearchOptions<'image_generation'>>>()
none<OptionalWithoutUndefined<ProviderProps>>()

// And the calls compile with such objects (what `{ ttlSeconds: process.env.TTL ? Number(...) : undefined }` is).
const client = createModelReferenceClient({} as AllUndefined<ModelReferenceOptions>)
new ModelReferenceManager({ ttlSeconds: undefined, storage: undefined, onEvent: undefined })
void client.getModelReference('image_generation', { signal: undefined, source: undefined, waitUntil: undefined })
client.hydrate(client.dehydrate(undefined, { lastResort: undefined }), { lastResort: undefined })
createMemoryStorage({ now: undefined })
createIndexedDbStorage({ databaseName: undefined, storeName: undefined })
