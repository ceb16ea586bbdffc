import { afterEach, beforeAll } from 'vitest'
import { useLoopbackServer } from '../../../../e2e/hooks.js'
import type { ReferenceServer } from '../../../../e2e/reference-server.js'
import { createModelReferenceClient, type ImageGenerationModelRecord, type ModelReferenceEvent, type ModelReferenceOptions, type TextGenerationModelRecord } from '../../src/index.js'

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

/**
 * The real image and text records, read once for the file through a client of `ctx`'s server:
 * the arrays are filled in place before the tests run.
 */
export function useRealRecords(ctx: ReturnType<typeof useReferenceServer>): { readonly images: ImageGenerationModelRecord[]; readonly texts: TextGenerationModelRecord[] } {
  const images: ImageGenerationModelRecord[] = []
  const texts: TextGenerationModelRecord[] = []
  beforeAll(async () => {
    const client = ctx.client()
    images.push(...Object.values(await client.getModelReference('image_generation')))
    texts.push(...Object.values(await client.getModelReference('text_generation')))
  })
  return { images, texts }
}

/** The names of records, in order. */
export const names = (records: readonly { name: string }[]): string[] => records.map((r) => r.name)
