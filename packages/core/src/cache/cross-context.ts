import { isModelReferenceCategory, getCategoryDescriptor, type FetchableCategory } from '../categories.js'
import type { LockManagerLike } from '../options.js'

/**
 * What the client shares with other browsing contexts (tabs, windows, workers) of its origin
 * that use the same storage: a lock so that one context at a time downloads a category, and a
 * message when a new copy has been stored.
 */
export interface CrossContext {
  /**
   * Runs `task` holding the named lock (when locks exist), waiting at most `maxWaitMs` for it:
   * a context that never lets go (a frozen tab) costs that wait, never a hung read.
   */
  withLock<T>(name: string, signal: AbortSignal, maxWaitMs: number, task: () => Promise<T>): Promise<T>
  /** Tells the other contexts that a new copy of `category`, fetched at `fetchedAt`, was stored. */
  announce(category: FetchableCategory, fetchedAt: number): void
  /** Starts listening for the other contexts' announcements (once; later calls do nothing). */
  listen(): void
  /** Stops listening and closes the channel. */
  close(): void
}

/** Options of {@link createCrossContext}. */
export interface CrossContextOptions {
  /** The Web Locks to use, or `undefined` for none. */
  readonly locks: LockManagerLike | undefined
  /** The `BroadcastChannel` name, or `false` for none. */
  readonly channelName: string | false
  /** Called when another context stored a new copy. */
  readonly onAnnounce: (category: FetchableCategory, fetchedAt: number) => void
  /** Called when posting a message fails. */
  readonly onError: (error: unknown) => void
}

const MESSAGE_TYPE = 'horde-model-reference:updated'

/** Builds the cross-context link of one client (Web Locks and `BroadcastChannel`, where they exist). */
export function createCrossContext(options: CrossContextOptions): CrossContext {
  const { locks } = options
  // undefined: not opened yet; null: not available or closed.
  let channel: BroadcastChannel | null | undefined
  const open = (): BroadcastChannel | undefined => {
    if (channel === undefined) {
      channel = null
      if (options.channelName !== false && typeof BroadcastChannel === 'function') {
        channel = new BroadcastChannel(options.channelName)
        // In Node a channel would keep the process alive.
        ;(channel as { unref?: () => void }).unref?.()
        channel.onmessage = (event: MessageEvent) => {
          const { type, category, fetchedAt } = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>
          if (type !== MESSAGE_TYPE || !isModelReferenceCategory(category) || typeof fetchedAt !== 'number' || getCategoryDescriptor(category).managedElsewhere) return
          options.onAnnounce(category as FetchableCategory, fetchedAt)
        }
      }
    }
    return channel ?? undefined
  }
  return {
    withLock(name, signal, maxWaitMs, task) {
      if (locks === undefined) return task()
      return new Promise((resolve, reject) => {
        // 'waiting' until the lock is granted, or until the wait is given up ('alone'): a
        // context that never lets go (a frozen tab), a lock manager that refuses (an opaque
        // origin's SecurityError) or ignores its abort signal costs at most `maxWaitMs`.
        let state: 'waiting' | 'granted' | 'alone' = 'waiting'
        const giveUp = new AbortController()
        const settle = (run: boolean): void => {
          clearTimeout(timer)
          signal.removeEventListener('abort', onAbort)
          giveUp.abort()
          if (signal.aborted) return reject(signal.reason)
          if (run) task().then(resolve, reject)
        }
        const goAlone = (): void => {
          if (state !== 'waiting') return
          state = 'alone'
          settle(true)
        }
        const onAbort = (): void => {
          if (state === 'waiting') settle(false)
        }
        const timer = setTimeout(goAlone, maxWaitMs)
        signal.addEventListener('abort', onAbort, { once: true })
        try {
          locks
            .request(name, { signal: giveUp.signal }, async () => {
              // Granted after the wait was given up: let go at once.
              if (state !== 'waiting' || signal.aborted) return
              state = 'granted'
              settle(false)
              try {
                resolve(await task())
              } catch (error) {
                reject(error)
              }
            })
            .catch(goAlone)
        } catch {
          goAlone()
        }
      })
    },
    announce(category, fetchedAt) {
      try {
        open()?.postMessage({ type: MESSAGE_TYPE, category, fetchedAt })
      } catch (error) {
        options.onError(error)
      }
    },
    listen() {
      open()
    },
    close() {
      channel?.close()
      channel = null
    },
  }
}
