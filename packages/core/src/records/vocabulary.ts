// Upstream's enums and their run-time registries (`register_image_baseline` and friends):
// registering a value makes it known everywhere, validation included.
import { checkOptions, type KnownOptions } from '../options-check.js'

/** What the SDK knows about an image-generation baseline. */
export interface ImageBaselineDescriptor {
  /** The canonical name, such as `'stable_diffusion_xl'`. */
  readonly name: string
  /** The side of the square it was trained at, in pixels; `null` for `infer`. */
  readonly nativeResolution: number | null
  /** Other spellings accepted as this baseline (matched exactly, case-sensitively). */
  readonly alternativeNames: readonly string[]
}

const BUILT_IN_BASELINES = [
  ['infer', null, []],
  ['stable_diffusion_1', 512, ['stable diffusion 1', 'stable diffusion 1.4', 'stable diffusion 1.5', 'SD1', 'SD14', 'SD1.4', 'SD15', 'SD1.5', 'stable_diffusion', 'stable_diffusion_1.4', 'stable_diffusion_1.5']],
  ['stable_diffusion_2_768', 768, []],
  ['stable_diffusion_2_512', 512, []],
  ['stable_diffusion_xl', 1024, ['stable diffusion xl', 'SDXL']],
  ['stable_cascade', 1024, ['stable cascade']],
  ['flux_1', 1024, []],
  ['flux_schnell', 1024, ['flux schnell']],
  ['flux_dev', 1024, ['flux dev']],
  ['qwen_image', 1024, ['qwen image', 'qwen-image', 'qwen']],
  ['z_image_turbo', 1024, ['z image turbo', 'zimage-turbo', 'zimage']],
] as const

/** The image-generation baselines upstream knows (`KNOWN_IMAGE_GENERATION_BASELINE`); each value equals its key. */
export const KNOWN_IMAGE_GENERATION_BASELINE = /* @__PURE__ */ Object.freeze(
  Object.fromEntries(BUILT_IN_BASELINES.map(([name]) => [name, name])) as { readonly [K in (typeof BUILT_IN_BASELINES)[number][0]]: K },
)

/** A baseline upstream knows. */
export type KnownImageBaseline = keyof typeof KNOWN_IMAGE_GENERATION_BASELINE

const baselines = new Map<string, ImageBaselineDescriptor>()
// Every accepted spelling (canonical and alternative) -> the canonical name.
const baselineSpellings = new Map<string, string>()

/**
 * Registers an image baseline (or adds alternative names to a known one), as upstream's
 * `register_image_baseline`. It is then valid in records, found by {@link normalizeBaseline}
 * and by the query builder's `forBaseline`.
 *
 * @example
 * ```ts
 * registerImageBaseline('flux_2', { nativeResolution: 1024, alternativeNames: ['flux 2'] })
 * ```
 * @param name The canonical name, as records spell it (`'flux_2'`).
 * @param options `nativeResolution` (the side of the square it was trained at, in pixels; `null` when it has none) and `alternativeNames` (other spellings, matched exactly).
 * @throws {TypeError} for an empty name.
 */
export function registerImageBaseline(name: string, options: { nativeResolution?: number | null | undefined; alternativeNames?: readonly string[] | undefined } = {}): ImageBaselineDescriptor {
  if (typeof name !== 'string' || name === '') throw new TypeError('A baseline needs a non-empty name.')
  checkOptions('registerImageBaseline', options, { nativeResolution: 1, alternativeNames: 1 } satisfies KnownOptions<typeof options>)
  const existing = baselines.get(name)
  const descriptor: ImageBaselineDescriptor = Object.freeze({
    name,
    nativeResolution: options.nativeResolution !== undefined ? options.nativeResolution : (existing?.nativeResolution ?? null),
    alternativeNames: Object.freeze([...new Set([...(existing?.alternativeNames ?? []), ...(options.alternativeNames ?? [])])]),
  })
  baselines.set(name, descriptor)
  baselineSpellings.set(name, name)
  for (const alternative of descriptor.alternativeNames) baselineSpellings.set(alternative, name)
  return descriptor
}

for (const [name, nativeResolution, alternativeNames] of BUILT_IN_BASELINES) registerImageBaseline(name, { nativeResolution, alternativeNames })

/** `true` for a registered baseline or one of its alternative names (exact, case-sensitive match). */
export function isKnownImageBaseline(value: string): boolean {
  return baselineSpellings.has(value)
}

/**
 * The canonical name of a baseline given by any accepted spelling (`'SDXL'` ->
 * `'stable_diffusion_xl'`), or `undefined` when it is not registered.
 */
export function normalizeBaseline(value: string): string | undefined {
  return baselineSpellings.get(value)
}

/** The descriptor of a baseline given by any accepted spelling, or `undefined`. */
export function getBaselineDescriptor(value: string): ImageBaselineDescriptor | undefined {
  const name = baselineSpellings.get(value)
  return name === undefined ? undefined : baselines.get(name)
}

/** The native resolution of a baseline given by any accepted spelling (`'SDXL'` -> 1024), or `undefined`. */
export function getBaselineNativeResolution(value: string): number | null | undefined {
  return getBaselineDescriptor(value)?.nativeResolution
}

/** Every registered baseline. */
export function getAllImageBaselines(): readonly ImageBaselineDescriptor[] {
  return [...baselines.values()]
}

/**
 * The registered baselines trained at `pixels` (the side of the square), in registration order:
 * upstream's `get_baselines_by_resolution`. Registered baselines are included.
 *
 * @example
 * ```ts
 * getBaselinesByNativeResolution(768).map((b) => b.name) // ['stable_diffusion_2_768']
 * ```
 */
export function getBaselinesByNativeResolution(pixels: number): readonly ImageBaselineDescriptor[] {
  return [...baselines.values()].filter((descriptor) => descriptor.nativeResolution === pixels)
}

/** The frozen enum of a registry's built-in members: each value equals its key. */
function enumOf<const T extends readonly string[]>(builtIn: T): { readonly [K in T[number]]: K } {
  return Object.freeze(Object.fromEntries(builtIn.map((value) => [value, value]))) as { readonly [K in T[number]]: K }
}

function register(members: Set<string>, value: string): void {
  if (typeof value !== 'string' || value === '') throw new TypeError('A registered name must be a non-empty string.')
  members.add(value)
}

// Each registry is a set that grows at run time, beside the frozen enum of its built-in members;
// everything is built on first use of its module and left out of bundles that use none of it.
const STYLES = ['generalist', 'anime', 'furry', 'artistic', 'other', 'realistic'] as const
const CONTROLNET_STYLES = [
  'control_seg',
  'control_scribble',
  'control_fakescribbles',
  'control_openpose',
  'control_normal',
  'control_mlsd',
  'control_hough',
  'control_hed',
  'control_canny',
  'control_depth',
  'control_qr',
  'control_qr_xl',
  'control_lineart',
  'control_lineart_anime',
  'control_normal_bae',
  'control_recolor',
  'control_tile',
] as const
const DOMAINS = ['image', 'text', 'video', 'audio', 'rendered_3d'] as const
const PURPOSES = ['generation', 'post_processing', 'auxiliary_or_patch', 'feature_extractor', 'safety_checker', 'miscellaneous'] as const

const styles = /* @__PURE__ */ new Set<string>(STYLES)
const controlnetStyles = /* @__PURE__ */ new Set<string>(CONTROLNET_STYLES)
const domains = /* @__PURE__ */ new Set<string>(DOMAINS)
const purposes = /* @__PURE__ */ new Set<string>(PURPOSES)

/** Model styles (`MODEL_STYLE`). */
export const MODEL_STYLE = /* @__PURE__ */ enumOf(STYLES)
/** A model style upstream knows. */
export type ModelStyle = keyof typeof MODEL_STYLE
/** ControlNet styles (`CONTROLNET_STYLE`). */
export const CONTROLNET_STYLE = /* @__PURE__ */ enumOf(CONTROLNET_STYLES)
/** A ControlNet style upstream knows. */
export type ControlNetStyle = keyof typeof CONTROLNET_STYLE
/** Model domains (`MODEL_DOMAIN`). */
export const MODEL_DOMAIN = /* @__PURE__ */ enumOf(DOMAINS)
/** A model domain upstream knows. */
export type ModelDomain = keyof typeof MODEL_DOMAIN
/** Model purposes (`MODEL_PURPOSE`). */
export const MODEL_PURPOSE = /* @__PURE__ */ enumOf(PURPOSES)
/** A model purpose upstream knows. */
export type ModelPurpose = keyof typeof MODEL_PURPOSE

/** `true` for a registered model style. */
export const isKnownModelStyle = (value: string): boolean => styles.has(value)
/** Registers a model style: records with it validate without a warning. */
export const registerModelStyle = (value: string): void => register(styles, value)
/** `true` for a registered ControlNet style. */
export const isKnownControlNetStyle = (value: string): boolean => controlnetStyles.has(value)
/** Registers a ControlNet style. */
export const registerControlNetStyle = (value: string): void => register(controlnetStyles, value)
/** `true` for a registered model domain. */
export const isKnownModelDomain = (value: string): boolean => domains.has(value)
/** Registers a model domain. */
export const registerModelDomain = (value: string): void => register(domains, value)
/** `true` for a registered model purpose. */
export const isKnownModelPurpose = (value: string): boolean => purposes.has(value)
/** Registers a model purpose. */
export const registerModelPurpose = (value: string): void => register(purposes, value)

// The list is written inside the call: a spread or a shared constant would keep it in bundles
// that never use tags (a bundler cannot prove iterating an array free of side effects).
/**
 * The tags upstream knows from the start (`KNOWN_TAGS`), in its order; {@link getKnownTags}
 * adds those registered since. Records may carry any tag: none is checked against this list, as
 * upstream.
 */
export const KNOWN_TAGS = /* @__PURE__ */ Object.freeze(['anime', 'manga', 'cyberpunk', 'tv show', 'booru', 'retro', 'character', 'hentai', 'scenes', 'low poly', 'cg', 'sketch', 'high resolution', 'landscapes', 'comic', 'cartoon', 'painting', 'game'] as const)
/** A tag of upstream's initial registry. */
export type KnownTag = (typeof KNOWN_TAGS)[number]
const tags = /* @__PURE__ */ new Set<string>(KNOWN_TAGS)
/** `true` for a tag of upstream's initial list or a registered one (exact, case-sensitive match). */
export const isKnownTag = (value: string): boolean => tags.has(value)
/**
 * Registers a tag (upstream's `register_tag`): {@link isKnownTag} and {@link getKnownTags} then
 * know it. Tags in records are never validated, so this only feeds those two.
 *
 * @example
 * ```ts
 * registerTag('pixel art')
 * isKnownTag('pixel art') // true
 * ```
 */
export const registerTag = (value: string): void => register(tags, value)
/** Every known tag: upstream's initial list, then those registered, in registration order (upstream's `get_known_tags`). */
export const getKnownTags = (): readonly string[] => Object.freeze([...tags])
