import type { Persistence } from './cache/persistence.js'
import type { Freshness, Query, QueryConfig } from './cache/query.js'
import type { ModelReferenceResult, ReadOptions } from './cache/result.js'
import type { ProviderRegistry } from './providers/registry.js'
import type { FetchableCategory, ModelReferenceCategory } from './categories.js'
import type { SourceName } from './errors/sources-unavailable.js'
import type { Emit } from './events.js'
import type { NormalizedOptions, WaitUntil } from './options.js'
import { SourceFailure } from './sources/failure.js'
import { firstSuccess, type Candidate, type LoopOptions } from './sources/loader.js'
import { emptyIsValid, type ReferenceSource } from './sources/source.js'
import type { FetchedBody, Transport } from './sources/transport.js'

/**
 * What the feature entry points (`/popular`, `/legacy`, `/raw`) use of a client: the parts it
 * built once, so that a feature never rebuilds transport, sources or cache rules.
 */
export interface ClientInternals {
  readonly options: NormalizedOptions
  readonly transport: Transport
  readonly sources: readonly ReferenceSource[]
  readonly loop: LoopOptions
  readonly emit: Emit
  /** The client's cached value under `key` (the AI Horde's status, say), created on first use with the client's TTL rules (or `freshness` of its own). */
  query<T>(key: string, create: () => Omit<QueryConfig<T>, 'freshness'> & { readonly freshness?: Freshness }): Query<T>
  /** The `keepAlive` of a read: its own `waitUntil`, else the client's. */
  keepAlive(waitUntil: WaitUntil | undefined): (promise: Promise<unknown>) => void
  /** Resolves when `category` is one this client reads (the SDK's, or one its server lists, asked once). @throws {UnknownCategoryError} */
  knowCategory(category: string, options: Pick<ReadOptions, 'signal'>): Promise<void>
  // What the parts loaded on first use (providers' reads, the server's categories) work with.
  readonly freshness: Freshness
  readonly persistence: Persistence
  readonly providers: ProviderRegistry
  /** Categories this client's server listed that the SDK does not know. */
  readonly serverCategories: Set<string>
  readCanonical(category: ModelReferenceCategory, options: ReadOptions): Promise<ModelReferenceResult>
  refreshCanonical(category: ModelReferenceCategory, options: ReadOptions): Promise<ModelReferenceResult>
}

const INTERNALS = new WeakMap<object, ClientInternals>()

/** Records the internals of a client (its constructor calls this). */
export function setInternals(client: object, internals: ClientInternals): void {
  INTERNALS.set(client, internals)
}

/**
 * The internals of a client or manager.
 *
 * @throws {TypeError} when `client` is not one.
 */
export function getInternals(client: unknown): ClientInternals {
  const internals = typeof client === 'object' && client !== null ? INTERNALS.get(client) : undefined
  if (internals === undefined) throw new TypeError('Expected a client from createModelReferenceClient() or a ModelReferenceManager.')
  return internals
}

/**
 * Reads one document from the first of `targets` that supplies it, through the client's
 * transport and source loop (order, fallback, deadline, retries): what the feature entry points
 * share. A 404 for a category with no GitHub source is `read(undefined)` (upstream's empty
 * category); a `SourceFailure` from `read` fails that source only.
 */
export function fetchFirst<T>(
  internals: ClientInternals,
  category: FetchableCategory,
  targets: readonly (readonly [SourceName, string])[],
  read: (body: FetchedBody | undefined, source: SourceName, url: string) => T,
  signal: AbortSignal | undefined,
): Promise<T> {
  const candidates = targets.map(([id, url]): Candidate<T> => ({
    id,
    url,
    async run(context) {
      let body: FetchedBody | undefined
      try {
        body = await internals.transport.get({ category, source: id, url, ...context })
      } catch (error) {
        if (!(error instanceof SourceFailure && error.status === 404 && emptyIsValid(category))) throw error
      }
      return read(body, id, url)
    },
  }))
  return firstSuccess(category, candidates, signal, internals.loop)
}
