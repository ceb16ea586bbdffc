import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { fixtureBytes } from './fixtures.js'

/** A fault the server plays instead of its normal answer. */
export type Fault =
  /** Answer with this status (and optional body and headers). */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Answer 200 with this body (text, or bytes such as a gzip stream) and content type. */
  | { kind: 'body'; body: string | Buffer; contentType?: string; status?: number; headers?: Record<string, string> }
  /** Never answer. */
  | { kind: 'hang' }
  /** Send headers, then part of the body, then never finish. */
  | { kind: 'hang-body' }
  /** Destroy the connection without an answer. */
  | { kind: 'reset' }
  /** Send headers and half the body, then destroy the connection. */
  | { kind: 'truncate' }
  /** Send the normal body in small chunks, `intervalMs` apart. */
  | { kind: 'trickle'; intervalMs: number; chunks?: number }

/** One request the server received. */
export interface LoggedRequest {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** The query string, with its `?` (`''` when none). */
  readonly search: string
  /** `'primary'` for /api paths, `'github'` for the raw-file paths, `'horde-api'` for the AI Horde's, `'other'` otherwise. */
  readonly source: 'primary' | 'github' | 'horde-api' | 'other'
  /** `'metadata'` for the primary's `/v2/metadata/...` routes, `'categories'` for `model_categories`, `'pending'` for a pending route, `'data'` otherwise. */
  readonly kind: 'data' | 'metadata' | 'categories' | 'pending'
}

/**
 * What the imitated AI Horde public API answers (`{hordeApiUrl}/v2/...`), set by a test: the
 * bodies are the test's, written by hand from the API's documented shapes (none is captured from
 * the live service). A route left out answers 404.
 */
export interface HordeApiAnswers {
  /** `GET /v2/status/models?type=image|text`: `[{ name, count, jobs, performance, queued, eta, type }]`. */
  readonly status?: { readonly image?: unknown; readonly text?: unknown }
  /** `GET /v2/stats/img/models`, `/v2/stats/text/models`: `{ day: { name: n }, month, total }`. */
  readonly stats?: { readonly img?: unknown; readonly text?: unknown }
  /** `GET /v2/workers?type=image|text`: `[WorkerDetails: { type, name, id, online, trusted, uptime, performance, models, ... }]`. */
  readonly workers?: { readonly image?: unknown; readonly text?: unknown }
}

/** A fault applied to matching paths: each time, or only the first `times` requests. */
interface FaultRule {
  readonly match: (path: string) => boolean
  readonly fault: Fault
  remaining: number
}

const V2_FILES: Record<string, string> = {
  image_generation: 'derived-v2/stable_diffusion.json',
  text_generation: 'derived-v2/text_generation.json',
}
// Categories with no records upstream (no legacy file): the primary answers `{}`.
const EMPTY_V2 = new Set(['controlnet_annotator', 'video_generation', 'audio_generation', 'lora', 'ti'])
/** What the imitated PRIMARY answers for `last_updated` unless told otherwise (2026-06-21, Unix seconds). */
export const DEFAULT_LAST_UPDATED = 1_782_000_000

/** The `apikey` the imitated PRIMARY's pending route accepts. */
export const PENDING_API_KEY = 'test-pending-key'

/**
 * A category the imitated PRIMARY lists and serves that the SDK does not know (a newer upstream).
 * Its records are written here by hand: the real data has no such category.
 */
// Typed as a plain string, as a name read from the server's list is: a literal the SDK does not
// know is a compile error.
export const SERVER_ONLY_CATEGORY: string = 'rendered_3d_generation'
const SERVER_ONLY_RECORDS = {
  'Mesh Maker': { name: 'Mesh Maker', record_type: SERVER_ONLY_CATEGORY, description: 'Text to mesh', model_classification: { domain: 'rendered_3d', purpose: 'generation' }, config: { download: [] } },
  'Voxel Forge': { name: 'Voxel Forge', model_classification: { domain: 'rendered_3d', purpose: 'generation' } },
}

/**
 * The pending (beta) image models the imitated PRIMARY holds, written here by hand after the
 * documented v2 shape (the fixtures have no pending queue): one new model, and one that shares a
 * name with a canonical model.
 */
export const PENDING_IMAGE_RECORDS = {
  'Beta Diffusion XL': { name: 'Beta Diffusion XL', baseline: 'stable_diffusion_xl', nsfw: false, version: '0.1', config: { download: [] } },
  'AlbedoBase XL (SDXL)': { name: 'AlbedoBase XL (SDXL)', baseline: 'stable_diffusion_xl', nsfw: false, version: 'beta-next', config: { download: [] } },
}

const FETCHABLE_CATEGORIES = ['blip', 'clip', 'codeformer', 'controlnet', 'controlnet_annotator', 'esrgan', 'gfpgan', 'safety_checker', 'image_generation', 'text_generation', 'video_generation', 'audio_generation', 'miscellaneous']
const IMAGE_REPO = 'AI-Horde-image-model-reference'
const TEXT_REPO = 'AI-Horde-text-model-reference'

/** A loopback imitation of the PRIMARY API (serving derived-v2/) and GitHub raw (serving legacy/). */
export interface ReferenceServer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string
  /** The `primaryUrl` option for this server. */
  readonly primaryUrl: string
  /** The `githubUrl` option for this server. */
  readonly githubUrl: string
  /** The `hordeApiUrl` option for this server's AI Horde imitation. */
  readonly hordeApiUrl: string
  /** Sets what the AI Horde imitation answers (until `reset()`). */
  setHordeApi(answers: HordeApiAnswers): void
  /** Every request received, in order. */
  readonly requests: LoggedRequest[]
  /** Plays `fault` for requests whose path matches (a string matches a path ending with it); `times` limits how often. */
  fault(match: string | RegExp | ((path: string) => boolean), fault: Fault, times?: number): void
  /** Faults every primary request. */
  primaryDown(fault?: Fault): void
  /** Faults every GitHub request. */
  githubDown(fault?: Fault): void
  /**
   * Whether the primary answers with CORS headers (it does by default). Off imitates the real
   * primary's allow-list refusing the page's origin; GitHub raw always allows every origin.
   */
  setPrimaryCors(allowed: boolean): void
  /** Removes every fault, restores CORS and clears the log. */
  reset(): void
  /** Data requests (not metadata) whose source is `source`. */
  count(source: 'primary' | 'github'): number
  /** Requests to the primary's `last_updated` route. */
  countMetadata(): number
  /** Sets what `/v2/metadata/{category}/last_updated` answers (Unix seconds); the default is {@link DEFAULT_LAST_UPDATED}. */
  setLastUpdated(category: string, lastUpdated: number): void
  close(): Promise<void>
}

function normalBody(path: string, lastUpdated: ReadonlyMap<string, number>, headers: IncomingMessage['headers'] = {}): { body: Buffer; contentType: string; status?: number } | undefined {
  const json = (value: unknown, status?: number) => ({ body: Buffer.from(JSON.stringify(value)), contentType: 'application/json', ...(status !== undefined && { status }) })
  // As upstream: every category not managed elsewhere, and here one the SDK does not know.
  if (path === '/api/model_references/v2/model_categories') return json([...FETCHABLE_CATEGORIES, SERVER_ONLY_CATEGORY])
  if (path === `/api/model_references/v2/${SERVER_ONLY_CATEGORY}`) return json(SERVER_ONLY_RECORDS)
  const pending = /^\/api\/model_references\/v2\/([^/]+)\/pending$/.exec(path)
  if (pending) {
    if (headers.apikey !== PENDING_API_KEY) return json({ message: 'A valid apikey is needed to read the pending queue.' }, 401)
    return json(decodeURIComponent(pending[1]!) === 'image_generation' ? PENDING_IMAGE_RECORDS : {})
  }
  const metadata = /^\/api\/model_references\/v2\/metadata\/([^/]+)\/last_updated$/.exec(path)
  if (metadata) {
    const category = decodeURIComponent(metadata[1]!)
    return { body: Buffer.from(JSON.stringify({ category, last_updated: lastUpdated.get(category) ?? DEFAULT_LAST_UPDATED })), contentType: 'application/json' }
  }
  // A category's metadata, as a PRIMARY keeps it (the fixtures have none: written here).
  const categoryMetadata = /^\/api\/model_references\/v2\/metadata\/([^/]+)$/.exec(path)
  if (categoryMetadata && categoryMetadata[1] !== 'last_updated' && categoryMetadata[1] !== 'metadata') {
    const category = decodeURIComponent(categoryMetadata[1]!)
    const at = lastUpdated.get(category) ?? DEFAULT_LAST_UPDATED
    return json({ category, last_updated: at, last_operation_type: 'update', last_operation_model: null, total_creates: 3, total_updates: 5, total_deletes: 0, total_models: 3, initialization_time: at - 86_400, last_successful_operation: at, error_count: 0, metadata_schema_version: '1.0.0', backend_type: 'FileSystemBackend' })
  }
  // The primary's legacy shape: the GitHub files as they are (text: db.json); lora/ti are {},
  // and a category with no records is a 404.
  const v1 = /^\/api\/model_references\/v1\/([^/]+)$/.exec(path)
  if (v1) {
    const category = decodeURIComponent(v1[1]!)
    if (category === 'lora' || category === 'ti') return { body: Buffer.from('{}'), contentType: 'application/json' }
    const file = category === 'image_generation' ? 'legacy/stable_diffusion.json' : category === 'text_generation' ? 'legacy/text/db.json' : `legacy/${category}.json`
    try {
      return { body: fixtureBytes(file), contentType: 'application/json' }
    } catch {
      return undefined
    }
  }
  const primary = /^\/api\/model_references\/v2\/([^/]+)$/.exec(path)
  if (primary) {
    const category = decodeURIComponent(primary[1]!)
    if (EMPTY_V2.has(category)) return { body: Buffer.from('{}'), contentType: 'application/json' }
    const file = V2_FILES[category] ?? `derived-v2/${category}.json`
    try {
      return { body: fixtureBytes(file), contentType: 'application/json' }
    } catch {
      return undefined
    }
  }
  const github = /^\/([^/]+)\/([^/]+)\/(?:refs\/heads\/[^/]+|[0-9a-f]{7,40})\/([^/]+)$/i.exec(path)
  if (github) {
    const [, , repo, file] = github
    // Raw GitHub serves everything as text/plain.
    if (repo === IMAGE_REPO && file!.endsWith('.json')) {
      try {
        return { body: fixtureBytes(`legacy/${file}`), contentType: 'text/plain; charset=utf-8' }
      } catch {
        return undefined
      }
    }
    if (repo === TEXT_REPO && file === 'models.csv') return { body: fixtureBytes('legacy/text/models.csv'), contentType: 'text/plain; charset=utf-8' }
    if (repo === TEXT_REPO && file === 'db.json') return { body: fixtureBytes('legacy/text/db.json'), contentType: 'text/plain; charset=utf-8' }
  }
  return undefined
}

const HORDE_API = '/horde/api'

// The AI Horde imitation's answer for `url`, or undefined (a 404).
function hordeBody(url: URL, answers: HordeApiAnswers): unknown {
  const route = url.pathname.slice(HORDE_API.length)
  const type = url.searchParams.get('type')
  const pick = (table: Readonly<Record<string, unknown>> | undefined, key: string | null): unknown => (table !== undefined && key !== null && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined)
  if (route === '/v2/status/models') return pick(answers.status, type)
  if (route === '/v2/workers') return pick(answers.workers, type)
  if (route === '/v2/stats/img/models') return answers.stats?.img
  if (route === '/v2/stats/text/models') return answers.stats?.text
  return undefined
}

function sourceOf(path: string): LoggedRequest['source'] {
  if (path.startsWith(`${HORDE_API}/`)) return 'horde-api'
  if (path.startsWith('/api/')) return 'primary'
  if (path.includes(IMAGE_REPO) || path.includes(TEXT_REPO)) return 'github'
  return 'other'
}

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startReferenceServer(): Promise<ReferenceServer> {
  const requests: LoggedRequest[] = []
  const lastUpdated = new Map<string, number>()
  let primaryCors = true
  let hordeAnswers: HordeApiAnswers = {}
  let rules: FaultRule[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<ReturnType<typeof setTimeout>>()

  const play = (fault: Fault, path: string, req: IncomingMessage, res: ServerResponse): void => {
    const normal = normalBody(path, lastUpdated)
    switch (fault.kind) {
      case 'status':
        res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers })
        res.end(fault.body ?? '')
        return
      case 'body':
        res.writeHead(fault.status ?? 200, { 'content-type': fault.contentType ?? 'application/json', ...fault.headers })
        res.end(fault.body)
        return
      case 'hang':
        return
      case 'hang-body':
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{"partial": ')
        return
      case 'reset':
        req.socket.destroy()
        return
      case 'truncate': {
        const body = normal?.body ?? Buffer.from('{"a": 1}')
        res.writeHead(200, { 'content-type': normal?.contentType ?? 'application/json', 'content-length': String(body.length) })
        res.write(body.subarray(0, Math.floor(body.length / 2)))
        setImmediate(() => req.socket.destroy())
        return
      }
      case 'trickle': {
        const body = normal?.body ?? Buffer.from('{}')
        const chunks = fault.chunks ?? 10
        const size = Math.ceil(body.length / chunks)
        res.writeHead(200, { 'content-type': normal?.contentType ?? 'application/json' })
        let offset = 0
        const next = (): void => {
          if (res.destroyed) return
          res.write(body.subarray(offset, offset + size))
          offset += size
          if (offset >= body.length) {
            res.end()
            return
          }
          const timer = setTimeout(next, fault.intervalMs)
          timers.add(timer)
        }
        next()
        return
      }
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const path = url.pathname
    if (sourceOf(path) === 'github' || sourceOf(path) === 'horde-api' || (sourceOf(path) === 'primary' && primaryCors)) {
      res.setHeader('access-control-allow-origin', '*')
      res.setHeader('access-control-expose-headers', 'etag')
    }
    if (req.method === 'OPTIONS') {
      // A preflight: only the primary allows request headers (such as Client-Agent), as upstream.
      if (sourceOf(path) === 'primary' && primaryCors) res.setHeader('access-control-allow-headers', '*')
      res.writeHead(204)
      res.end()
      return
    }
    const kind = path.includes('/v2/metadata/') ? 'metadata' : path.endsWith('/model_categories') ? 'categories' : path.endsWith('/pending') ? 'pending' : 'data'
    requests.push({ method: req.method ?? 'GET', path, search: url.search, headers: { ...req.headers }, source: sourceOf(path), kind })
    const rule = rules.find((r) => r.remaining > 0 && r.match(path))
    if (rule) {
      rule.remaining--
      play(rule.fault, path, req, res)
      return
    }
    if (sourceOf(path) === 'horde-api') {
      const body = hordeBody(url, hordeAnswers)
      if (body === undefined) res.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found')
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      return
    }
    const normal = normalBody(path, lastUpdated, req.headers)
    if (normal === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('404: Not Found')
      return
    }
    const etag = `"${normal.body.length}"`
    // GitHub answers a matching If-None-Match with 304 and no body.
    if (sourceOf(path) === 'github' && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag })
      res.end()
      return
    }
    res.writeHead(normal.status ?? 200, { 'content-type': normal.contentType, 'content-length': String(normal.body.length), etag })
    res.end(normal.body)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`

  const toMatcher = (match: string | RegExp | ((path: string) => boolean)): ((path: string) => boolean) =>
    typeof match === 'function' ? match : typeof match === 'string' ? (path) => path.endsWith(match) : (path) => match.test(path)

  return {
    origin,
    primaryUrl: `${origin}/api`,
    githubUrl: origin,
    hordeApiUrl: `${origin}${HORDE_API}`,
    setHordeApi(answers) {
      hordeAnswers = answers
    },
    requests,
    fault(match, fault, times = Number.POSITIVE_INFINITY) {
      rules.push({ match: toMatcher(match), fault, remaining: times })
    },
    primaryDown(fault = { kind: 'status', status: 503 }) {
      rules.push({ match: (path) => sourceOf(path) === 'primary', fault, remaining: Number.POSITIVE_INFINITY })
    },
    githubDown(fault = { kind: 'status', status: 503 }) {
      rules.push({ match: (path) => sourceOf(path) === 'github', fault, remaining: Number.POSITIVE_INFINITY })
    },
    setPrimaryCors(allowed) {
      primaryCors = allowed
    },
    reset() {
      rules = []
      requests.length = 0
      lastUpdated.clear()
      primaryCors = true
      hordeAnswers = {}
    },
    count(source) {
      return requests.filter((r) => r.source === source && r.kind === 'data').length
    },
    countMetadata() {
      return requests.filter((r) => r.kind === 'metadata').length
    },
    setLastUpdated(category, value) {
      lastUpdated.set(category, value)
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
