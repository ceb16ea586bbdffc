import * as v from 'valibot'
import type { ModelReferenceCategory } from './categories.js'
import { getModelNameVariants } from './convert/text-names.js'
import { SourcesUnavailableError } from './errors/sources-unavailable.js'
import type { ModelMap, RecordFor } from './records/types.js'
import { attemptOf, request, SourceFailed, type RequestContext } from './sources/request.js'

/** How {@link ModelReferenceClient.getPopularModels} ranks models. */
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

async function getJson(category: ModelReferenceCategory, url: string, context: RequestContext): Promise<unknown> {
  try {
    return JSON.parse((await request(category, 'horde-api', url, context)).text) as unknown
  } catch (error) {
    if (error instanceof SourceFailed) throw new SourcesUnavailableError(category, [attemptOf('horde-api', url, error)])
    if (error instanceof SyntaxError) throw new SourcesUnavailableError(category, [{ source: 'horde-api', url, kind: 'malformed', message: 'invalid JSON' }])
    throw error
  }
}

/** Fetches the Horde's live status of a category's models (image or text). */
export async function loadHordeStatus(category: 'image_generation' | 'text_generation', context: RequestContext): Promise<ActiveModel[]> {
  const url = `${context.options.hordeApiUrl}/v2/status/models?type=${category === 'image_generation' ? 'image' : 'text'}`
  const data = await getJson(category, url, context)
  if (!Array.isArray(data)) throw new SourcesUnavailableError(category, [{ source: 'horde-api', url, kind: 'malformed', message: 'not a list of models' }])
  return data.flatMap((entry) => {
    const result = v.safeParse(activeModel, entry)
    return result.success ? [result.output] : []
  })
}

/** Fetches how often each of a category's models was used (image or text). */
export async function loadHordeStats(category: 'image_generation' | 'text_generation', context: RequestContext): Promise<ModelStats> {
  const url = `${context.options.hordeApiUrl}/v2/stats/${category === 'image_generation' ? 'img' : 'text'}/models`
  const result = v.safeParse(modelStats, await getJson(category, url, context))
  if (!result.success) throw new SourcesUnavailableError(category, [{ source: 'horde-api', url, kind: 'malformed', message: result.issues[0].message }])
  return result.output
}

/**
 * Joins the Horde's numbers with the reference: only models of the reference are returned, and
 * a text model's backend variants (`aphrodite/...`, `koboldcpp/...`) count as the model.
 */
export function rankPopularModels<C extends 'image_generation' | 'text_generation'>(
  models: ModelMap<C>,
  status: readonly ActiveModel[],
  stats: ModelStats | undefined,
  sortBy: PopularSortBy,
  limit: number,
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
  const ranked: PopularModel<C>[] = [...byName].map(([name, numbers]) => ({ name, record: models[name] as RecordFor<C>, ...numbers, usage: usageOf(name) }))
  const score = (model: PopularModel<C>): number => (sortBy === 'worker_count' ? model.workerCount : model.usage![sortBy === 'usage_day' ? 'day' : sortBy === 'usage_month' ? 'month' : 'total'])
  ranked.sort((a, b) => score(b) - score(a) || (a.name < b.name ? -1 : 1))
  return ranked.slice(0, limit)
}
