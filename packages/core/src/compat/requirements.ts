import { elementsOf, isObjectLike, own, ownKeys, ownObject, requireRecord } from './read.js'

/**
 * The AI Horde image generation parameters {@link applyRequirements} reads and writes, by their
 * AI Horde API names (`params` of `POST /v2/generate/async`). The Horde has no scheduler name:
 * its one scheduler switch is `karras` (`true` for the Karras noise schedule). Other
 * parameters are copied through untouched.
 */
export interface ImageGenerationParams {
  /** Sampling steps. */
  steps?: number
  /** Classifier-free guidance scale. */
  cfg_scale?: number
  /** CLIP layers to skip (1 = none). */
  clip_skip?: number
  /** The Horde's sampler name, such as `'k_euler_a'`. */
  sampler_name?: string
  /** `true` for the Karras noise schedule. */
  karras?: boolean
  /** The image's width in pixels. */
  width?: number
  /** The image's height in pixels. */
  height?: number
}

/** One parameter {@link applyRequirements} changed. */
export interface RequirementChange {
  /** The parameter, such as `'steps'`. */
  readonly field: string
  /** Its value before (`undefined` when it was not given). */
  readonly before: unknown
  /** Its value now. */
  readonly after: unknown
  /** The requirement that changed it, such as `'requirements.max_steps is 6'`. */
  readonly reason: string
}

/** What {@link applyRequirements} returns. */
export interface AppliedRequirements<P> {
  /** A new parameters object (a shallow copy of the input with the changes made). */
  readonly params: P
  /** Every change, in the order made. */
  readonly changes: readonly RequirementChange[]
  /** Requirement keys the SDK does not know, in the record's order: reported, not applied. */
  readonly unknownRequirements: readonly string[]
  /**
   * Known requirement keys not applied because their value has the wrong type or contradicts
   * another (`min_steps` above `max_steps`, `cfg_scale` outside `min_cfg_scale`..`max_cfg_scale`).
   */
  readonly invalidRequirements: readonly string[]
}

/**
 * The requirement keys {@link applyRequirements} applies: every key the real image records use
 * (`clip_skip` 26 records, `samplers` 4, `min_steps` 3, `max_steps` 3, `schedulers` 2,
 * `max_cfg_scale` 2, `cfg_scale` 1, `min_cfg_scale` 1). Upstream's schema allows any key.
 *
 * @example
 * ```ts
 * KNOWN_REQUIREMENTS.includes('clip_skip') // true
 * ```
 */
export const KNOWN_REQUIREMENTS = /* @__PURE__ */ Object.freeze(['min_steps', 'max_steps', 'cfg_scale', 'min_cfg_scale', 'max_cfg_scale', 'clip_skip', 'samplers', 'schedulers'] as const)

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const asNumber = (value: unknown): number | undefined => (isFiniteNumber(value) ? value : undefined)
const asCount = (value: unknown): number | undefined => (isFiniteNumber(value) && Number.isInteger(value) && value >= 1 ? value : undefined)

/** A non-empty list of non-empty strings, or `undefined`. */
function nameList(value: unknown): readonly string[] | undefined {
  let isArray: boolean
  try {
    isArray = Array.isArray(value)
  } catch {
    return undefined
  }
  if (!isArray) return undefined
  const items = elementsOf(value as readonly unknown[])
  return items.length > 0 && items.every((item) => typeof item === 'string' && item.trim() !== '') ? (items as readonly string[]) : undefined
}

/**
 * Fits AI Horde generation parameters to an image record's `requirements`, returning new
 * parameters (the input is never changed) and every change with its reason:
 *
 * - `min_steps` / `max_steps`: a given `steps` is clamped into the range.
 * - `cfg_scale`: `cfg_scale` is set to it (given or not); otherwise `min_cfg_scale` /
 *   `max_cfg_scale` clamp a given `cfg_scale`.
 * - `clip_skip`: `clip_skip` is set to it (given or not).
 * - `samplers`: a given `sampler_name` not in the list becomes the list's first; when none is
 *   given, a one-item list sets it (a longer list leaves the choice to the Horde).
 * - `schedulers`: mapped to the Horde's `karras` switch. `['karras']` sets `karras: true`; a
 *   list without `'karras'` sets `karras: false`; a list with `'karras'` and others changes
 *   nothing.
 *
 * A range only corrects a value that is given: with `steps` or `cfg_scale` left out, the Horde
 * uses its own default, which the range may exclude; pass them to be sure. A given value of
 * the wrong type is left as it is by a range, replaced by a set value. Unknown keys are listed
 * in `unknownRequirements` and known keys with unusable values in `invalidRequirements`; neither
 * is applied. A record without `requirements` gives a copy of the parameters and no changes.
 *
 * @throws TypeError when `record` or `params` is not an object.
 * @example
 * ```ts
 * const images = await client.getModelReference('image_generation')
 * const { params, changes } = applyRequirements(images['DreamShaper XL']!, { steps: 30, cfg_scale: 7, sampler_name: 'k_euler_a' })
 * // params: { steps: 6, cfg_scale: 2, sampler_name: 'k_dpmpp_sde', karras: true }
 * // changes[0]: { field: 'steps', before: 30, after: 6, reason: 'requirements.max_steps is 6' }
 * ```
 * @param record An image record (its `requirements` are read).
 * @param params The generation parameters as you would send them; not modified.
 */
export function applyRequirements<P extends ImageGenerationParams>(record: object, params: P): AppliedRequirements<P> {
  requireRecord(record, 'applyRequirements: the image record')
  if (!isObjectLike(params)) throw new TypeError(`applyRequirements: params must be an object, got ${params === null ? 'null' : typeof params}.`)
  const out: Record<string, unknown> = { ...(params as object) }
  const changes: RequirementChange[] = []
  const unknownRequirements: string[] = []
  const invalid = new Set<string>()
  const result = (): AppliedRequirements<P> =>
    Object.freeze({ params: out as P, changes: Object.freeze(changes), unknownRequirements: Object.freeze(unknownRequirements), invalidRequirements: Object.freeze([...invalid]) })

  const requirements = ownObject(record, 'requirements')
  if (requirements === undefined) return result()
  const keys = ownKeys(requirements)
  const known = new Set<string>(KNOWN_REQUIREMENTS)
  for (const key of keys) if (!known.has(key)) unknownRequirements.push(key)
  const has = (key: string): boolean => keys.includes(key)
  const current = (field: string): unknown => own(out, field)
  const set = (field: string, after: unknown, reason: string): void => {
    const before = current(field)
    if (Object.is(before, after)) return
    out[field] = after
    changes.push(Object.freeze({ field, before, after, reason }))
  }
  /** A valid requirement value, or `undefined` (recording an invalid one). */
  const read = <T>(key: string, parse: (value: unknown) => T | undefined): T | undefined => {
    if (!has(key)) return undefined
    const value = parse(own(requirements, key))
    if (value === undefined) invalid.add(key)
    return value
  }
  const clamp = (field: string, minKey: string, maxKey: string, parse: (value: unknown) => number | undefined): void => {
    const min = read(minKey, parse)
    const max = read(maxKey, parse)
    if (min !== undefined && max !== undefined && min > max) {
      invalid.add(minKey).add(maxKey)
      return
    }
    const value = current(field)
    if (!isFiniteNumber(value)) return
    if (min !== undefined && value < min) set(field, min, `requirements.${minKey} is ${min}`)
    else if (max !== undefined && value > max) set(field, max, `requirements.${maxKey} is ${max}`)
  }

  clamp('steps', 'min_steps', 'max_steps', asCount)

  const cfg = read('cfg_scale', asNumber)
  if (cfg === undefined) clamp('cfg_scale', 'min_cfg_scale', 'max_cfg_scale', asNumber)
  else {
    const min = read('min_cfg_scale', asNumber)
    const max = read('max_cfg_scale', asNumber)
    if (min !== undefined && cfg < min) invalid.add('min_cfg_scale')
    if (max !== undefined && cfg > max) invalid.add('max_cfg_scale')
    set('cfg_scale', cfg, `requirements.cfg_scale is ${cfg}`)
  }

  const clipSkip = read('clip_skip', asCount)
  if (clipSkip !== undefined) set('clip_skip', clipSkip, `requirements.clip_skip is ${clipSkip}`)

  const samplers = read('samplers', nameList)
  if (samplers !== undefined) {
    const sampler = current('sampler_name')
    const reason = samplers.length === 1 ? `requirements.samplers allows only ${samplers[0]}` : `requirements.samplers allows ${samplers.join(', ')}`
    if (sampler === undefined) {
      if (samplers.length === 1) set('sampler_name', samplers[0], reason)
    } else if (typeof sampler !== 'string' || !samplers.includes(sampler)) set('sampler_name', samplers[0], reason)
  }

  const schedulers = read('schedulers', nameList)
  if (schedulers !== undefined) {
    const karras = schedulers.some((name) => name.trim().toLowerCase() === 'karras')
    const others = schedulers.filter((name) => name.trim().toLowerCase() !== 'karras')
    if (karras && others.length === 0) set('karras', true, 'requirements.schedulers allows only karras')
    else if (!karras) set('karras', false, `requirements.schedulers (${schedulers.join(', ')}) does not allow karras`)
  }
  return result()
}
