/**
 * Every image or text model of the reference with its live numbers on the AI Horde (worker
 * counts, queue, ETA): {@link getModelAvailability}, the pure join behind it
 * ({@link joinAvailability}) and a random available model ({@link pickAvailableModel}).
 *
 * @module @horde-model-reference/core/availability
 */
import { READ_OPTION_NAMES, type ReadOptions } from './cache/result.js'
import { checkOptions, type KnownOptions } from './options-check.js'
import { assertCategory } from './categories.js'
import type { ModelReferenceClient } from './client.js'
import { getInternals } from './client-internals.js'
import { getModelNameVariants } from './convert/text-names.js'
import { hordeStatus, type ActiveModel, type HordeCategory } from './horde-api.js'
import type { ModelMap, RecordFor } from './records/types.js'

/** The AI Horde's live numbers for a model. */
export interface LiveNumbers {
  /** Workers serving it now (a text model's backend variants added up). */
  readonly workerCount: number
  /** Jobs waiting for it. */
  readonly jobs: number
  /** Work queued for it (megapixelsteps for images, tokens for text). */
  readonly queued: number
  /** Its throughput as the Horde reports it (the highest of its variants). */
  readonly performance: number
  /** Expected wait in seconds (the longest of its variants). */
  readonly eta: number
}

/** A model of the reference with its live numbers: zeros when no worker serves it. */
export interface ModelAvailability<C extends HordeCategory = HordeCategory> extends LiveNumbers {
  /** The model's name in the reference. */
  readonly name: string
  /** The reference record. */
  readonly record: RecordFor<C>
  /** The Horde lists it now (under its name or, for a text model, a backend variant), maybe with 0 workers. */
  readonly served: boolean
  /** At least one worker serves it now. */
  readonly available: boolean
  /** The names the Horde lists it under (a text model's backend variants), in the Horde's order. */
  readonly servedAs: readonly string[]
}

/** A model the Horde's workers serve that the reference does not have, by the name the Horde uses. */
export interface UnlistedModel extends LiveNumbers {
  /** The name the Horde lists it under. */
  readonly name: string
}

/** Every model of a category with its availability (`getModelAvailability`). */
export interface ModelAvailabilityResult<C extends HordeCategory = HordeCategory> {
  /** The category joined: `'image_generation'` or `'text_generation'`. */
  readonly category: C
  /** Every model of the reference, in the reference's order. */
  readonly models: readonly ModelAvailability<C>[]
  /** The same, by name (no prototype). */
  readonly byName: Readonly<Record<string, ModelAvailability<C>>>
  /** Models the Horde serves that are not in the reference (served by workers, missing from the reference), most workers first. */
  readonly unlisted: readonly UnlistedModel[]
  /** How many models of the reference have at least one worker now. */
  readonly availableCount: number
  /** When the Horde's numbers were fetched, in ms since the epoch. */
  readonly fetchedAt: number
  /** The Horde's numbers are past `hordeApiTtlSeconds` (a refresh failed: `error` says why). */
  readonly stale: boolean
  /** Why the last refresh of the Horde's numbers failed, when they are served stale because of it. */
  readonly error?: Error
}

const ZERO: LiveNumbers = Object.freeze({ workerCount: 0, jobs: 0, queued: 0, performance: 0, eta: 0 })
const NONE: readonly string[] = Object.freeze([])

type Sum = { -readonly [K in keyof LiveNumbers]: LiveNumbers[K] }
function add(sum: Sum, entry: ActiveModel): void {
  sum.workerCount += entry.count
  sum.jobs += entry.jobs
  sum.queued += entry.queued
  sum.performance = Math.max(sum.performance, entry.performance)
  sum.eta = Math.max(sum.eta, entry.eta)
}

/**
 * Joins the Horde's status with the reference: every model of the reference with its numbers
 * (zeros when not served), and the served names the reference does not have. A text model's
 * backend variants (`koboldcpp/{model}`, `aphrodite/{author}/{model}`) count as the model.
 *
 * @param models A category's records (`result.models`).
 * @param status The Horde's `/v2/status/models` entries for that category.
 */
export function joinAvailability<C extends HordeCategory>(
  models: ModelMap<C>,
  status: readonly ActiveModel[],
): {
  /** Every model of the reference with its numbers, in the reference's order. */
  readonly models: readonly ModelAvailability<C>[]
  /** The same, by name (no prototype). */
  readonly byName: Readonly<Record<string, ModelAvailability<C>>>
  /** The served names the reference does not have, most workers first. */
  readonly unlisted: readonly UnlistedModel[]
} {
  const canonical = new Map<string, string>()
  for (const name of Object.keys(models)) for (const variant of getModelNameVariants(name)) if (!canonical.has(variant)) canonical.set(variant, name)
  const served = new Map<string, { sum: Sum; names: string[] }>()
  const unlisted = new Map<string, Sum>()
  for (const entry of status) {
    const name = canonical.get(entry.name)
    if (name === undefined) {
      const sum = unlisted.get(entry.name) ?? { ...ZERO }
      add(sum, entry)
      unlisted.set(entry.name, sum)
      continue
    }
    const hit = served.get(name) ?? { sum: { ...ZERO }, names: [] }
    add(hit.sum, entry)
    if (!hit.names.includes(entry.name)) hit.names.push(entry.name)
    served.set(name, hit)
  }
  const byName: Record<string, ModelAvailability<C>> = Object.create(null)
  const list = Object.keys(models).map((name) => {
    const hit = served.get(name)
    const numbers = hit?.sum ?? ZERO
    const availability: ModelAvailability<C> = Object.freeze({
      name,
      record: models[name] as RecordFor<C>,
      ...numbers,
      served: hit !== undefined,
      available: numbers.workerCount > 0,
      servedAs: hit === undefined ? NONE : Object.freeze(hit.names),
    })
    byName[name] = availability
    return availability
  })
  const others = [...unlisted].map(([name, numbers]) => Object.freeze({ name, ...numbers }))
  others.sort((a, b) => b.workerCount - a.workerCount || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { models: Object.freeze(list), byName: Object.freeze(byName), unlisted: Object.freeze(others) }
}

// The last result per (reference copy, Horde copy), so that an unchanged read gives the same object.
const MEMO = new WeakMap<object, WeakMap<object, { readonly stale: boolean; readonly error: Error | undefined; readonly result: ModelAvailabilityResult }>>()

/**
 * Every image or text model of the reference with its live availability on the AI Horde
 * (`{hordeApiUrl}/v2/status/models`): `workerCount`, `queued`, `jobs`, `eta`, `performance`
 * (zeros when no worker serves it), and the models the Horde serves that the reference does not
 * have (`unlisted`). A text model's backend variants count as the model. The Horde's answer is
 * cached like the reference (fresh for `hordeApiTtlSeconds`, one request for concurrent readers,
 * the last good answer served stale when the Horde fails); the same result object is returned
 * while neither copy changed.
 *
 * @example
 * ```ts
 * import { getModelAvailability } from '@horde-model-reference/core/availability'
 * const { models, unlisted } = await getModelAvailability(client, 'image_generation')
 * for (const m of models.filter((m) => m.available).slice(0, 3)) console.log(m.name, m.workerCount)
 * ```
 * @param client The client (or the `ModelReferenceManager`): its reference copy, and its cache of the Horde's answer.
 * @param category `'image_generation'` or `'text_generation'`.
 * @param options `signal` aborts the read; `source` selects the reference's sources.
 * @throws {TypeError} for a category the Horde reports nothing for (only image and text).
 * @throws {SourcesUnavailableError} when the Horde (or the reference) cannot be read and nothing is cached.
 */
export async function getModelAvailability<C extends HordeCategory>(client: ModelReferenceClient, category: C, options: ReadOptions = {}): Promise<ModelAvailabilityResult<C>> {
  const internals = getInternals(client)
  assertCategory(category)
  checkOptions('getModelAvailability', options, READ_OPTION_NAMES)
  if (category !== 'image_generation' && category !== 'text_generation') throw new TypeError(`The AI Horde reports live numbers for image_generation and text_generation only, not "${String(category)}".`)
  const [reference, status] = await Promise.all([client.getModelReferenceResult(category, options), hordeStatus(internals, category, options)])
  const models = reference.models as ModelMap<C>
  let memo = MEMO.get(models)
  if (memo === undefined) MEMO.set(models, (memo = new WeakMap()))
  const last = memo.get(status.value)
  if (last !== undefined && last.stale === status.stale && last.error === status.error) return last.result as unknown as ModelAvailabilityResult<C>
  const joined = joinAvailability(models, status.value)
  const result: ModelAvailabilityResult<C> = Object.freeze({
    category,
    ...joined,
    availableCount: joined.models.reduce((n, m) => n + (m.available ? 1 : 0), 0),
    fetchedAt: status.fetchedAt,
    stale: status.stale,
    ...(status.error !== undefined && { error: status.error }),
  })
  memo.set(status.value, { stale: status.stale, error: status.error, result: result as unknown as ModelAvailabilityResult })
  return result
}

/** Options of {@link pickAvailableModel}. */
export interface PickOptions<C extends HordeCategory> {
  /** Only models this accepts (a picker's current filters). */
  readonly filter?: ((model: ModelAvailability<C>) => boolean) | undefined
  /** Weigh each model by its workers, so that busy models are picked more often. @default false */
  readonly byWorkers?: boolean | undefined
  /** A random number in [0, 1). @default Math.random */
  readonly random?: (() => number) | undefined
}

/**
 * A random model that at least one worker serves now (ArtBot's "random model"), among those
 * `filter` accepts; `undefined` when none is.
 *
 * @param availability What {@link getModelAvailability} gave (only its `models` are read).
 * @param options `filter`, `byWorkers` and `random`.
 */
export function pickAvailableModel<C extends HordeCategory>(availability: Pick<ModelAvailabilityResult<C>, 'models'>, options: PickOptions<C> = {}): ModelAvailability<C> | undefined {
  checkOptions('pickAvailableModel', options, { filter: 1, byWorkers: 1, random: 1 } satisfies KnownOptions<PickOptions<HordeCategory>>)
  const { filter, byWorkers = false, random = Math.random } = options
  const candidates = availability.models.filter((model) => model.available && (filter === undefined || filter(model)))
  if (candidates.length === 0) return undefined
  const weights = candidates.map((model) => (byWorkers ? model.workerCount : 1))
  const total = weights.reduce((a, b) => a + b, 0)
  let target = Math.min(Math.max(random(), 0), 1 - Number.EPSILON) * total
  for (let i = 0; i < candidates.length; i++) {
    target -= weights[i]!
    if (target < 0) return candidates[i]
  }
  return candidates[candidates.length - 1]
}
