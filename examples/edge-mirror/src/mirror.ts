import {
  isHordeModelReferenceError,
  isModelReferenceCategory,
  isSourcesUnavailableError,
  type ModelReferenceClient,
  type ModelReferenceResult,
} from '@horde-model-reference/core'

/** Options of {@link createMirrorHandler}. */
export interface MirrorOptions {
  /**
   * How long browsers and CDNs may keep a fresh answer, in seconds (never longer than the
   * copy stays fresh).
   * @default 60
   */
  maxAgeSeconds?: number
}

// Open CORS: the point of the mirror is to serve origins the primary's allow-list refuses.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  'access-control-allow-headers': '*',
  'access-control-expose-headers': 'ETag, X-Model-Reference-Status, X-Model-Reference-Source, X-Model-Reference-Fetched-At',
  'access-control-max-age': '86400',
} as const

const CATEGORY_ROUTE = /^\/api\/model_references\/v2\/([^/]+)\/?$/
const LAST_UPDATED_ROUTE = /^\/api\/model_references\/v2\/metadata\/([^/]+)\/last_updated\/?$/

interface Rendered {
  readonly body: string
  readonly etag: string
}

// One JSON body and ETag per copy of a category (the client hands out the same frozen
// `models` object until the data changes), so that a hot isolate serializes nothing.
const rendered = new WeakMap<object, Promise<Rendered>>()

async function render(result: ModelReferenceResult): Promise<Rendered> {
  let pending = rendered.get(result.models)
  if (pending === undefined) {
    pending = (async () => {
      const body = JSON.stringify(result.models)
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))
      const hex = [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')
      return { body, etag: `"${hex}"` }
    })()
    rendered.set(result.models, pending)
  }
  return pending
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), { status, headers: { ...CORS, 'content-type': 'application/json; charset=utf-8', ...headers } })
}

/** What the platform gives a handler per request. */
export interface MirrorRequestContext {
  /** Keeps background work (a refresh, a storage write) alive after the response: a Worker's `ctx.waitUntil.bind(ctx)`. */
  readonly waitUntil?: (promise: Promise<unknown>) => void
}

function decodeCategory(path: string): string | undefined {
  const match = (LAST_UPDATED_ROUTE.exec(path) ?? CATEGORY_ROUTE.exec(path))?.[1]
  if (match === undefined) return undefined
  try {
    return decodeURIComponent(match)
  } catch {
    // A malformed percent-escape (`/v2/%E0%A4%A`) names no category.
    return undefined
  }
}

/**
 * A fetch handler that serves the model reference the way the PRIMARY does, from the SDK's
 * cache: `GET /api/model_references/v2/{category}` (and `.../metadata/{category}/last_updated`),
 * with open CORS, `Cache-Control`, an `ETag` (a matching `If-None-Match` gets 304), and
 * `X-Model-Reference-Status: fresh | stale` plus `X-Model-Reference-Source`. When upstream is
 * down it keeps serving the last good copy (stale) for as long as the client allows.
 *
 * A web app whose origin the primary's CORS refuses can set `primaryUrl` to
 * `https://<mirror>/api`.
 */
export function createMirrorHandler(getClient: () => ModelReferenceClient, options: MirrorOptions = {}): (request: Request, context?: MirrorRequestContext) => Promise<Response> {
  const maxAgeSeconds = options.maxAgeSeconds ?? 60
  // Per category: the records' ETag and when they were first served with it.
  const changedAt = new Map<string, { etag: string; seconds: number }>()
  const handle = async (request: Request, context: MirrorRequestContext): Promise<Response> => {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS })
    if (request.method !== 'GET' && request.method !== 'HEAD') return json(405, { message: 'Only GET, HEAD and OPTIONS.' }, { allow: 'GET, HEAD, OPTIONS' })
    const path = new URL(request.url).pathname
    const metadata = LAST_UPDATED_ROUTE.test(path)
    const category = decodeCategory(path)
    if (category === undefined || !isModelReferenceCategory(category)) {
      return json(404, { message: 'Not found. Try /api/model_references/v2/{category}, for example /api/model_references/v2/image_generation.' })
    }
    const client = getClient()
    let result: ModelReferenceResult
    try {
      result = await client.getModelReferenceResult(category, context.waitUntil === undefined ? {} : { waitUntil: context.waitUntil })
    } catch (error) {
      if (isSourcesUnavailableError(error)) return json(503, { message: error.message, attempts: error.attempts }, { 'retry-after': '30' })
      if (isHordeModelReferenceError(error)) return json(503, { message: error.message })
      throw error
    }
    const status = result.stale ? 'stale' : 'fresh'
    const headers: Record<string, string> = {
      ...CORS,
      'x-model-reference-status': status,
      'x-model-reference-source': result.source,
      'x-model-reference-fetched-at': new Date(result.fetchedAt).toISOString(),
      // A snapshot served because every upstream failed, whatever its age.
      ...(result.lastResort === true && { 'x-model-reference-last-resort': 'true' }),
    }
    const { body, etag } = await render(result)
    if (metadata) {
      // When this mirror's records last changed, in Unix seconds: a client compares it with its
      // own copy's, so it must not move when the same records are merely renewed.
      let changed = changedAt.get(category)
      if (changed?.etag !== etag) changedAt.set(category, (changed = { etag, seconds: Math.floor(result.fetchedAt / 1000) }))
      return json(200, { category, last_updated: changed.seconds }, { ...headers, 'cache-control': 'no-cache' })
    }
    const fresh = Math.max(0, Math.min(maxAgeSeconds, Math.floor((result.fetchedAt + client.options.ttlSeconds * 1000 - Date.now()) / 1000)))
    headers['cache-control'] = result.stale ? 'no-cache' : `public, max-age=${fresh}`
    headers.etag = etag
    if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers })
    headers['content-type'] = 'application/json; charset=utf-8'
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers })
  }
  // Every request gets a status and a body, whatever fails underneath.
  return async (request, context = {}) => {
    try {
      return await handle(request, context)
    } catch (error) {
      return json(500, { message: `The mirror failed: ${error instanceof Error ? error.message : String(error)}` })
    }
  }
}
