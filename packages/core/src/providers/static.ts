import type { ModelReferenceCategory } from '../categories.js'
import type { RecordFor } from '../records/types.js'
import type { ModelReferenceProvider } from './provider.js'

/** Records per category, typed per category, for {@link createStaticProvider}. */
export type StaticRecords = { readonly [C in ModelReferenceCategory]?: Readonly<Record<string, RecordFor<C>>> }

/** Raw objects per category, for {@link staticProviderFromRaw} (a category's typo fails to compile). */
export type RawStaticRecords = { readonly [C in ModelReferenceCategory]?: Readonly<Record<string, Readonly<Record<string, unknown>>>> }

function staticProvider(id: string, records: Readonly<Record<string, unknown>>): ModelReferenceProvider {
  if (typeof records !== 'object' || records === null) throw new TypeError('A static provider needs its records per category: { image_generation: { name: record } }.')
  return Object.freeze({
    id,
    categories: Object.freeze(Object.keys(records)),
    load: async (category: string) => (Object.prototype.hasOwnProperty.call(records, category) ? (records[category] as Readonly<Record<string, unknown>>) : {}),
  })
}

/**
 * A provider of fixed records (upstream's `StaticModelProvider`): your own models next to the
 * canonical ones. They are validated like any source's records when read, so a broken one is
 * skipped with an issue.
 *
 * @example
 * ```ts
 * import { createStaticProvider } from '@horde-model-reference/core/providers'
 * client.registerProvider(createStaticProvider('my-lab', { image_generation: { 'My Model': myRecord } }))
 * const mine = await client.getModelReference('image_generation', { source: 'my-lab' })
 * ```
 * @param id The provider's source id.
 * @param records The records, by category, then by name.
 */
export function createStaticProvider(id: string, records: StaticRecords): ModelReferenceProvider {
  return staticProvider(id, records)
}

/**
 * A provider of fixed records given as raw objects (upstream's `StaticModelProvider.from_raw`):
 * each is validated with its category's schema when read, and takes its key as its `name` when
 * it has none; problems are reported as issues, like any source's.
 *
 * @example
 * ```ts
 * import { staticProviderFromRaw } from '@horde-model-reference/core/providers'
 * client.registerProvider(staticProviderFromRaw('beta', { image_generation: { 'Beta XL': { baseline: 'stable_diffusion_xl', nsfw: false } } }))
 * ```
 * @param id The provider's source id.
 * @param records Raw record objects, by category, then by key.
 */
export function staticProviderFromRaw(id: string, records: RawStaticRecords): ModelReferenceProvider {
  return staticProvider(id, records)
}
