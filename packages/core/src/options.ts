import type { StorageAdapter } from './cache/storage.js'
import type { ModelReferenceEventListener } from './events.js'

/** When the client loads data by itself. */
export const PrefetchStrategy = Object.freeze({
  /** Nothing at construction; each category is fetched on its first read. */
  LAZY: 'lazy',
  /** Construction starts fetching every category; `ready` settles when all have loaded, and reads wait for it. */
  SYNC: 'sync',
  /** A background warm-up after construction that never delays a read; its errors go to `onEvent`. */
  ASYNC: 'async',
  /** Nothing is fetched until `deferredPrefetch.run()` (or `await deferredPrefetch`). */
  DEFERRED: 'deferred',
  /** Never fetches by itself: reads serve only cached data; call `refresh()` to load. */
  NONE: 'none',
} as const)

/** One of the {@link PrefetchStrategy} values. */
export type PrefetchStrategy = (typeof PrefetchStrategy)[keyof typeof PrefetchStrategy]

/** The `fetch` function the client calls; the platform's `fetch` by default. */
export type FetchFunction = (input: Request, init?: RequestInit) => Promise<Response>

/** The part of the Web Locks API (`navigator.locks`) the client uses to fetch a category in one tab at a time. */
export interface LockManagerLike {
  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>
}

/** Options of `createModelReferenceClient` and `new ModelReferenceManager`. Every field is optional. */
export interface ModelReferenceOptions {
  /**
   * The PRIMARY API's base URL; categories are read from `{primaryUrl}/model_references/v2/{category}`.
   * Point it at a mirror (such as an edge Worker) when the primary's CORS refuses your origin.
   * @default 'https://models.aihorde.net/api'
   */
  primaryUrl?: string
  /**
   * The base URL of the GitHub raw files used as the fallback.
   * @default 'https://raw.githubusercontent.com'
   */
  githubUrl?: string
  /**
   * The owner of the legacy reference repositories.
   * @default 'Haidra-Org'
   */
  githubOwner?: string
  /**
   * The branch to read the legacy files from. A commit SHA (7 to 40 hex digits) pins a commit,
   * and a value starting with `refs/` is used as it is.
   * @default 'main'
   */
  githubBranch?: string
  /**
   * The AI Horde public API, read by `getPopularModels` (`{hordeApiUrl}/v2/status/models`).
   * @default 'https://aihorde.net/api'
   */
  hordeApiUrl?: string
  /**
   * Whether to fall back to GitHub when the primary fails.
   * @default true
   */
  githubFallback?: boolean
  /**
   * How long fetched data is fresh, in seconds.
   * @default 60
   */
  ttlSeconds?: number
  /**
   * How long past its TTL a copy may still be served when every source fails, in seconds.
   * @default 604800 (7 days)
   */
  maxStaleSeconds?: number
  /**
   * The timeout of one request attempt, in milliseconds, covering the whole response, body included.
   * @default 10000
   */
  timeoutMs?: number
  /**
   * The largest answer accepted from a source, in bytes; a larger one is a failure (the next
   * source is tried), so that a runaway server cannot exhaust memory. The largest real file is
   * about 1.1 MB.
   * @default 33554432 (32 MiB)
   */
  maxBodyBytes?: number
  /**
   * How many times a 429 or 5xx answer is retried (other failures go to the next source at once).
   * @default 2
   */
  retries?: number
  /**
   * When the client loads data by itself.
   * @default 'lazy'
   */
  prefetchStrategy?: PrefetchStrategy
  /**
   * Where fetched categories are kept between reads.
   * @default createMemoryStorage()
   */
  storage?: StorageAdapter
  /**
   * Throw a `ValidationError` instead of skipping invalid records and reporting issues.
   * @default false
   */
  strict?: boolean
  /**
   * The `fetch` implementation to use.
   * @default globalThis.fetch
   */
  fetch?: FetchFunction
  /**
   * Sent as the `Client-Agent` header to the primary only (a custom header would make browsers
   * send a CORS preflight that GitHub refuses), for example `'my-app:1.0:contact@example.com'`.
   * @default undefined
   */
  clientAgent?: string
  /**
   * Called with every request, fallback, issue, stale copy served and background error.
   * @default undefined
   */
  onEvent?: ModelReferenceEventListener
  /**
   * Serve a stale copy (within `maxStaleSeconds`) at once, marked `stale: true`, while one
   * background refresh runs; subscribers are told when it lands.
   * @default false
   */
  staleWhileRevalidate?: boolean
  /**
   * Keeps background work alive after a response is sent, such as a Worker's `ctx.waitUntil`
   * (bind it: `ctx.waitUntil.bind(ctx)`). Given every background refresh and storage write.
   * @default undefined
   */
  waitUntil?: (promise: Promise<unknown>) => void
  /**
   * Revalidate a stale GitHub copy with `If-None-Match` (a 304 renews it without a download).
   * `'auto'` does so only where CORS does not apply (Workers, Deno, Node): in browsers that
   * header would trigger a preflight GitHub refuses, and the HTTP cache revalidates anyway.
   * @default 'auto'
   */
  conditionalRequests?: 'auto' | boolean
  /**
   * The `BroadcastChannel` name used to tell other tabs about refreshes, with a storage shared
   * across tabs (IndexedDB); `false` turns cross-tab updates off.
   * @default 'horde-model-reference'
   */
  broadcastChannel?: string | false
  /**
   * Locks used so that two tabs never download the same category at the same moment, with a
   * storage shared across tabs; `false` turns this off.
   * @default navigator.locks, where it exists
   */
  locks?: LockManagerLike | false
}

/** The options after normalisation: every default filled in, URLs without a trailing slash. */
export interface NormalizedOptions {
  readonly primaryUrl: string
  readonly githubUrl: string
  readonly githubOwner: string
  readonly githubBranch: string
  readonly hordeApiUrl: string
  readonly githubFallback: boolean
  readonly ttlSeconds: number
  readonly maxStaleSeconds: number
  readonly timeoutMs: number
  readonly maxBodyBytes: number
  readonly retries: number
  readonly prefetchStrategy: PrefetchStrategy
  readonly storage: StorageAdapter | undefined
  readonly strict: boolean
  readonly fetch: FetchFunction | undefined
  readonly clientAgent: string | undefined
  readonly onEvent: ModelReferenceEventListener | undefined
  readonly staleWhileRevalidate: boolean
  readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined
  readonly conditionalRequests: 'auto' | boolean
  readonly broadcastChannel: string | false
  readonly locks: LockManagerLike | false | undefined
}

/** The default of every option (`storage`, `fetch`, `clientAgent`, `onEvent`, `waitUntil` and `locks` have none here). */
export const DEFAULT_OPTIONS = Object.freeze({
  primaryUrl: 'https://models.aihorde.net/api',
  githubUrl: 'https://raw.githubusercontent.com',
  githubOwner: 'Haidra-Org',
  githubBranch: 'main',
  hordeApiUrl: 'https://aihorde.net/api',
  githubFallback: true,
  ttlSeconds: 60,
  maxStaleSeconds: 7 * 24 * 60 * 60,
  timeoutMs: 10_000,
  maxBodyBytes: 32 * 1024 * 1024,
  retries: 2,
  prefetchStrategy: PrefetchStrategy.LAZY,
  strict: false,
  staleWhileRevalidate: false,
  conditionalRequests: 'auto',
  broadcastChannel: 'horde-model-reference',
} as const)

const STRATEGIES: readonly string[] = Object.values(PrefetchStrategy)

function url(name: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !/^https?:\/\/[^/]/i.test(value)) {
    throw new TypeError(`Option ${name} must be an http(s) URL, got ${JSON.stringify(value)}.`)
  }
  return value.replace(/\/+$/, '')
}

function text(name: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || value.trim() === '' || value.includes('..')) {
    throw new TypeError(`Option ${name} must be a non-empty path segment, got ${JSON.stringify(value)}.`)
  }
  return value.replace(/^\/+|\/+$/g, '')
}

function number(name: string, value: number | undefined, fallback: number, { integer = false, min = 0 } = {}): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new RangeError(`Option ${name} must be a finite ${integer ? 'integer' : 'number'} >= ${min}, got ${String(value)}.`)
  }
  return value
}

function flag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new TypeError(`Option ${name} must be a boolean, got ${JSON.stringify(value)}.`)
  return value
}

function fn<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`Option ${name} must be a function.`)
  return value
}

function conditional(value: 'auto' | boolean | undefined): 'auto' | boolean {
  if (value === undefined) return DEFAULT_OPTIONS.conditionalRequests
  if (value !== 'auto' && typeof value !== 'boolean') throw new TypeError(`Option conditionalRequests must be 'auto', true or false, got ${JSON.stringify(value)}.`)
  return value
}

function channel(value: string | false | undefined): string | false {
  if (value === undefined) return DEFAULT_OPTIONS.broadcastChannel
  if (value !== false && (typeof value !== 'string' || value === '')) throw new TypeError('Option broadcastChannel must be a non-empty string or false.')
  return value
}

function lockManager(value: LockManagerLike | false | undefined): LockManagerLike | false | undefined {
  if (value === undefined || value === false) return value
  if (typeof value !== 'object' || value === null || typeof value.request !== 'function') throw new TypeError('Option locks must have a request(name, options, callback) method, or be false.')
  return value
}

/**
 * Fills in defaults and checks every option once.
 *
 * @throws {TypeError | RangeError} for an option of the wrong type or out of range.
 */
export function normalizeOptions(options: ModelReferenceOptions = {}): NormalizedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('Options must be an object.')
  const strategy = options.prefetchStrategy ?? DEFAULT_OPTIONS.prefetchStrategy
  if (!STRATEGIES.includes(strategy)) {
    throw new TypeError(`Option prefetchStrategy must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(strategy)}.`)
  }
  const storage = options.storage
  if (storage !== undefined && (typeof storage !== 'object' || storage === null || typeof storage.get !== 'function' || typeof storage.set !== 'function' || typeof storage.delete !== 'function' || typeof storage.clear !== 'function')) {
    throw new TypeError('Option storage must implement get, set, delete and clear (see StorageAdapter).')
  }
  if (options.clientAgent !== undefined && (typeof options.clientAgent !== 'string' || /[\r\n]/.test(options.clientAgent))) {
    throw new TypeError('Option clientAgent must be a single-line string.')
  }
  return Object.freeze({
    primaryUrl: url('primaryUrl', options.primaryUrl, DEFAULT_OPTIONS.primaryUrl),
    githubUrl: url('githubUrl', options.githubUrl, DEFAULT_OPTIONS.githubUrl),
    githubOwner: text('githubOwner', options.githubOwner, DEFAULT_OPTIONS.githubOwner),
    githubBranch: text('githubBranch', options.githubBranch, DEFAULT_OPTIONS.githubBranch),
    hordeApiUrl: url('hordeApiUrl', options.hordeApiUrl, DEFAULT_OPTIONS.hordeApiUrl),
    githubFallback: flag('githubFallback', options.githubFallback, DEFAULT_OPTIONS.githubFallback),
    ttlSeconds: number('ttlSeconds', options.ttlSeconds, DEFAULT_OPTIONS.ttlSeconds),
    maxStaleSeconds: number('maxStaleSeconds', options.maxStaleSeconds, DEFAULT_OPTIONS.maxStaleSeconds),
    // setTimeout's ceiling; a larger value would fire at once.
    timeoutMs: Math.min(number('timeoutMs', options.timeoutMs, DEFAULT_OPTIONS.timeoutMs, { min: 1 }), 2_147_483_647),
    maxBodyBytes: number('maxBodyBytes', options.maxBodyBytes, DEFAULT_OPTIONS.maxBodyBytes, { integer: true, min: 1 }),
    retries: number('retries', options.retries, DEFAULT_OPTIONS.retries, { integer: true }),
    prefetchStrategy: strategy,
    storage,
    strict: flag('strict', options.strict, DEFAULT_OPTIONS.strict),
    fetch: fn('fetch', options.fetch),
    clientAgent: options.clientAgent,
    onEvent: fn('onEvent', options.onEvent),
    staleWhileRevalidate: flag('staleWhileRevalidate', options.staleWhileRevalidate, DEFAULT_OPTIONS.staleWhileRevalidate),
    waitUntil: fn('waitUntil', options.waitUntil),
    conditionalRequests: conditional(options.conditionalRequests),
    broadcastChannel: channel(options.broadcastChannel),
    locks: lockManager(options.locks),
  })
}
