import { ProviderRegistrationError } from '../errors/provider-registration.js'

/** The canonical data's source id. */
export const HORDE_SOURCE = 'horde'
/** Every source: the canonical data first, then every provider in registration order. */
export const ANY_SOURCE = 'any'

// Ids a provider cannot take: the selectors, and the sources counters and events already name.
const RESERVED_SOURCES: readonly string[] = [HORDE_SOURCE, ANY_SOURCE, 'primary', 'github', 'horde-api', 'storage']

/** A provider's answer: its records keyed by name, or a list of records (each with its `name`). */
export type ProviderRecords = Readonly<Record<string, unknown>> | readonly unknown[]

/** What a provider's `load` is given. */
export interface ProviderContext {
  /** Aborted when the read's readers all left, its deadline passed or the client was disposed. */
  readonly signal: AbortSignal
  /** The client's `primaryUrl` (`null` in GitHub-only mode). */
  readonly primaryUrl: string | null
  /**
   * GETs a URL through the client's transport (its per-request deadline, body limit and
   * `Client-Agent`; `request`/`response` events name this provider) and parses the JSON body.
   * `headers` go with this request only and appear in no error or event.
   *
   * @param url An absolute URL.
   * @param options `headers` for this request only (an API key, for instance).
   * @throws the same failures as any source request, with their kind and status.
   */
  getJson(url: string, options?: { readonly headers?: Readonly<Record<string, string>> }): Promise<unknown>
}

/**
 * A source of model records of an application's own, read next to the canonical Horde data
 * (upstream's `ModelProvider`). The SDK validates what it gives, record by record, with the
 * category's schema, and caches it like the canonical data (TTL, one load for concurrent
 * readers, the last good copy served when it fails, never a worse copy, persisted through the
 * client's storage).
 *
 * @example
 * ```ts
 * const provider: ModelReferenceProvider = {
 *   id: 'my-lab',
 *   categories: ['image_generation'],
 *   load: async (category, { signal }) => (await fetch(`https://models.example/${category}.json`, { signal })).json(),
 * }
 * client.registerProvider(provider)
 * ```
 */
export interface ModelReferenceProvider {
  /** Its source id: not empty, and none of `horde`, `any`, `primary`, `github`, `horde-api`, `storage`. */
  readonly id: string
  /** The categories it serves. */
  readonly categories: readonly string[]
  /** How long its records are fresh, in seconds. @default the client's `ttlSeconds` */
  readonly ttlSeconds?: number | undefined
  /**
   * Loads a category's records. A throw is a failure of this provider only.
   * @param category One of its `categories`.
   * @param context The read's `signal`, the client's `primaryUrl`, and `getJson` through the client's transport.
   * @returns The records keyed by name, or a list of records with their `name` (raw objects: the SDK validates them).
   */
  load(category: string, context: ProviderContext): Promise<ProviderRecords>
}

/** Options of `registerProvider`. */
export interface RegisterProviderOptions {
  /** Replace a provider registered under the same id (its cached copies are dropped). @default false */
  readonly replace?: boolean | undefined
}

/**
 * Checks a provider's shape and id before it is registered, and returns what the client keeps
 * of it: a frozen snapshot of its fields, read once (so a provider object changed later cannot
 * change where its copies are filed), its `load` still called on the provider.
 *
 * @throws {ProviderRegistrationError}
 */
export function checkProvider(provider: ModelReferenceProvider): ModelReferenceProvider {
  const candidate = provider as Partial<ModelReferenceProvider> | null
  if (typeof candidate !== 'object' || candidate === null) throw new ProviderRegistrationError(candidate, 'invalid', 'a provider is an object with id, categories and load().')
  let fields: Partial<ModelReferenceProvider>
  try {
    const { id, categories, load, ttlSeconds } = candidate
    fields = { id, categories: Array.isArray(categories) ? [...categories] : categories, load, ttlSeconds }
  } catch (error) {
    throw new ProviderRegistrationError(undefined, 'invalid', `its fields cannot be read (${error instanceof Error ? error.message : String(error)}).`)
  }
  const { id, categories, load, ttlSeconds } = fields
  if (typeof id !== 'string' || id.trim() === '') throw new ProviderRegistrationError(id, 'empty', 'its id must be a non-empty string.')
  if (RESERVED_SOURCES.includes(id)) throw new ProviderRegistrationError(id, 'reserved', `${RESERVED_SOURCES.map((name) => `"${name}"`).join(', ')} are reserved source ids (the canonical data, every source, and the SDK's own sources, which counters and events name).`)
  if (!Array.isArray(categories) || !categories.every((category) => typeof category === 'string')) throw new ProviderRegistrationError(id, 'invalid', 'categories must be a list of category names.')
  if (typeof load !== 'function') throw new ProviderRegistrationError(id, 'invalid', 'load(category, context) must be a function.')
  if (ttlSeconds !== undefined && !(typeof ttlSeconds === 'number' && ttlSeconds >= 0 && ttlSeconds <= Number.MAX_SAFE_INTEGER)) {
    throw new ProviderRegistrationError(id, 'invalid', 'ttlSeconds must be a finite number >= 0.')
  }
  return Object.freeze({
    id,
    categories: Object.freeze(categories),
    ...(ttlSeconds !== undefined && { ttlSeconds }),
    load: (category: string, context: ProviderContext) => load.call(provider, category, context),
  })
}
