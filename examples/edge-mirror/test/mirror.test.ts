import { describe, expect, it } from 'vitest'
import { createModelReferenceClient, type ModelReferenceClient } from '@horde-model-reference/core'
import { createMirrorHandler } from '../src/mirror.js'
import { useLoopbackServer } from '../../../e2e/hooks.js'

const ctx = useLoopbackServer()

const client = (): ModelReferenceClient => createModelReferenceClient({ primaryUrl: ctx.server.primaryUrl, githubUrl: ctx.server.githubUrl, retries: 0 })
const get = (handler: ReturnType<typeof createMirrorHandler>, path: string, context?: Parameters<ReturnType<typeof createMirrorHandler>>[1]) => handler(new Request(`http://mirror.test${path}`), context)

describe('the edge mirror answers every request with a status and a JSON body', () => {
  it.each(['/api/model_references/v2/%E0%A4%A', '/api/model_references/v2/%', '/api/model_references/v2/metadata/%ZZ/last_updated', '/api/model_references/v2/..%2F..%2Fetc'])(
    'a malformed or unknown path (%s) is a 404 with a JSON body, never a thrown URIError',
    async (path) => {
      const response = await get(createMirrorHandler(client), path)
      expect(response.status).toBe(404)
      expect(response.headers.get('access-control-allow-origin')).toBe('*')
      expect(((await response.json()) as { message: string }).message).toMatch(/Not found/)
    },
  )

  it('a failure underneath (a client that cannot be built) is a 500 with a JSON body', async () => {
    const handler = createMirrorHandler(() => createModelReferenceClient({ ttlSeconds: Number('not a number') }))
    const response = await get(handler, '/api/model_references/v2/blip')
    expect(response.status).toBe(500)
    expect(((await response.json()) as { message: string }).message).toMatch(/ttlSeconds/)
  })

  it('hands each request’s waitUntil to the read it makes (one client per isolate, no global to swap)', async () => {
    const shared = createModelReferenceClient({ primaryUrl: ctx.server.primaryUrl, githubUrl: ctx.server.githubUrl, staleWhileRevalidate: true, ttlSeconds: 0 })
    const handler = createMirrorHandler(() => shared)
    const first: Promise<unknown>[] = []
    const second: Promise<unknown>[] = []
    expect((await get(handler, '/api/model_references/v2/blip', { waitUntil: (p) => first.push(p) })).status).toBe(200)
    expect(first).toHaveLength(1) // the storage write of the download
    expect((await get(handler, '/api/model_references/v2/blip', { waitUntil: (p) => second.push(p) })).headers.get('x-model-reference-status')).toBe('stale')
    expect(second.length).toBeGreaterThanOrEqual(1) // the background refresh this request started
    await Promise.all([...first, ...second])
    expect(ctx.server.count('primary')).toBe(2)
  })
})

describe('the mirror’s last_updated', () => {
  it('moves only when the records change, so that a client behind the mirror revalidates instead of downloading again', async () => {
    const shared = createModelReferenceClient({ primaryUrl: ctx.server.primaryUrl, githubUrl: ctx.server.githubUrl, ttlSeconds: 0 })
    const handler = createMirrorHandler(() => shared)
    const lastUpdated = async (): Promise<number> => ((await (await get(handler, '/api/model_references/v2/metadata/blip/last_updated')).json()) as { last_updated: number }).last_updated
    const first = await lastUpdated()
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    await shared.refresh('blip')
    expect(await lastUpdated()).toBe(first)
  })
})
