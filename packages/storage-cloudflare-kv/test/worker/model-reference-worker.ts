// A Worker that reads the model reference through KV: the cold-start tests run it in workerd.
import { createModelReferenceClient, isModelReferenceCategory } from '@horde-model-reference/core'
import { createCloudflareKvStorage, type KvNamespaceLike } from '@horde-model-reference/storage-cloudflare-kv'

interface Env {
  KV: KvNamespaceLike
  PRIMARY_URL: string
  GITHUB_URL: string
  TTL_SECONDS: string
}

interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response> {
    const category = new URL(request.url).pathname.slice(1)
    if (!isModelReferenceCategory(category)) return new Response('unknown category', { status: 404 })
    // One client per request: the isolate may be new, and KV is what survives.
    const client = createModelReferenceClient({
      primaryUrl: env.PRIMARY_URL,
      githubUrl: env.GITHUB_URL,
      ttlSeconds: Number(env.TTL_SECONDS),
      staleWhileRevalidate: true,
      retries: 0,
      storage: createCloudflareKvStorage(env.KV),
      waitUntil: (promise) => ctx.waitUntil(promise),
    })
    const result = await client.getModelReferenceResult(category)
    return Response.json({ source: result.source, stale: result.stale, fetchedAt: result.fetchedAt, count: Object.keys(result.models).length })
  },
}
