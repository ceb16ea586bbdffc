import type { Query, QueryConfig } from './cache/query.js'
import type { Emit } from './events.js'
import type { NormalizedOptions, WaitUntil } from './options.js'
import type { LoopOptions } from './sources/loader.js'
import type { ReferenceSource } from './sources/source.js'
import type { Transport } from './sources/transport.js'

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
  /** The client's cached value under `key` (the AI Horde's status, say), created on first use with the client's TTL rules. */
  query<T>(key: string, create: () => Omit<QueryConfig<T>, 'freshness'>): Query<T>
  /** The `keepAlive` of a read: its own `waitUntil`, else the client's. */
  keepAlive(waitUntil: WaitUntil | undefined): (promise: Promise<unknown>) => void
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
