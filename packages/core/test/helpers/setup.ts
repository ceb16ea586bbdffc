import { afterAll, afterEach, beforeAll } from 'vitest'
import { startReferenceServer, type ReferenceServer } from '../../../../e2e/reference-server.js'
import { createModelReferenceClient, type ModelReferenceEvent, type ModelReferenceOptions } from '../../src/index.js'

/** Starts one loopback reference server for the test file and resets its faults after each test. */
export function useReferenceServer(): { readonly server: ReferenceServer; client(options?: ModelReferenceOptions): ReturnType<typeof createModelReferenceClient>; events: ModelReferenceEvent[] } {
  let server: ReferenceServer | undefined
  const events: ModelReferenceEvent[] = []
  beforeAll(async () => {
    server = await startReferenceServer()
  })
  afterEach(() => {
    server?.reset()
    events.length = 0
  })
  afterAll(async () => {
    await server?.close()
  })
  return {
    get server() {
      return server!
    },
    events,
    client(options = {}) {
      return createModelReferenceClient({
        primaryUrl: server!.primaryUrl,
        githubUrl: server!.githubUrl,
        timeoutMs: 2_000,
        onEvent: (event) => events.push(event),
        ...options,
      })
    },
  }
}
