import { afterEach } from 'vitest'
import { useLoopbackServer } from '../../../../e2e/hooks.js'
import type { ReferenceServer } from '../../../../e2e/reference-server.js'
import { createModelReferenceClient, type ModelReferenceEvent, type ModelReferenceOptions } from '../../src/index.js'

/** A loopback reference server for the test file (see `useLoopbackServer`), with clients that use it and record their events. */
export function useReferenceServer(): { readonly server: ReferenceServer; client(options?: ModelReferenceOptions): ReturnType<typeof createModelReferenceClient>; events: ModelReferenceEvent[] } {
  const loopback = useLoopbackServer()
  const events: ModelReferenceEvent[] = []
  afterEach(() => {
    events.length = 0
  })
  return {
    get server() {
      return loopback.server
    },
    events,
    client(options = {}) {
      return createModelReferenceClient({
        primaryUrl: loopback.server.primaryUrl,
        githubUrl: loopback.server.githubUrl,
        timeoutMs: 2_000,
        onEvent: (event) => events.push(event),
        ...options,
      })
    },
  }
}
