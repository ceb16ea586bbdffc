import type { PrefetchStrategy } from './options.js'

/** A handle to run the prefetch of `prefetchStrategy: 'deferred'` when you choose; awaiting it runs it. */
export interface DeferredPrefetchHandle extends PromiseLike<void> {
  /** Loads every category; resolves when all have loaded, rejects if any failed. A second call while one runs shares it. */
  run(): Promise<void>
}

/** What a prefetch strategy gives the client. */
export interface Prefetch {
  /** Settles when the SYNC prefetch has loaded every category (rejects if any failed); already resolved otherwise. */
  readonly ready: Promise<void>
  /** The DEFERRED handle; `undefined` for the other strategies. */
  readonly deferred: DeferredPrefetchHandle | undefined
  /** Cancels a scheduled ASYNC warm-up. */
  cancel(): void
}

const noop = (): void => {}

/**
 * Starts a prefetch strategy: SYNC loads every category now, ASYNC schedules it (its failure
 * goes to `onError`, never to an unhandled rejection), DEFERRED hands out a handle, LAZY and
 * NONE do nothing.
 */
export function startPrefetch(strategy: PrefetchStrategy, loadAll: () => Promise<void>, onError: (error: unknown) => void): Prefetch {
  let ready = Promise.resolve()
  let deferred: DeferredPrefetchHandle | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  if (strategy === 'sync') {
    ready = loadAll()
    // A caller who never awaits `ready` gets no unhandled rejection; one who does still sees it.
    ready.catch(noop)
  } else if (strategy === 'async') {
    timer = setTimeout(() => {
      timer = undefined
      loadAll().catch(onError)
    }, 0)
  } else if (strategy === 'deferred') {
    let running: Promise<void> | undefined
    const run = (): Promise<void> =>
      (running ??= loadAll().finally(() => {
        running = undefined
      }))
    deferred = Object.freeze({
      run,
      then<A = void, B = never>(onFulfilled?: ((value: void) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): PromiseLike<A | B> {
        return run().then(onFulfilled, onRejected)
      },
    })
  }
  return { ready, deferred, cancel: () => clearTimeout(timer) }
}
