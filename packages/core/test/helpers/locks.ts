import type { LockManagerLike } from '../../src/index.js'

/**
 * An in-process stand-in for `navigator.locks` (Node has none): one holder per name at a
 * time, in request order. Real Chromium's Web Locks are exercised by the browser end-to-end tests.
 */
export function createInProcessLocks(): LockManagerLike & { readonly granted: string[] } {
  const tails = new Map<string, Promise<unknown>>()
  const granted: string[] = []
  return {
    granted,
    request<T>(name: string, _options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T> {
      const previous = tails.get(name) ?? Promise.resolve()
      const run = previous.then(() => {
        granted.push(name)
        return callback()
      })
      tails.set(name, run.catch(() => undefined))
      return run
    },
  }
}
