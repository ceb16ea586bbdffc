import { getAllImageBaselines, getBaselineDescriptor, normalizeBaseline } from '../records/vocabulary.js'
import { isObjectLike, ownString } from './read.js'

/** One row of {@link BASE_MODEL_SPELLINGS}. */
export interface BaseModelSpelling {
  /** The base model as model sites (CivitAI and others) write it, such as `'SDXL 1.0'`. */
  readonly spelling: string
  /** The SDK's canonical baseline it maps to. */
  readonly baseline: string
  /** Why, when it is not obvious. */
  readonly note?: string
}

const XL_ARCHITECTURE = 'an SDXL fine-tune: SDXL architecture'

/**
 * The SDK's own table of base-model names as model sites write them (CivitAI's "Base Model"
 * list and the like), mapped to the SDK's canonical baselines. It is written for this SDK from
 * the names as commonly listed; it is not upstream data. Matching ignores case, spaces and
 * punctuation (`'sdxl-1.0'` is `'SDXL 1.0'`). Names with no fitting baseline are deliberately
 * absent (`'SD 3'`, `'SD 3.5'`, `'SD 2.1 Unclip'`, `'Flux.1 Kontext'`, `'Pony V7'`, video models,
 * `'Other'`, ...), so {@link baseModelToBaseline} answers `undefined` for them.
 *
 * @example
 * ```ts
 * BASE_MODEL_SPELLINGS.find((row) => row.spelling === 'Pony')?.baseline // 'stable_diffusion_xl'
 * ```
 */
export const BASE_MODEL_SPELLINGS: readonly BaseModelSpelling[] = /* @__PURE__ */ Object.freeze(
  (
    [
      ['SD 1.4', 'stable_diffusion_1'],
      ['SD 1.5', 'stable_diffusion_1'],
      ['SD 1.5 LCM', 'stable_diffusion_1', 'an SD 1.5 LCM distillation: SD 1.5 architecture'],
      ['SD 1.5 Hyper', 'stable_diffusion_1', 'an SD 1.5 Hyper-SD distillation: SD 1.5 architecture'],
      ['SD 2.0', 'stable_diffusion_2_512', 'the 512 px base model'],
      ['SD 2.0 768', 'stable_diffusion_2_768'],
      ['SD 2.1', 'stable_diffusion_2_512', 'the 512 px base model'],
      ['SD 2.1 768', 'stable_diffusion_2_768'],
      ['stable diffusion 2', 'stable_diffusion_2_768', "upstream's legacy spelling (its legacy-to-v2 conversion)"],
      ['stable diffusion 2 512', 'stable_diffusion_2_512', "upstream's legacy spelling (its legacy-to-v2 conversion)"],
      ['SDXL 0.9', 'stable_diffusion_xl'],
      ['SDXL 1.0', 'stable_diffusion_xl'],
      ['SDXL 1.0 LCM', 'stable_diffusion_xl', 'an SDXL LCM distillation: SDXL architecture'],
      ['SDXL Turbo', 'stable_diffusion_xl', 'an SDXL distillation: SDXL architecture'],
      ['SDXL Lightning', 'stable_diffusion_xl', 'an SDXL distillation: SDXL architecture'],
      ['SDXL Hyper', 'stable_diffusion_xl', 'an SDXL distillation: SDXL architecture'],
      ['Pony', 'stable_diffusion_xl', `Pony Diffusion V6 XL, ${XL_ARCHITECTURE} (not 'Pony V7')`],
      ['Pony V6', 'stable_diffusion_xl', `Pony Diffusion V6 XL, ${XL_ARCHITECTURE}`],
      ['Pony V6 XL', 'stable_diffusion_xl', `Pony Diffusion V6 XL, ${XL_ARCHITECTURE}`],
      ['Illustrious', 'stable_diffusion_xl', XL_ARCHITECTURE],
      ['Illustrious XL', 'stable_diffusion_xl', XL_ARCHITECTURE],
      ['NoobAI', 'stable_diffusion_xl', XL_ARCHITECTURE],
      ['NoobAI XL', 'stable_diffusion_xl', XL_ARCHITECTURE],
      ['Stable Cascade', 'stable_cascade'],
      ['Flux.1 D', 'flux_dev'],
      ['Flux.1 Dev', 'flux_dev', "also written 'FLUX.1 [dev]'"],
      ['Flux.1 S', 'flux_schnell'],
      ['Flux.1 Schnell', 'flux_schnell', "also written 'FLUX.1 [schnell]'"],
      ['Qwen', 'qwen_image', 'Qwen-Image'],
      ['ZImageTurbo', 'z_image_turbo'],
      ['Z-Image Turbo', 'z_image_turbo'],
    ] as const
  ).map(([spelling, baseline, note]: readonly [string, string, string?]) => Object.freeze(note === undefined ? { spelling, baseline } : { spelling, baseline, note })),
)

/** Lower case, letters and digits only: `'Flux.1 D'` -> `'flux1d'`. */
function squash(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/[^a-z0-9]/g, '')
}

let tableIndex: Map<string, string> | undefined
function table(): Map<string, string> {
  tableIndex ??= new Map(BASE_MODEL_SPELLINGS.map((row) => [squash(row.spelling), row.baseline]))
  return tableIndex
}

/** The registered baseline whose canonical or alternative name squashes to `key`; `undefined` when none or several do. */
function registeredBySquash(key: string): string | undefined {
  const found = new Set<string>()
  for (const descriptor of getAllImageBaselines()) {
    for (const spelling of [descriptor.name, ...descriptor.alternativeNames]) if (squash(spelling) === key) found.add(descriptor.name)
  }
  return found.size === 1 ? [...found][0] : undefined
}

/**
 * The canonical baseline of a LoRA's or embedding's base model, given as model sites write it
 * (`'SD 1.5'`, `'SDXL 1.0'`, `'Pony'`, `'Flux.1 D'`, ...), from the SDK's table
 * {@link BASE_MODEL_SPELLINGS}; then the SDK's own spellings ({@link normalizeBaseline}, also
 * matched ignoring case, spaces and punctuation, registered baselines included). `undefined`
 * when nothing matches or the argument is not a string: a base model the SDK has no baseline
 * for (`'SD 3'`, `'SD 3.5'`, `'Hunyuan Video'`, `'Wan Video'`, `'Other'`) is never guessed.
 *
 * @example
 * ```ts
 * baseModelToBaseline('SDXL Lightning') // 'stable_diffusion_xl'
 * baseModelToBaseline('flux.1-d') // 'flux_dev'
 * baseModelToBaseline('SD 3.5') // undefined
 * ```
 */
export function baseModelToBaseline(name: string): string | undefined {
  if (typeof name !== 'string') return undefined
  const key = squash(name)
  if (key === '') return undefined
  const baseline = table().get(key) ?? normalizeBaseline(name) ?? normalizeBaseline(name.trim()) ?? registeredBySquash(key)
  // `infer` is the absence of a baseline, not a base model.
  return baseline === 'infer' ? undefined : baseline
}

/**
 * An image baseline given as a string (any spelling {@link baseModelToBaseline} knows) or as the
 * `baseline` field of a record; `undefined` when absent or unknown.
 */
export function resolveImageBaseline(recordOrBaseline: object | string, what: string): string | undefined {
  if (typeof recordOrBaseline === 'string') return baseModelToBaseline(recordOrBaseline)
  if (!isObjectLike(recordOrBaseline)) throw new TypeError(`${what} must be an image record or a baseline name, got ${recordOrBaseline === null ? 'null' : typeof recordOrBaseline}.`)
  const baseline = ownString(recordOrBaseline, 'baseline')
  return baseline === undefined ? undefined : baseModelToBaseline(baseline)
}

// Baselines that share an architecture, so that add-ons trained on one load on the others.
const FAMILIES: readonly (readonly string[])[] = [
  ['stable_diffusion_2_768', 'stable_diffusion_2_512'],
  ['flux_1', 'flux_dev', 'flux_schnell'],
]

/** The family of a canonical baseline: the baseline itself unless it is in {@link FAMILIES}. */
function familyOf(baseline: string): string {
  return FAMILIES.find((family) => family.includes(baseline))?.[0] ?? baseline
}

/**
 * Whether a LoRA or textual inversion whose base model is `baseModel` (as model sites write it,
 * see {@link baseModelToBaseline}) fits an image model, given as its record or its baseline.
 * Baselines are compared by architecture family: SD 2.x 512 and 768 are one family, and so are
 * `flux_1`, `flux_dev` and `flux_schnell` (Flux.1, one architecture). `'unknown'` when either
 * side's baseline is unknown or absent, or when the image model's baseline is `infer`.
 *
 * @example
 * ```ts
 * fitsBaseline('Pony', 'stable_diffusion_xl') // true
 * fitsBaseline('SD 1.5', { baseline: 'stable_diffusion_xl' }) // false
 * fitsBaseline('SD 2.1 768', 'stable_diffusion_2_512') // true
 * fitsBaseline('SD 3.5', 'stable_diffusion_xl') // 'unknown'
 * ```
 * @param baseModel A model site's base-model name, such as `'Pony'` or `'SD 1.5'`.
 * @param imageRecordOrBaseline An image record, or its baseline.
 */
export function fitsBaseline(baseModel: string, imageRecordOrBaseline: object | string): boolean | 'unknown' {
  const image = resolveImageBaseline(imageRecordOrBaseline, 'fitsBaseline: the image model')
  const base = baseModelToBaseline(baseModel)
  if (base === undefined || image === undefined || base === 'infer' || image === 'infer') return 'unknown'
  return familyOf(base) === familyOf(image)
}

/**
 * The native resolution (the side of the square, in pixels) of an image model's baseline, from
 * the SDK's baseline descriptor: 512 for SD 1.x, 768 or 512 for SD 2.x, 1024 for SDXL, Stable
 * Cascade, Flux, Qwen-Image and Z-Image Turbo. Takes a record (its `baseline` field) or a
 * baseline in any spelling {@link baseModelToBaseline} knows. `undefined` for `infer`, an
 * unknown baseline, or a record without one.
 *
 * @example
 * ```ts
 * nativeResolution('stable_diffusion_xl') // 1024
 * nativeResolution({ baseline: 'stable diffusion 1' }) // 512
 * nativeResolution('SD 2.1 768') // 768
 * ```
 */
export function nativeResolution(recordOrBaseline: object | string): number | undefined {
  const baseline = resolveImageBaseline(recordOrBaseline, 'nativeResolution: the argument')
  if (baseline === undefined) return undefined
  return getBaselineDescriptor(baseline)?.nativeResolution ?? undefined
}
