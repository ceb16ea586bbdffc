import type { StorageAdapter } from './cache/storage.js'
import type { ModelReferenceSnapshot } from './snapshot.js'
import type { ModelReferenceEventListener } from './events.js'
import { checkOptions, ownOptions, type KnownOptions } from './options-check.js'

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
  /**
   * Runs `callback` while holding the exclusive lock `name`, waiting for it first.
   * @param name The lock's name (one per category).
   * @param options `signal` gives up waiting for the lock when it aborts.
   * @param callback The work done under the lock; the lock is released when its promise settles.
   * @returns What `callback` resolves with.
   */
  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>
}

/** Keeps background work alive after a response is sent, such as a Worker's `ctx.waitUntil`. */
export type WaitUntil = (promise: Promise<unknown>) => void

/** Options of `createModelReferenceClient` and `new ModelReferenceManager`. Every field is optional. */
export interface ModelReferenceOptions {
  /**
   * The PRIMARY API's base URL; categories are read from `{primaryUrl}/model_references/v2/{category}`.
   * Point it at a mirror (such as an edge Worker) when the primary's CORS refuses your origin.
   * A `user:password@` part is sent as an `Authorization: Basic` header, to this URL only, and
   * never appears in errors or events. A query string or fragment is refused. `null` reads
   * GitHub only (categories with no GitHub file then fail, saying so).
   * @default 'https://models.aihorde.net/api'
   */
  primaryUrl?: string | null | undefined
  /**
   * The base URL of the GitHub raw files used as the fallback (credentials as for `primaryUrl`).
   * @default 'https://raw.githubusercontent.com'
   */
  githubUrl?: string | undefined
  /**
   * The owner of the legacy reference repositories.
   * @default 'Haidra-Org'
   */
  githubOwner?: string | undefined
  /**
   * The branch to read the legacy files from. A commit SHA (7 to 40 hex digits) pins a commit,
   * and a value starting with `refs/` is used as it is.
   * @default 'main'
   */
  githubBranch?: string | undefined
  /**
   * The AI Horde public API, read by `getPopularModels` (`{hordeApiUrl}/v2/status/models`).
   * @default 'https://aihorde.net/api'
   */
  hordeApiUrl?: string | undefined
  /**
   * Whether to fall back to GitHub when the primary fails.
   * @default true
   */
  githubFallback?: boolean | undefined
  /**
   * How long fetched data is fresh, in seconds.
   * @default 60
   */
  ttlSeconds?: number | undefined
  /**
   * How long past its TTL a copy may still be served when every source fails, in seconds.
   * @default 604800 (7 days)
   */
  maxStaleSeconds?: number | undefined
  /**
   * How long the AI Horde's live numbers (workers, queues, usage: `getModelAvailability`,
   * `getPopularModels`) are fresh, in seconds. They change by the minute, so they have a TTL
   * of their own; past it the last good answer is still served (stale) when the Horde fails.
   * @default 60
   */
  hordeApiTtlSeconds?: number | undefined
  /**
   * The timeout of one request, in milliseconds, covering the whole response, body included.
   * @default 10000
   */
  timeoutMs?: number | undefined
  /**
   * The budget of one read, in milliseconds: every source, every retry and every body. When it
   * runs out the read fails (or serves its stale copy) instead of waiting any longer.
   * @default 30000
   */
  totalTimeoutMs?: number | undefined
  /**
   * When a source has not started answering within this time, the next source is asked too and
   * the first good answer wins (a hung primary costs this, not `timeoutMs`).
   * @default 1000
   */
  fallbackAfterMs?: number | undefined
  /**
   * How long a source that just failed (network or CORS error, timeout, 429 or 5xx) is asked
   * last, in seconds, so that the next reads go straight to the source that works. Afterwards
   * one read asks it first again (a probe); a success brings it back.
   * @default 30
   */
  sourceCooldownSeconds?: number | undefined
  /**
   * The longest wait for the storage adapter's answer, in milliseconds; a slower read is a miss
   * (reported as a `storage-error`) and a slower write is reported the same way.
   * @default 2000
   */
  storageTimeoutMs?: number | undefined
  /**
   * The largest answer accepted from a source, in bytes; a larger one is a failure (the next
   * source is tried), so that a runaway server cannot exhaust memory. The largest real file is
   * about 1.1 MB.
   * @default 33554432 (32 MiB)
   */
  maxBodyBytes?: number | undefined
  /**
   * How many times a source answering 429 or 5xx is asked again once every source has failed
   * (0 to 5). A source with a fallback is never retried before the fallback is asked.
   * @default 2
   */
  retries?: number | undefined
  /**
   * When the client loads data by itself.
   * @default 'lazy'
   */
  prefetchStrategy?: PrefetchStrategy | undefined
  /**
   * Where fetched categories are kept between reads.
   * @default createMemoryStorage()
   */
  storage?: StorageAdapter | undefined
  /**
   * A snapshot (`client.dehydrate()` elsewhere, parsed from JSON or not) installed when the
   * client is created, as `client.hydrate(initialData)` would: a page rendered on the server
   * starts with the server's copy, with no loading state and no request while it is fresh.
   * Something that is not a snapshot is a `TypeError` from the constructor.
   */
  initialData?: ModelReferenceSnapshot | undefined
  /**
   * Throw a `ValidationError` instead of skipping invalid records and reporting issues.
   * @default false
   */
  strict?: boolean | undefined
  /**
   * The `fetch` implementation to use.
   * @default globalThis.fetch
   */
  fetch?: FetchFunction | undefined
  /**
   * Sent as the `Client-Agent` header to the primary and the AI Horde API only (a custom header
   * would make browsers send a CORS preflight that GitHub refuses), for example
   * `'my-app:1.0:contact@example.com'`. Must be a valid header value (Latin-1, no control characters).
   * @default undefined
   */
  clientAgent?: string | undefined
  /**
   * Called with every request, fallback, issue, stale copy served and background error.
   * @default undefined
   */
  onEvent?: ModelReferenceEventListener | undefined
  /**
   * Serve a stale copy (within `maxStaleSeconds`) at once, marked `stale: true`, while one
   * background refresh runs; subscribers are told when it lands.
   * @default false
   */
  staleWhileRevalidate?: boolean | undefined
  /**
   * Keeps background work alive after a response is sent, such as a Worker's `ctx.waitUntil`
   * (bind it: `ctx.waitUntil.bind(ctx)`). Given every background refresh and storage write. A
   * read's own `waitUntil` option takes precedence for the work that read starts.
   * @default undefined
   */
  waitUntil?: WaitUntil | undefined
  /**
   * Revalidate a stale GitHub copy with `If-None-Match` (a 304 renews it without a download).
   * `'auto'` does so only where CORS does not apply (Workers, Deno, Node): in browsers that
   * header would trigger a preflight GitHub refuses, and the HTTP cache revalidates anyway.
   * @default 'auto'
   */
  conditionalRequests?: 'auto' | boolean | undefined
  /**
   * The `BroadcastChannel` name used to tell other tabs about refreshes, with a storage shared
   * across tabs (IndexedDB); `false` turns cross-tab updates off.
   * @default 'horde-model-reference'
   */
  broadcastChannel?: string | false | undefined
  /**
   * Locks used so that two tabs never download the same category at the same moment, with a
   * storage shared across tabs; `false` turns this off.
   * @default navigator.locks, where it exists
   */
  locks?: LockManagerLike | false | undefined
}

/** The options after normalisation: every default filled in, URLs without a trailing slash or credentials. */
export interface NormalizedOptions {
  /** `null`: GitHub only. */
  readonly primaryUrl: string | null
  /** {@inheritDoc ModelReferenceOptions.githubUrl} */
  readonly githubUrl: string
  /** {@inheritDoc ModelReferenceOptions.githubOwner} */
  readonly githubOwner: string
  /** {@inheritDoc ModelReferenceOptions.githubBranch} */
  readonly githubBranch: string
  /** {@inheritDoc ModelReferenceOptions.hordeApiUrl} */
  readonly hordeApiUrl: string
  /** {@inheritDoc ModelReferenceOptions.githubFallback} */
  readonly githubFallback: boolean
  /** {@inheritDoc ModelReferenceOptions.ttlSeconds} */
  readonly ttlSeconds: number
  /** {@inheritDoc ModelReferenceOptions.maxStaleSeconds} */
  readonly maxStaleSeconds: number
  /** {@inheritDoc ModelReferenceOptions.hordeApiTtlSeconds} */
  readonly hordeApiTtlSeconds: number
  /** {@inheritDoc ModelReferenceOptions.timeoutMs} */
  readonly timeoutMs: number
  /** {@inheritDoc ModelReferenceOptions.totalTimeoutMs} */
  readonly totalTimeoutMs: number
  /** {@inheritDoc ModelReferenceOptions.fallbackAfterMs} */
  readonly fallbackAfterMs: number
  /** {@inheritDoc ModelReferenceOptions.sourceCooldownSeconds} */
  readonly sourceCooldownSeconds: number
  /** {@inheritDoc ModelReferenceOptions.storageTimeoutMs} */
  readonly storageTimeoutMs: number
  /** {@inheritDoc ModelReferenceOptions.maxBodyBytes} */
  readonly maxBodyBytes: number
  /** {@inheritDoc ModelReferenceOptions.retries} */
  readonly retries: number
  /** {@inheritDoc ModelReferenceOptions.prefetchStrategy} */
  readonly prefetchStrategy: PrefetchStrategy
  /** {@inheritDoc ModelReferenceOptions.storage} */
  readonly storage: StorageAdapter | undefined
  /** {@inheritDoc ModelReferenceOptions.initialData} */
  readonly initialData: ModelReferenceSnapshot | undefined
  /** {@inheritDoc ModelReferenceOptions.strict} */
  readonly strict: boolean
  /** {@inheritDoc ModelReferenceOptions.fetch} */
  readonly fetch: FetchFunction | undefined
  /** {@inheritDoc ModelReferenceOptions.clientAgent} */
  readonly clientAgent: string | undefined
  /** {@inheritDoc ModelReferenceOptions.onEvent} */
  readonly onEvent: ModelReferenceEventListener | undefined
  /** {@inheritDoc ModelReferenceOptions.staleWhileRevalidate} */
  readonly staleWhileRevalidate: boolean
  /** {@inheritDoc ModelReferenceOptions.waitUntil} */
  readonly waitUntil: WaitUntil | undefined
  /** {@inheritDoc ModelReferenceOptions.conditionalRequests} */
  readonly conditionalRequests: 'auto' | boolean
  /** {@inheritDoc ModelReferenceOptions.broadcastChannel} */
  readonly broadcastChannel: string | false
  /** {@inheritDoc ModelReferenceOptions.locks} */
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
  /** Seven days. */
  maxStaleSeconds: 7 * 24 * 60 * 60,
  hordeApiTtlSeconds: 60,
  timeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  fallbackAfterMs: 1_000,
  sourceCooldownSeconds: 30,
  storageTimeoutMs: 2_000,
  /** 32 MiB. */
  maxBodyBytes: 32 * 1024 * 1024,
  retries: 2,
  prefetchStrategy: PrefetchStrategy.LAZY,
  strict: false,
  staleWhileRevalidate: false,
  conditionalRequests: 'auto',
  broadcastChannel: 'horde-model-reference',
} as const)

/** The URL options that may carry credentials. */
export type UrlOption = 'primaryUrl' | 'githubUrl' | 'hordeApiUrl'

// The `Authorization` header for each URL option that had `user:password@`, kept out of the
// options object itself so that printing, comparing or serialising the options never shows it.
const AUTHORIZATION = new WeakMap<NormalizedOptions, Partial<Record<UrlOption, string>>>()

/** The `Authorization` header values of the URL options that carried credentials. */
export function authorizationOf(options: NormalizedOptions): Partial<Record<UrlOption, string>> {
  return AUTHORIZATION.get(options) ?? {}
}

// setTimeout's ceiling; a larger delay would fire at once.
const MAX_DELAY_MS = 2_147_483_647
const STRATEGIES: readonly string[] = Object.values(PrefetchStrategy)
// A header value as `Headers` accepts it, minus the control characters servers reject.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

// What an option's value looks like in an error: a URL's `user:password@` part is never shown.
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.replace(/^([a-z][a-z\d+.-]*:\/*)[^/?#]*@/i, '$1***@')) : String(value)
}

function fail(name: string, expected: string, value: unknown): never {
  throw new TypeError(`Option ${name} must be ${expected}, got ${shown(value)}.`)
}

function basicAuthorization(url: URL, name: string): string {
  let pair: string
  try {
    pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
  } catch {
    throw new TypeError(`Option ${name} has credentials that are not valid percent-encoding.`)
  }
  // btoa takes Latin-1 only; UTF-8 bytes first, as browsers send non-ASCII credentials.
  return `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(pair)))}`
}

function url(name: UrlOption, value: unknown, auth: Partial<Record<UrlOption, string>>): string {
  if (value === undefined) return DEFAULT_OPTIONS[name]
  let parsed: URL | undefined
  try {
    if (typeof value === 'string') parsed = new URL(value)
  } catch {
    // Reported below.
  }
  if (parsed === undefined || !/^https?:$/.test(parsed.protocol)) fail(name, 'an http(s) URL', value)
  if (/[?#]/.test(value as string)) throw new TypeError(`Option ${name} must be a base URL without a query string or fragment (paths are appended to it), got ${parsed.origin}${parsed.pathname}.`)
  if (parsed.username !== '' || parsed.password !== '') {
    auth[name] = basicAuthorization(parsed, name)
    parsed.username = ''
    parsed.password = ''
  }
  return parsed.href.replace(/\/+$/, '')
}

function segment(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback
  const trimmed = typeof value === 'string' ? value.replace(/^\/+|\/+$/g, '') : ''
  // `.` and `..` would move the URL to another path; an empty name names nothing.
  if (trimmed.trim() === '' || trimmed.split('/').some((part) => part === '.' || part === '..' || part === '')) fail(name, 'a non-empty path segment', value)
  return trimmed
}

function number(name: string, value: unknown, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER, integer = false): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value >= min && value <= max) || (integer && !Number.isInteger(value))) {
    throw new RangeError(`Option ${name} must be a finite ${integer ? 'integer' : 'number'} from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got ${String(value)}.`)
  }
  return value
}

function oneOf<T>(name: string, value: unknown, fallback: T, test: (value: unknown) => boolean, expected: string): T {
  if (value === undefined) return fallback
  if (!test(value)) fail(name, expected, value)
  return value as T
}

const isBoolean = (value: unknown): boolean => typeof value === 'boolean'
const isFunction = (value: unknown): boolean => typeof value === 'function'
const flag = (name: string, value: unknown, fallback: boolean): boolean => oneOf(name, value, fallback, isBoolean, 'a boolean')
const callback = <T>(name: string, value: unknown): T | undefined => oneOf<T | undefined>(name, value, undefined, isFunction, 'a function')

function isStorage(value: unknown): boolean {
  const storage = value as Partial<StorageAdapter> | null
  return typeof storage === 'object' && storage !== null && [storage.get, storage.set, storage.delete, storage.clear].every(isFunction)
}

/**
 * Fills in defaults and checks every option once.
 *
 * @throws {TypeError | RangeError} for an option of the wrong type or out of range, an unknown option, or options that are not an object.
 */
export function normalizeOptions(options: ModelReferenceOptions = {}, where = 'createModelReferenceClient'): NormalizedOptions {
  // Not an object: checkOptions' TypeError. Its keys are checked below, against the normalized options (which name every option).
  if (typeof options !== 'object' || options === null) checkOptions(where, options, {})
  const auth: Partial<Record<UrlOption, string>> = {}
  // Own properties only: an inherited one is neither checked nor read.
  const o = ownOptions(options) as Record<keyof ModelReferenceOptions, unknown>
  const normalized: NormalizedOptions = Object.freeze({
    primaryUrl: o.primaryUrl === null ? null : url('primaryUrl', o.primaryUrl, auth),
    githubUrl: url('githubUrl', o.githubUrl, auth),
    githubOwner: segment('githubOwner', o.githubOwner, DEFAULT_OPTIONS.githubOwner),
    githubBranch: segment('githubBranch', o.githubBranch, DEFAULT_OPTIONS.githubBranch),
    hordeApiUrl: url('hordeApiUrl', o.hordeApiUrl, auth),
    githubFallback: flag('githubFallback', o.githubFallback, DEFAULT_OPTIONS.githubFallback),
    ttlSeconds: number('ttlSeconds', o.ttlSeconds, DEFAULT_OPTIONS.ttlSeconds),
    maxStaleSeconds: number('maxStaleSeconds', o.maxStaleSeconds, DEFAULT_OPTIONS.maxStaleSeconds),
    hordeApiTtlSeconds: number('hordeApiTtlSeconds', o.hordeApiTtlSeconds, DEFAULT_OPTIONS.hordeApiTtlSeconds),
    timeoutMs: number('timeoutMs', o.timeoutMs, DEFAULT_OPTIONS.timeoutMs, 1, MAX_DELAY_MS),
    totalTimeoutMs: number('totalTimeoutMs', o.totalTimeoutMs, DEFAULT_OPTIONS.totalTimeoutMs, 1, MAX_DELAY_MS),
    fallbackAfterMs: number('fallbackAfterMs', o.fallbackAfterMs, DEFAULT_OPTIONS.fallbackAfterMs, 0, MAX_DELAY_MS),
    sourceCooldownSeconds: number('sourceCooldownSeconds', o.sourceCooldownSeconds, DEFAULT_OPTIONS.sourceCooldownSeconds, 0, MAX_DELAY_MS / 1000),
    storageTimeoutMs: number('storageTimeoutMs', o.storageTimeoutMs, DEFAULT_OPTIONS.storageTimeoutMs, 1, MAX_DELAY_MS),
    maxBodyBytes: number('maxBodyBytes', o.maxBodyBytes, DEFAULT_OPTIONS.maxBodyBytes, 1, Number.MAX_SAFE_INTEGER, true),
    retries: number('retries', o.retries, DEFAULT_OPTIONS.retries, 0, 5, true),
    prefetchStrategy: oneOf('prefetchStrategy', o.prefetchStrategy, DEFAULT_OPTIONS.prefetchStrategy, (v) => STRATEGIES.includes(v as string), `one of ${STRATEGIES.join(', ')}`),
    storage: oneOf<StorageAdapter | undefined>('storage', o.storage, undefined, isStorage, 'an object with get, set, delete and clear (see StorageAdapter)'),
    // Checked in full by hydrate() at construction.
    initialData: oneOf<ModelReferenceSnapshot | undefined>('initialData', o.initialData, undefined, (v) => typeof v === 'object' && v !== null, 'a snapshot from dehydrate()'),
    strict: flag('strict', o.strict, DEFAULT_OPTIONS.strict),
    fetch: callback<FetchFunction>('fetch', o.fetch),
    clientAgent: oneOf<string | undefined>('clientAgent', o.clientAgent, undefined, (v) => typeof v === 'string' && HEADER_VALUE.test(v), 'a valid header value (Latin-1 text without control characters)'),
    onEvent: callback<ModelReferenceEventListener>('onEvent', o.onEvent),
    staleWhileRevalidate: flag('staleWhileRevalidate', o.staleWhileRevalidate, DEFAULT_OPTIONS.staleWhileRevalidate),
    waitUntil: callback<WaitUntil>('waitUntil', o.waitUntil),
    conditionalRequests: oneOf<'auto' | boolean>('conditionalRequests', o.conditionalRequests, DEFAULT_OPTIONS.conditionalRequests, (v) => v === 'auto' || isBoolean(v), "'auto', true or false"),
    broadcastChannel: oneOf<string | false>('broadcastChannel', o.broadcastChannel, DEFAULT_OPTIONS.broadcastChannel, (v) => v === false || (typeof v === 'string' && v !== ''), 'a non-empty string or false'),
    locks: oneOf<LockManagerLike | false | undefined>('locks', o.locks, undefined, (v) => v === false || (typeof v === 'object' && v !== null && isFunction((v as LockManagerLike).request)), 'an object with request(name, options, callback), or false'),
  } satisfies KnownOptions<ModelReferenceOptions>)
  checkOptions(where, options, normalized)
  if (normalized.primaryUrl === null && !normalized.githubFallback) throw new TypeError('Options primaryUrl: null and githubFallback: false leave no source to read from.')
  AUTHORIZATION.set(normalized, auth)
  return normalized
}
