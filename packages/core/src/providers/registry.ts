import { providerEnvelopeKey, type CategoryEnvelope } from '../cache/envelope.js'
import type { Query } from '../cache/query.js'
import type { CategoryView, ModelReferenceResult } from '../cache/result.js'
import { ProviderRegistrationError } from '../errors/provider-registration.js'
import { checkProvider, type ModelReferenceProvider, type RegisterProviderOptions } from './provider.js'

/** A provider's copy of one category: its query and how it is shown. */
export interface ProviderEntry {
  readonly query: Query<CategoryEnvelope>
  readonly view: CategoryView
}

/** The last merged result of a read of several sources, with the parts it was merged from. */
export interface MergedResult {
  readonly parts: readonly unknown[]
  readonly result: ModelReferenceResult
}

/**
 * A client's providers (in registration order) and what it keeps for them: the query of each
 * (provider, category) copy and the last merged result of each selection. Registering one is
 * cheap; its reads (`reader.ts`) load on first use.
 */
export class ProviderRegistry {
  // By id: the provider as registered (what getProvider gives back) and the snapshot the client uses.
  readonly #providers = new Map<string, { readonly given: ModelReferenceProvider; readonly used: ModelReferenceProvider }>()
  // By provider id, then category.
  readonly #entries = new Map<string, Map<string, ProviderEntry>>()
  readonly #merged = new Map<string, MergedResult>()
  // Storage writes of providers' copies still in flight, and removals of unregistered
  // providers' copies, by storage key: a removal waits for the writes before it, and a restore
  // of that key waits for the removal, so an unregistered provider's copy never comes back.
  readonly #writes = new Map<string, Promise<unknown>>()
  readonly #removals = new Map<string, Promise<unknown>>()
  readonly #removeStored: (category: string, key: string) => Promise<unknown>
  readonly #keepAlive: (promise: Promise<unknown>) => void
  #disposed: { reason: unknown } | undefined

  /**
   * @param removeStored deletes a stored copy (an unregistered provider's).
   * @param keepAlive keeps a removal alive after a response is sent (the client's `waitUntil`).
   */
  constructor(removeStored: (category: string, key: string) => Promise<unknown>, keepAlive: (promise: Promise<unknown>) => void) {
    this.#removeStored = removeStored
    this.#keepAlive = keepAlive
  }

  /** @throws the reason the client was disposed with, once it was. */
  throwIfDisposed(): void {
    if (this.#disposed !== undefined) throw this.#disposed.reason
  }

  /** @throws {ProviderRegistrationError} for an empty or reserved id, a duplicate (unless `replace`), or something that is not a provider. */
  register(provider: ModelReferenceProvider, options: RegisterProviderOptions = {}): void {
    const used = checkProvider(provider)
    if (this.#providers.has(used.id)) {
      if (options.replace !== true) throw new ProviderRegistrationError(used.id, 'duplicate', 'a provider with this id is registered; pass { replace: true } to replace it.')
      this.#forget(used.id)
    }
    this.#providers.set(used.id, { given: provider, used })
  }

  /** Removes a provider, its queries and its stored copies. @returns whether one was registered under `id`. */
  unregister(id: string): boolean {
    if (!this.#providers.has(id)) return false
    this.#forget(id)
    this.#providers.delete(id)
    return true
  }

  ids(): readonly string[] {
    return Object.freeze([...this.#providers.keys()])
  }

  /** The provider registered under `id`, as it was given. */
  get(id: string): ModelReferenceProvider | undefined {
    return this.#providers.get(id)?.given
  }

  /** What the client reads of the provider registered under `id`: its fields as they were at registration. */
  used(id: string): ModelReferenceProvider | undefined {
    return this.#providers.get(id)?.used
  }

  /** The copy of `category` from `provider`, created on first use by `create`. */
  entry(provider: ModelReferenceProvider, category: string, create: () => ProviderEntry): ProviderEntry {
    // A disposed client starts nothing.
    this.throwIfDisposed()
    let entries = this.#entries.get(provider.id)
    if (entries === undefined) this.#entries.set(provider.id, (entries = new Map()))
    let entry = entries.get(category)
    if (entry === undefined) entries.set(category, (entry = create()))
    return entry
  }

  /** The copy of `category` `id`'s query holds now, if any (for `getModel`'s source keys). */
  copyOf(id: string, category: string): CategoryEnvelope | undefined {
    return this.#entries.get(id)?.get(category)?.query.state.copy?.value
  }

  /** Records a storage write of the copy under `key`, which a removal of that key waits for. */
  trackWrite(key: string, write: Promise<unknown>): void {
    const settled = write.catch(() => undefined)
    this.#writes.set(key, settled)
    void settled.then(() => {
      if (this.#writes.get(key) === settled) this.#writes.delete(key)
    })
  }

  /** Resolves when no removal of `key` is pending (a restore waits for it). */
  async settled(key: string): Promise<void> {
    await this.#removals.get(key)
  }

  /** The last merged result of `category` from the sources `ids`, if its parts are still `parts`; else `merge()`'s, kept for next time. */
  merged(category: string, ids: readonly string[], parts: readonly unknown[], merge: () => ModelReferenceResult): ModelReferenceResult {
    const key = JSON.stringify([category, ...ids])
    const last = this.#merged.get(key)
    if (last !== undefined && last.parts.length === parts.length && last.parts.every((part, index) => part === parts[index])) return last.result
    const result = merge()
    // Not kept for a selection that names a provider unregistered meanwhile.
    if (ids.every((id) => id === 'horde' || this.#providers.has(id))) this.#merged.set(key, { parts, result })
    return result
  }

  /** Marks every provider's copy of `category` as expired at `at`. */
  invalidate(category: string, at: number): void {
    for (const entries of this.#entries.values()) entries.get(category)?.query.dispatch({ type: 'invalidate', at })
  }

  /** Ends every provider's queries (the client was disposed). */
  dispose(reason: unknown): void {
    this.#disposed = { reason }
    for (const entries of this.#entries.values()) for (const { query } of entries.values()) query.dispose(reason)
  }

  // A provider replaced or removed: its queries end, merged results it was part of are dropped
  // and its stored copies are deleted.
  #forget(id: string): void {
    const reason = new DOMException(`Provider "${id}" was unregistered.`, 'AbortError')
    for (const { query } of this.#entries.get(id)?.values() ?? []) query.dispose(reason)
    this.#entries.delete(id)
    for (const key of this.#merged.keys()) if ((JSON.parse(key) as string[]).slice(1).includes(id)) this.#merged.delete(key)
    for (const category of this.#providers.get(id)?.used.categories ?? []) {
      const key = providerEnvelopeKey(id, category)
      const removal = Promise.resolve(this.#writes.get(key))
        .then(() => this.#removeStored(category, key))
        .catch(() => undefined)
      this.#removals.set(key, removal)
      this.#keepAlive(removal)
      void removal.then(() => {
        if (this.#removals.get(key) === removal) this.#removals.delete(key)
      })
    }
  }
}
