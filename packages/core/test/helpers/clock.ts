import { afterEach, beforeEach, vi } from 'vitest'

/**
 * Fakes only `Date` for each test of the file, starting at a fixed instant: the loopback server
 * and ky's timers stay real, while TTL and staleness (decided from `Date.now`) move with
 * `advance`, so that no test sleeps for real seconds.
 */
export function useFakeClock(): { advance(seconds: number): void } {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-27T12:00:00Z'))
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })
  return {
    advance(seconds) {
      vi.setSystemTime(Date.now() + seconds * 1000)
    },
  }
}
