import * as v from 'valibot'
import { isFresh, type Freshness } from './cache/query.js'
import type { ReadOptions } from './cache/result.js'
import { fetchFirst, type ClientInternals } from './client-internals.js'
import { NotCachedError } from './errors/not-cached.js'
import type { MODEL_REFERENCE_CATEGORY } from './categories.js'
import { isObject } from './json.js'
import { SourcesUnavailableError } from './errors/sources-unavailable.js'
import type { ModelReferenceIssue } from './records/issues.js'
import { malformed } from './sources/decode.js'

// The AI Horde public API's live numbers (`{hordeApiUrl}/v2/...`), read through the client's
// transport and source loop and cached by the client: what `/availability` and `/popular` join
// with the reference.

/** The categories the AI Horde reports live numbers for. */
// A `keyof`, so that compiler messages spell out the names.
export type HordeCategory = keyof Pick<typeof MODEL_REFERENCE_CATEGORY, 'image_generation' | 'text_generation'>

/** One entry of `/v2/status/models`: a model the Horde's workers serve, by the name they use. */
export interface ActiveModel {
  readonly name: string
  readonly count: number
  readonly jobs: number
  readonly performance: number
  readonly queued: number
  readonly eta: number
}

/** Requests served per model name (`/v2/stats/.../models`). */
export interface ModelStats {
  readonly day: Readonly<Record<string, number>>
  readonly month: Readonly<Record<string, number>>
  readonly total: Readonly<Record<string, number>>
}

/** A worker entry of `/v2/workers` as validated: the kept fields and the models it offers. */
export interface HordeWorker {
  /** The worker's UUID. */
  readonly id: string
  /** The name its owner gave it. */
  readonly name: string
  /** `true` when it checked in within the last 5 minutes. */
  readonly online?: boolean
  /** `true` when it is trusted to return valid generations. */
  readonly trusted?: boolean
  /** How long it has been online for this Horde, in seconds. */
  readonly uptime?: number
  /** Its average performance, in human-readable form (`'1.2 megapixelsteps per second'`). */
  readonly performance?: string
  /** The names of the models it offers. */
  readonly models: readonly string[]
}

/** A cached answer of the Horde, with how old it is. */
export interface HordeCopy<T> {
  readonly value: T
  /** When it was fetched, in ms since the epoch. */
  readonly fetchedAt: number
  /** Past `hordeApiTtlSeconds`: served because a refresh failed (`error` says why) or was not asked. */
  readonly stale: boolean
  readonly error?: Error
}

// The Horde's entries are read one field at a time: an entry with a name is kept whatever its
// numbers, a number that cannot be one (missing, negative, not finite, a whole count with a
// fraction) reads as 0, and each such repair, skipped entry and repeated name is an issue.
const own = Object.prototype.hasOwnProperty

type Issues = ModelReferenceIssue[]

function issue(issues: Issues, category: HordeCategory, key: string, path: string, severity: ModelReferenceIssue['severity'], message: string): void {
  // A hostile answer must not grow the list without bound.
  if (issues.length < 100) issues.push(Object.freeze({ category, severity, key, path, message }))
}

/** A live number of an entry: finite and >= 0 (and whole, for counts), else 0 with an issue. */
function liveNumber(entry: Record<string, unknown>, field: string, whole: boolean, category: HordeCategory, key: string, issues: Issues): number {
  if (!own.call(entry, field) || entry[field] === undefined) return 0
  const value = entry[field]
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && (!whole || Number.isInteger(value))) return value
  issue(issues, category, key, field, 'warning', `${field} is ${typeof value === 'number' ? String(value) : typeof value === 'object' ? JSON.stringify(value) : typeof value}, not ${whole ? 'a whole number' : 'a number'} >= 0; read as 0`)
  return 0
}

/** The entries of `/v2/status/models` with a name, the first of each name, their numbers repaired. */
function readActiveModels(data: readonly unknown[], category: HordeCategory, issues: Issues): ActiveModel[] {
  const kept: ActiveModel[] = []
  const seen = new Set<string>()
  data.forEach((entry, index) => {
    const name = isObject(entry) && own.call(entry, 'name') ? entry.name : undefined
    if (typeof name !== 'string' || name === '' || !isObject(entry)) return issue(issues, category, `#${index}`, 'name', 'error', 'an entry without a name was skipped')
    if (seen.has(name)) return issue(issues, category, name, '', 'warning', 'the name is listed twice; the first entry is kept')
    seen.add(name)
    kept.push(
      Object.freeze({
        name,
        count: liveNumber(entry, 'count', true, category, name, issues),
        jobs: liveNumber(entry, 'jobs', false, category, name, issues),
        performance: liveNumber(entry, 'performance', false, category, name, issues),
        queued: liveNumber(entry, 'queued', false, category, name, issues),
        eta: liveNumber(entry, 'eta', false, category, name, issues),
      }),
    )
  })
  return kept
}

/** One period of `/v2/stats/.../models`: the counts that are whole numbers >= 0 (no prototype); others skipped with an issue. */
function readCounts(data: Record<string, unknown>, period: string, category: HordeCategory, issues: Issues): Readonly<Record<string, number>> {
  const counts: Record<string, number> = Object.create(null)
  const value = own.call(data, period) ? data[period] : undefined
  if (value === undefined || value === null) return Object.freeze(counts)
  if (!isObject(value)) {
    issue(issues, category, period, '', 'error', `${period} is not an object of counts; read as none`)
    return Object.freeze(counts)
  }
  for (const name of Object.keys(value)) {
    const n = value[name]
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) counts[name] = n
    else issue(issues, category, name, period, 'warning', `the ${period} count is not a number >= 0; skipped`)
  }
  return Object.freeze(counts)
}
const workerDetails = v.looseObject({
  id: v.string(),
  name: v.string(),
  online: v.optional(v.boolean()),
  trusted: v.optional(v.boolean()),
  uptime: v.optional(v.number()),
  performance: v.optional(v.string()),
  models: v.optional(v.array(v.string()), []),
})

const typeOf = (category: HordeCategory): 'image' | 'text' => (category === 'image_generation' ? 'image' : 'text')

/** GETs one AI Horde API document through the client's transport and source loop (deadline, retries). */
function getJson(internals: ClientInternals, category: HordeCategory, url: string, signal: AbortSignal): Promise<unknown> {
  return fetchFirst(
    internals,
    category,
    [['horde-api', url]],
    (body) => {
      try {
        return JSON.parse(body!.text) as unknown
      } catch {
        throw malformed(body, 'invalid JSON')
      }
    },
    signal,
  )
}

async function getList(internals: ClientInternals, category: HordeCategory, url: string, what: string, signal: AbortSignal): Promise<unknown[]> {
  const data = await getJson(internals, category, url, signal)
  if (!Array.isArray(data)) throw new SourcesUnavailableError(category, [{ source: 'horde-api', url, kind: 'malformed', message: `not a list of ${what}` }])
  return data
}

/** Reports what was repaired or skipped in an answer of the Horde (an `issues` event, source `horde-api`). */
function report(internals: ClientInternals, category: HordeCategory, issues: Issues): void {
  if (issues.length > 0) internals.emit({ type: 'issues', category, source: 'horde-api', issues: Object.freeze(issues) })
}

/**
 * The Horde's answer under `key`, cached by the client: a query of its own, fresh for
 * `hordeApiTtlSeconds`, one request for concurrent readers, the last good answer served within
 * `maxStaleSeconds` when the Horde fails. Under `prefetchStrategy: 'none'` only what is cached.
 */
async function cached<T>(internals: ClientInternals, category: HordeCategory, key: string, load: (signal: AbortSignal) => Promise<T>, options: ReadOptions): Promise<HordeCopy<T>> {
  const { hordeApiTtlSeconds, maxStaleSeconds, prefetchStrategy } = internals.options
  const freshness: Freshness = { ttlMs: hordeApiTtlSeconds * 1000, maxStaleMs: maxStaleSeconds * 1000 }
  const query = internals.query<T>(key, () => ({ load: async (_previous, { signal }) => ({ value: await load(signal), fetchedAt: Date.now(), origin: 'horde-api' }), freshness }))
  const copy = await query.read({ signal: options.signal, load: prefetchStrategy !== 'none', staleWhileRevalidate: false, keepAlive: internals.keepAlive(options.waitUntil) })
  if (copy === undefined) throw new NotCachedError(category)
  const { error } = query.state
  return { value: copy.value, fetchedAt: copy.fetchedAt, stale: !isFresh(query.state, freshness, Date.now()), ...(error !== undefined && { error }) }
}

/** `/v2/status/models?type=image|text`: every model the Horde's workers serve now. */
export function hordeStatus(internals: ClientInternals, category: HordeCategory, options: ReadOptions): Promise<HordeCopy<readonly ActiveModel[]>> {
  const url = `${internals.options.hordeApiUrl}/v2/status/models?type=${typeOf(category)}`
  return cached(internals, category, `horde-status:${category}`, async (signal) => {
    const issues: Issues = []
    const models = Object.freeze(readActiveModels(await getList(internals, category, url, 'models', signal), category, issues))
    report(internals, category, issues)
    return models
  }, options)
}

/** `/v2/stats/img|text/models`: requests served per model name. */
export function hordeStats(internals: ClientInternals, category: HordeCategory, options: ReadOptions): Promise<HordeCopy<ModelStats>> {
  const url = `${internals.options.hordeApiUrl}/v2/stats/${category === 'image_generation' ? 'img' : 'text'}/models`
  return cached(internals, category, `horde-stats:${category}`, async (signal) => {
    const data = await getJson(internals, category, url, signal)
    if (!isObject(data)) throw new SourcesUnavailableError(category, [{ source: 'horde-api', url, kind: 'malformed', message: 'not an object of day, month and total counts' }])
    const issues: Issues = []
    const stats: ModelStats = Object.freeze({ day: readCounts(data, 'day', category, issues), month: readCounts(data, 'month', category, issues), total: readCounts(data, 'total', category, issues) })
    report(internals, category, issues)
    return stats
  }, options)
}

/** `/v2/workers?type=image|text`: the workers, with the models each offers. */
export function hordeWorkers(internals: ClientInternals, category: HordeCategory, options: ReadOptions): Promise<HordeCopy<readonly HordeWorker[]>> {
  const url = `${internals.options.hordeApiUrl}/v2/workers?type=${typeOf(category)}`
  return cached(internals, category, `horde-workers:${category}`, async (signal) =>
    (await getList(internals, category, url, 'workers', signal)).flatMap((entry) => {
      const result = v.safeParse(workerDetails, entry)
      if (!result.success) return []
      const { id, name, online, trusted, uptime, performance, models } = result.output
      // Only what the Horde said: a field it left out stays out (no `online: undefined`).
      const worker: { -readonly [K in keyof HordeWorker]: HordeWorker[K] } = { id, name, models }
      if (online !== undefined) worker.online = online
      if (trusted !== undefined) worker.trusted = trusted
      if (uptime !== undefined) worker.uptime = uptime
      if (performance !== undefined) worker.performance = performance
      return [worker]
    }), options)
}
