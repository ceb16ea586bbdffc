import type { CategoryState, ModelReferenceResult } from '../cache/result.js'
import type { ModelReferenceCategory } from '../categories.js'
import type { ModelReferenceClient } from '../client.js'
import { diffModelReferences, type ModelReferenceDiff } from './diff.js'

/** A real change of a category's records, as {@link watchModelReference} reports it. */
export interface ModelReferenceChange<C extends ModelReferenceCategory = ModelReferenceCategory> {
  /** The category that changed. */
  readonly category: C
  /** What was added, removed and changed (never `equal`). */
  readonly diff: ModelReferenceDiff
  /** The copy before the change. */
  readonly before: ModelReferenceResult<C>
  /** The copy after it. */
  readonly after: ModelReferenceResult<C>
}

/** What {@link watchModelReference} needs of a client (or the manager). */
export type WatchableClient = Pick<ModelReferenceClient, 'peek' | 'subscribe'>

/**
 * Calls `listener` with the diff each time a category's records really change: new data that
 * differs from the copy held before (a refresh, a background revalidation, another tab). A
 * refresh that gives the same records, a copy going stale, a refresh starting or failing: no
 * call. The first copy a client gets is the baseline, not a change (the copy held when you
 * start watching, if any, is the baseline). It reads nothing by itself: pair it with reads, a
 * `refresh`, or `staleWhileRevalidate`. A listener that throws is reported as an `error` event.
 *
 * @example
 * ```ts
 * import { watchModelReference } from '@horde-model-reference/core/diff'
 * const stop = watchModelReference(client, 'image_generation', ({ diff }) => console.log('added', diff.added, 'removed', diff.removed))
 * ```
 * @param client A client or the manager (it uses `peek` and `subscribe`).
 * @param category The category to watch.
 * @param listener Called with each change, synchronously after the new copy lands.
 * @returns A function that stops watching.
 * @throws {TypeError} without a listener function.
 */
export function watchModelReference<C extends ModelReferenceCategory>(client: WatchableClient, category: C, listener: (change: ModelReferenceChange<C>) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('watchModelReference needs a listener function.')
  let baseline = client.peek(category).result as ModelReferenceResult<C> | undefined
  return client.subscribe(category, (state: CategoryState<C>, change) => {
    if (!change.recordsChanged || state.status !== 'success') return
    const after = state.result
    const before = baseline
    baseline = after
    if (before === undefined || before.fingerprint === after.fingerprint) return
    const diff = diffModelReferences(before.models, after.models)
    if (!diff.equal) listener({ category, diff, before, after })
  })
}
