/**
 * The most used image or text models right now, from the AI Horde public API joined with the
 * reference: {@link getPopularModels}, and the pure ranking behind it ({@link rankPopularModels}).
 *
 * @module @horde-model-reference/core/popular
 */
import { READ_OPTION_NAMES, type ReadOptions } from './cache/result.js'
import { checkOptions, type KnownOptions } from './options-check.js'
import { assertCategory, type ModelReferenceCategory } from './categories.js'
import type { ModelReferenceClient } from './client.js'
import { joinAvailability } from './availability.js'
import { getInternals } from './client-internals.js'
import { getModelNameVariants } from './convert/text-names.js'
import { hordeStats, hordeStatus, hordeWorkers, type ActiveModel, type HordeCategory, type HordeWorker, type ModelStats } from './horde-api.js'
import type { ModelMap, RecordFor } from './records/types.js'

/** How {@link getPopularModels} ranks models. */
export type PopularSortBy = 'worker_count' | 'usage_day' | 'usage_month' | 'usage_total'

/** A model of the reference the AI Horde serves, with its live numbers. */
export interface PopularModel<C extends ModelReferenceCategory = ModelReferenceCategory> {
  /** The model's name in the reference. */
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
  readonly usage:
    | {
        /** Requests served in the last day. */
        readonly day: number
        /** Requests served in the last month. */
        readonly month: number
        /** Requests served since the Horde began counting. */
        readonly total: number
      }
    | undefined
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
export type PopularModelWorker = Omit<HordeWorker, 'models'>

const SORTS: readonly PopularSortBy[] = ['worker_count', 'usage_day', 'usage_month', 'usage_total']

/** Options of {@link getPopularModels}. */
export interface PopularModelsOptions extends ReadOptions {
  /** How many models to return. @default 10 */
  readonly limit?: number | undefined
  /** How to rank them: by workers serving them now, or by requests served. @default 'worker_count' */
  readonly sortBy?: PopularSortBy | undefined
  /**
   * Also list each model's workers (`workers`), from `{hordeApiUrl}/v2/workers`, cached like
   * the status. Without it that endpoint is never asked. @default false
   */
  readonly includeWorkers?: boolean | undefined
}

type RankedCategory = HordeCategory

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
 * @param client The client (or the `ModelReferenceManager`): its reference copy, and its cache of the Horde's answers.
 * @param category The category; only `'image_generation'` and `'text_generation'` give models.
 * @param options `limit`, `sortBy`, `includeWorkers`, and a read's `signal` and `source`.
 * @throws {SourcesUnavailableError} when the Horde cannot be reached and nothing is cached.
 * @throws {RangeError} when `limit` is not a whole number >= 0.
 * @throws {TypeError} when `sortBy` is not a {@link PopularSortBy}.
 */
export async function getPopularModels<C extends ModelReferenceCategory>(client: ModelReferenceClient, category: C, options: PopularModelsOptions = {}): Promise<PopularModel<C>[]> {
  const internals = getInternals(client)
  assertCategory(category)
  checkOptions('getPopularModels', options, { ...READ_OPTION_NAMES, limit: 1, sortBy: 1, includeWorkers: 1 } satisfies KnownOptions<PopularModelsOptions>)
  // The read's own options: `undefined` for one means its default.
  const { limit = 10, sortBy = 'worker_count', includeWorkers, ...read } = options
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a whole number >= 0.')
  if (!SORTS.includes(sortBy)) throw new TypeError(`sortBy must be one of ${SORTS.join(', ')}.`)
  if (category !== 'image_generation' && category !== 'text_generation') return []
  const ranked = category as RankedCategory
  const [models, status, stats, workers] = await Promise.all([
    client.getModelReference(ranked, read),
    hordeStatus(internals, ranked, read),
    sortBy === 'worker_count' ? undefined : hordeStats(internals, ranked, read),
    includeWorkers === true ? hordeWorkers(internals, ranked, read) : undefined,
  ])
  return rankPopularModels(models, status.value, stats?.value, sortBy, limit, workers?.value) as unknown as PopularModel<C>[]
}

/**
 * Joins the Horde's numbers with the reference: only models of the reference are returned, and
 * a text model's backend variants (`aphrodite/...`, `koboldcpp/...`) count as the model. Given
 * `workers` (the Horde's worker list), each model lists the workers offering one of its names;
 * without it, `workers` is `undefined`.
 *
 * @param models A category's records (`result.models`).
 * @param status The Horde's `/v2/status/models` entries for that category.
 * @param stats The Horde's `/v2/stats/.../models` counts; needed unless `sortBy` is `'worker_count'`.
 * @param sortBy How to rank the models.
 * @param limit How many models to return at most.
 * @param workers The Horde's `/v2/workers` list, to fill each model's `workers`.
 */
export function rankPopularModels<C extends 'image_generation' | 'text_generation'>(
  models: ModelMap<C>,
  status: readonly ActiveModel[],
  stats: ModelStats | undefined,
  sortBy: PopularSortBy,
  limit: number,
  workers?: readonly HordeWorker[],
): PopularModel<C>[] {
  // The same join as getModelAvailability: popular models are those the Horde serves.
  const { models: all } = joinAvailability(models, status)
  const canonical = new Map<string, string>()
  for (const model of all) for (const variant of getModelNameVariants(model.name)) if (!canonical.has(variant)) canonical.set(variant, model.name)
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
  const ranked: PopularModel<C>[] = all
    .filter((model) => model.served)
    .map(({ name, record, workerCount, jobs, queued, performance, eta }) => ({
      name,
      record,
      workerCount,
      jobs,
      queued,
      performance,
      eta,
      usage: usageOf(name),
      workers: workers === undefined ? undefined : (workersOf.get(name) ?? []),
    }))
  const score = (model: PopularModel<C>): number => (sortBy === 'worker_count' ? model.workerCount : model.usage![sortBy === 'usage_day' ? 'day' : sortBy === 'usage_month' ? 'month' : 'total'])
  ranked.sort((a, b) => score(b) - score(a) || (a.name < b.name ? -1 : 1))
  return ranked.slice(0, limit)
}
