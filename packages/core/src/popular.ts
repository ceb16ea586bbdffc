import * as v from 'valibot'
import type { ReadOptions } from './cache/result.js'
import { assertCategory, type ModelReferenceCategory } from './categories.js'
import type { ModelReferenceClient } from './client.js'
import { fetchFirst, getInternals, type ClientInternals } from './client-internals.js'
import { getModelNameVariants } from './convert/text-names.js'
import { NotCachedError } from './errors/not-cached.js'
import { SourcesUnavailableError } from './errors/sources-unavailable.js'
import type { ModelMap, RecordFor } from './records/types.js'
import { malformed } from './sources/decode.js'

/** How {@link getPopularModels} ranks models. */
export type PopularSortBy = 'worker_count' | 'usage_day' | 'usage_month' | 'usage_total'

/** A model of the reference with its live numbers from the AI Horde. */
export interface PopularModel<C extends ModelReferenceCategory = ModelReferenceCategory> {
  readonly name: string
  /** The reference record. */
  readonly record: RecordFor<C>
  /** Workers serving it now (backend variants of a text model added up). */
  readonly workerCount: number
  /** Jobs waiting for it. */
  readonly jobs: number
  /** Work queued for it (megapixelsteps for images, tokens for text). */
  readonly queued: number
  /** Its throughput as the Horde reports it (the highest of its variants). */
  readonly performance: number
  /** Expected wait in seconds (the longest of its variants). */
  readonly eta: number
  /** Requests served, when sorted by usage (`undefined` otherwise). */
  readonly usage: { readonly day: number; readonly month: number; readonly total: number } | undefined
  /**
   * The workers offering it now (any of its backend variants for a text model), in the order the
   * Horde lists them, with `includeWorkers: true`; `undefined` otherwise.
   */
  readonly workers: readonly PopularModelWorker[] | undefined
}

/**
 * A worker offering a model, as the AI Horde's `WorkerDetails` describes it (the fields it
 * left out are left out here too).
 */
export interface PopularModelWorker {
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
}

// GET {hordeApiUrl}/v2/status/models?type=image|text answers a list of ActiveModel objects;
// each entry is validated on its own and a bad one is skipped.
const activeModel = v.looseObject({
  name: v.string(),
  count: v.optional(v.number(), 0),
  jobs: v.optional(v.number(), 0),
  performance: v.optional(v.number(), 0),
  queued: v.optional(v.number(), 0),
  eta: v.optional(v.number(), 0),
})
type ActiveModel = v.InferOutput<typeof activeModel>

// GET {hordeApiUrl}/v2/stats/img/models (or /stats/text/models): requests per model name.
const counts = v.optional(v.record(v.string(), v.number()), {})
const modelStats = v.looseObject({ day: counts, month: counts, total: counts })
type ModelStats = v.InferOutput<typeof modelStats>

// GET {hordeApiUrl}/v2/workers?type=image|text answers a list of WorkerDetails; each entry is
// validated on its own (only the fields kept and the models it offers) and a bad one is skipped.
const workerDetails = v.looseObject({
  id: v.string(),
  name: v.string(),
  online: v.optional(v.boolean()),
  trusted: v.optional(v.boolean()),
  uptime: v.optional(v.number()),
  performance: v.optional(v.string()),
  models: v.optional(v.array(v.string()), []),
})
/** A worker entry of `/v2/workers` as validated: the kept fields and the models it offers. */
type HordeWorker = PopularModelWorker & { readonly models: readonly string[] }

const SORTS: readonly PopularSortBy[] = ['worker_count', 'usage_day', 'usage_month', 'usage_total']

/** Options of {@link getPopularModels}. */
export interface PopularModelsOptions extends ReadOptions {
  /** How many models to return. @default 10 */
  readonly limit?: number
  /** How to rank them: by workers serving them now, or by requests served. @default 'worker_count' */
  readonly sortBy?: PopularSortBy
  /**
   * Also list each model's workers (`workers`), from `{hordeApiUrl}/v2/workers`, cached like
   * the status. Without it that endpoint is never asked. @default false
   */
  readonly includeWorkers?: boolean
}

type RankedCategory = 'image_generation' | 'text_generation'

/** GETs one AI Horde API document through the client's transport and source loop (deadline, retries). */
function getJson(internals: ClientInternals, category: RankedCategory, url: string, signal: AbortSignal): Promise<unknown> {
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

async function loadHordeStatus(internals: ClientInternals, category: RankedCategory, signal: AbortSignal): Promise<ActiveModel[]> {
  const url = `${internals.options.hordeApiUrl}/v2/status/models?type=${category === 'image_generation' ? 'image' : 'text'}`
  const data = await getJson(internals, category, url, signal)
  if (!Array.isArray(data)) throw new SourcesUnavailableError(category, [{ source: 'horde-api', url, kind: 'malformed', message: 'not a list of models' }])
  return data.flatMap((entry) => {
    const result = v.safeParse(activeModel, entry)
    return result.success ? [result.output] : []
  })
}

async function loadHordeStats(internals: ClientInternals, category: RankedCategory, signal: AbortSignal): Promise<ModelStats> {
  const url = `${internals.options.hordeApiUrl}/v2/stats/${category === 'image_generation' ? 'img' : 'text'}/models`
  const result = v.safeParse(modelStats, await getJson(internals, category, url, signal))
  if (!result.success) throw new SourcesUnavailableError(category, [{ source: 'horde-api', url, kind: 'malformed', message: result.issues[0].message }])
  return result.output
}

async function loadHordeWorkers(internals: ClientInternals, category: RankedCategory, signal: AbortSignal): Promise<HordeWorker[]> {
  const url = `${internals.options.hordeApiUrl}/v2/workers?type=${category === 'image_generation' ? 'image' : 'text'}`
  const data = await getJson(internals, category, url, signal)
  if (!Array.isArray(data)) throw new SourcesUnavailableError(category, [{ source: 'horde-api', url, kind: 'malformed', message: 'not a list of workers' }])
  return data.flatMap((entry) => {
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
  })
}

/**
 * The Horde's answer under `key`, cached by the client like the reference: a query of its own
 * (fresh for `ttlSeconds`, one request for concurrent readers, the last good answer served
 * within `maxStaleSeconds` when the Horde fails).
 */
async function cached<T>(internals: ClientInternals, category: RankedCategory, key: string, load: (signal: AbortSignal) => Promise<T>, options: ReadOptions): Promise<T> {
  const query = internals.query<T>(key, () => ({ load: async (_previous, { signal }) => ({ value: await load(signal), fetchedAt: Date.now(), origin: 'horde-api' }) }))
  // Under prefetchStrategy 'none' the Horde is not asked either: only what is cached is served.
  const copy = await query.read({ signal: options.signal, load: internals.options.prefetchStrategy !== 'none', staleWhileRevalidate: false, keepAlive: internals.keepAlive(options.waitUntil) })
  if (copy === undefined) throw new NotCachedError(category)
  return copy.value
}

/**
 * The most used image or text models right now, from the AI Horde public API
 * (`{hordeApiUrl}/v2/status/models`, `/v2/stats/.../models` for usage ranks, and
 * `/v2/workers` with `includeWorkers`), joined with the reference: only models of the reference
 * are listed. The Horde's answers are cached like the reference. Other categories give `[]`, as
 * upstream.
 *
 * @example
 * ```ts
 * import { getPopularModels } from '@horde-model-reference/core/popular'
 * const top = await getPopularModels(client, 'image_generation', { limit: 5, includeWorkers: true })
 * console.log(top[0]?.name, top[0]?.workers?.filter((w) => w.online).length)
 * ```
 * @throws {SourcesUnavailableError} when the Horde cannot be reached and nothing is cached.
 */
export async function getPopularModels<C extends ModelReferenceCategory>(client: ModelReferenceClient, category: C, options: PopularModelsOptions = {}): Promise<PopularModel<C>[]> {
  const internals = getInternals(client)
  assertCategory(category)
  const limit = options.limit ?? 10
  const sortBy = options.sortBy ?? 'worker_count'
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a whole number >= 0.')
  if (!SORTS.includes(sortBy)) throw new TypeError(`sortBy must be one of ${SORTS.join(', ')}.`)
  if (category !== 'image_generation' && category !== 'text_generation') return []
  const ranked = category as RankedCategory
  const [models, status, stats, workers] = await Promise.all([
    client.getModelReference(ranked, options),
    cached(internals, ranked, `horde-status:${ranked}`, (signal) => loadHordeStatus(internals, ranked, signal), options),
    sortBy === 'worker_count' ? undefined : cached(internals, ranked, `horde-stats:${ranked}`, (signal) => loadHordeStats(internals, ranked, signal), options),
    options.includeWorkers === true ? cached(internals, ranked, `horde-workers:${ranked}`, (signal) => loadHordeWorkers(internals, ranked, signal), options) : undefined,
  ])
  return rankPopularModels(models, status, stats, sortBy, limit, workers) as unknown as PopularModel<C>[]
}

/**
 * Joins the Horde's numbers with the reference: only models of the reference are returned, and
 * a text model's backend variants (`aphrodite/...`, `koboldcpp/...`) count as the model. Given
 * `workers` (the Horde's worker list), each model lists the workers offering one of its names;
 * without it, `workers` is `undefined`.
 */
export function rankPopularModels<C extends 'image_generation' | 'text_generation'>(
  models: ModelMap<C>,
  status: readonly ActiveModel[],
  stats: ModelStats | undefined,
  sortBy: PopularSortBy,
  limit: number,
  workers?: readonly HordeWorker[],
): PopularModel<C>[] {
  const canonical = new Map<string, string>()
  for (const name of Object.keys(models)) for (const variant of getModelNameVariants(name)) canonical.set(variant, name)
  const byName = new Map<string, { workerCount: number; jobs: number; queued: number; performance: number; eta: number }>()
  for (const entry of status) {
    const name = canonical.get(entry.name)
    if (name === undefined) continue
    const sum = byName.get(name) ?? { workerCount: 0, jobs: 0, queued: 0, performance: 0, eta: 0 }
    sum.workerCount += entry.count
    sum.jobs += entry.jobs
    sum.queued += entry.queued
    sum.performance = Math.max(sum.performance, entry.performance)
    sum.eta = Math.max(sum.eta, entry.eta)
    byName.set(name, sum)
  }
  const usageOf = (name: string): PopularModel['usage'] => {
    if (stats === undefined) return undefined
    const total = (period: Readonly<Record<string, number>>): number => getModelNameVariants(name).reduce((n, variant) => n + (Object.prototype.hasOwnProperty.call(period, variant) ? period[variant]! : 0), 0)
    return { day: total(stats.day), month: total(stats.month), total: total(stats.total) }
  }
  const workersOf = new Map<string, PopularModelWorker[]>()
  for (const { models: offered, ...worker } of workers ?? []) {
    // A worker offering two variants of one model (koboldcpp/ and aphrodite/) is listed once.
    for (const name of new Set(offered.flatMap((variant) => canonical.get(variant) ?? []))) {
      const list = workersOf.get(name)
      if (list === undefined) workersOf.set(name, [worker])
      else list.push(worker)
    }
  }
  const ranked: PopularModel<C>[] = [...byName].map(([name, numbers]) => ({
    name,
    record: models[name] as RecordFor<C>,
    ...numbers,
    usage: usageOf(name),
    workers: workers === undefined ? undefined : (workersOf.get(name) ?? []),
  }))
  const score = (model: PopularModel<C>): number => (sortBy === 'worker_count' ? model.workerCount : model.usage![sortBy === 'usage_day' ? 'day' : sortBy === 'usage_month' ? 'month' : 'total'])
  ranked.sort((a, b) => score(b) - score(a) || (a.name < b.name ? -1 : 1))
  return ranked.slice(0, limit)
}
