import { createGuard, HordeModelReferenceError } from './base.js'

/** Thrown by reads under `prefetchStrategy: 'none'` when nothing is cached for the category. */
export class NotCachedError extends HordeModelReferenceError {
  /** The category that was read. */
  readonly category: string

  /** Thrown by the SDK's cache-only reads; the message names the category. */
  constructor(category: string) {
    super(
      'NOT_CACHED',
      `Nothing is cached for category "${category}" and prefetchStrategy is "none", so reads never fetch. ` +
        `Call refresh(${JSON.stringify(category)}) (or refresh() for every category) first.`,
    )
    this.category = category
  }
}

/** `true` when `error` is a {@link NotCachedError}, from any realm. */
export const isNotCachedError = createGuard<NotCachedError>('NotCachedError')
