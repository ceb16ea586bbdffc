import { createModelReferenceClient, type ModelReferenceClient } from '@horde-model-reference/core'
import { createMirrorHandler } from '@horde-model-reference/example-edge-mirror'
import { createCloudflareKvStorage, type KvNamespaceLike } from '@horde-model-reference/storage-cloudflare-kv'

/** The Worker's bindings (see wrangler.toml). */
export interface Env {
  MODEL_REFERENCE: KvNamespaceLike
  PRIMARY_URL?: string
  GITHUB_URL?: string
  TTL_SECONDS?: string
  /**
   * A snapshot to start from (`client.dehydrate()`), as JSON text or a JSON `[vars]` object: a
   * cold isolate with an empty KV answers from it (with a last-resort snapshot, even when every
   * upstream is down). Variables are limited in size (5 KB); a larger snapshot can be imported
   * as a JSON module into this file instead.
   */
  SNAPSHOT?: string | object
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void
}

// One client per isolate: a warm isolate answers from memory, a cold one from KV. Each request
// hands its own `waitUntil` to the read, which keeps that read's background refresh and KV
// write alive after the response.
let client: ModelReferenceClient | undefined

function clientFor(env: Env): ModelReferenceClient {
  client ??= createModelReferenceClient({
    ...(env.SNAPSHOT !== undefined ? { initialData: typeof env.SNAPSHOT === 'string' ? JSON.parse(env.SNAPSHOT) : env.SNAPSHOT } : {}),
    ...(env.PRIMARY_URL ? { primaryUrl: env.PRIMARY_URL } : {}),
    ...(env.GITHUB_URL ? { githubUrl: env.GITHUB_URL } : {}),
    ttlSeconds: env.TTL_SECONDS ? Number(env.TTL_SECONDS) : 300,
    storage: createCloudflareKvStorage(env.MODEL_REFERENCE),
    staleWhileRevalidate: true,
  })
  return client
}

// One handler per isolate too (it remembers when each category's records last changed).
let handler: ReturnType<typeof createMirrorHandler> | undefined

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    handler ??= createMirrorHandler(() => clientFor(env))
    return handler(request, { waitUntil: (promise) => ctx.waitUntil(promise) })
  },
}
