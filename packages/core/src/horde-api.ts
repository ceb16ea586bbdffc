import * as v from 'valibot'
import { isFresh, type Freshness } from './cache/query.js'
import type { ReadOptions } from './cache/result.js'
import { fetchFirst, type ClientInternals } from './client-internals.js'
import { NotCachedError } from './errors/not-cached.js'
import { SourcesUnavailableError } from './errors/sources-unavailable.js'
import { malformed } from './sources/decode.js'

// The AI Horde public API's live numbers (`{hordeApiUrl}/v2/...`), read through the client's
// transport and source loop and cached by the client: what `/availability` and `/popular` join
// with the reference.

/** The categories the AI Horde reports live numbers for. */
export type HordeCategory = 'image_generation' | 'text_generation'

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
  readonly id: string
  readonly name: string
  readonly online?: boolean
  readonly trusted?: boolean
  readonly uptime?: number
  readonly performance?: string
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

// Each entry of a list is validated on its own, and a bad one is skipped.
const activeModel = v.looseObject({
  name: v.string(),
  count: v.optional(v.number(), 0),
  jobs: v.optional(v.number(), 0),
  performance: v.optional(v.number(), 0),
  queued: v.optional(v.number(), 0),
  eta: v.optional(v.number(), 0),
})
const counts = v.optional(v.record(v.string(), v.number()), {})
const modelStats = v.looseObject({ day: counts, month: counts, total: counts })
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

async function loadList<T>(internals: ClientInternals, category: HordeCategory, url: string, what: string, signal: AbortSignal, each: (entry: unknown) => T | undefined): Promise<T[]> {
  const data = await getJson(internals, category, url, signal)
  if (!Array.isArray(data)) throw new SourcesUnavailableError(category, [{ source: 'horde-api', url, kind: 'malformed', message: `not a list of ${what}` }])
  const kept: T[] = []
  for (const entry of data) {
    const value = each(entry)
    if (value !== undefined) kept.push(value)
  }
  return kept
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
  return cached(internals, category, `horde-status:${category}`, (signal) =>
    loadList(internals, category, url, 'models', signal, (entry) => {
      const result = v.safeParse(activeModel, entry)
      return result.success ? (result.output as ActiveModel) : undefined
    }), options)
}

/** `/v2/stats/img|text/models`: requests served per model name. */
export function hordeStats(internals: ClientInternals, category: HordeCategory, options: ReadOptions): Promise<HordeCopy<ModelStats>> {
  const url = `${internals.options.hordeApiUrl}/v2/stats/${category === 'image_generation' ? 'img' : 'text'}/models`
  return cached(internals, category, `horde-stats:${category}`, async (signal) => {
    const result = v.safeParse(modelStats, await getJson(internals, category, url, signal))
    if (!result.success) throw new SourcesUnavailableError(category, [{ source: 'horde-api', url, kind: 'malformed', message: result.issues[0].message }])
    return result.output
  }, options)
}

/** `/v2/workers?type=image|text`: the workers, with the models each offers. */
export function hordeWorkers(internals: ClientInternals, category: HordeCategory, options: ReadOptions): Promise<HordeCopy<readonly HordeWorker[]>> {
  const url = `${internals.options.hordeApiUrl}/v2/workers?type=${typeOf(category)}`
  return cached(internals, category, `horde-workers:${category}`, (signal) =>
    loadList(internals, category, url, 'workers', signal, (entry) => {
      const result = v.safeParse(workerDetails, entry)
      if (!result.success) return undefined
      const { id, name, online, trusted, uptime, performance, models } = result.output
      // Only what the Horde said: a field it left out stays out (no `online: undefined`).
      const worker: { -readonly [K in keyof HordeWorker]: HordeWorker[K] } = { id, name, models }
      if (online !== undefined) worker.online = online
      if (trusted !== undefined) worker.trusted = trusted
      if (uptime !== undefined) worker.uptime = uptime
      if (performance !== undefined) worker.performance = performance
      return worker
    }), options)
}
