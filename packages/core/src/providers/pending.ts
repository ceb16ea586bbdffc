import { MODEL_REFERENCE_CATEGORIES, type ModelReferenceCategory } from '../categories.js'
import type { ModelReferenceProvider } from './provider.js'
import { checkOptions, type KnownOptions } from '../options-check.js'

/** The pending provider's default source id (upstream's `PENDING_SOURCE_ID`). */
export const PENDING_SOURCE = 'pending'

/** Options of {@link createPendingProvider}. */
export interface PendingProviderOptions {
  /** An AI Horde API key with the rights to read the pending queue; sent as `apikey` to the pending route only. */
  readonly apiKey: string
  /** The categories to read pending records of (a typo fails to compile). @default every category */
  readonly categories?: readonly ModelReferenceCategory[] | undefined
  /** How long an answer is fresh, in seconds. @default 60 */
  readonly ttlSeconds?: number | undefined
  /** Its source id. @default {@link PENDING_SOURCE} ('pending') */
  readonly id?: string | undefined
}

/**
 * The PRIMARY's pending (beta) models (upstream's `PendingModelProvider`): `GET
 * {primaryUrl}/model_references/v2/{category}/pending` with the `apikey` header, the supported
 * way to read models not yet approved. The key goes to that route only and appears in no error,
 * event or stored copy. In GitHub-only mode (`primaryUrl: null`) it has nothing to read.
 *
 * @example
 * ```ts
 * import { createPendingProvider } from '@horde-model-reference/core/providers'
 * client.registerProvider(createPendingProvider({ apiKey: myHordeApiKey }))
 * const withBeta = await client.getModelReference('image_generation', { source: ['horde', 'pending'] })
 * ```
 */
export function createPendingProvider(options: PendingProviderOptions): ModelReferenceProvider {
  checkOptions('createPendingProvider', options, { apiKey: 1, categories: 1, ttlSeconds: 1, id: 1 } satisfies KnownOptions<PendingProviderOptions>)
  const { apiKey } = options ?? {}
  if (typeof apiKey !== 'string' || apiKey === '' || /[^\t\x20-\x7e\x80-\xff]/.test(apiKey)) throw new TypeError('createPendingProvider needs an apiKey: a non-empty header value.')
  const provider: ModelReferenceProvider = {
    id: options.id ?? PENDING_SOURCE,
    categories: Object.freeze([...(options.categories ?? MODEL_REFERENCE_CATEGORIES)]),
    ttlSeconds: options.ttlSeconds ?? 60,
    async load(category, { primaryUrl, getJson }) {
      if (primaryUrl === null) throw new Error('The pending models live on the PRIMARY, and primaryUrl is null (GitHub only).')
      const data = await getJson(`${primaryUrl}/model_references/v2/${encodeURIComponent(category)}/pending`, { headers: { apikey: apiKey } })
      // An empty queue may come as [] or {}.
      return Array.isArray(data) && data.length === 0 ? {} : (data as Readonly<Record<string, unknown>>)
    },
  }
  return Object.freeze(provider)
}
