import { UnknownCategoryError } from './errors/unknown-category.js'

/**
 * Every category of the AI Horde model reference, as upstream's `MODEL_REFERENCE_CATEGORY`
 * names them. Each value equals its key, so a plain string works wherever a category does.
 *
 * @example
 * ```ts
 * import { MODEL_REFERENCE_CATEGORY } from '@horde-model-reference/core'
 * const models = await manager.getModelReference(MODEL_REFERENCE_CATEGORY.image_generation)
 * ```
 */
export const MODEL_REFERENCE_CATEGORY = Object.freeze({
  blip: 'blip',
  clip: 'clip',
  codeformer: 'codeformer',
  controlnet: 'controlnet',
  controlnet_annotator: 'controlnet_annotator',
  esrgan: 'esrgan',
  gfpgan: 'gfpgan',
  safety_checker: 'safety_checker',
  image_generation: 'image_generation',
  text_generation: 'text_generation',
  video_generation: 'video_generation',
  audio_generation: 'audio_generation',
  miscellaneous: 'miscellaneous',
  lora: 'lora',
  ti: 'ti',
} as const)

/** The name of a model reference category, such as `'image_generation'`. */
// Written as a `keyof` (the keys equal the values) so that compiler messages spell out the names.
export type ModelReferenceCategory = keyof typeof MODEL_REFERENCE_CATEGORY

/**
 * A category name as a parameter of a read: a category's name (`S` itself), or a wide `string`
 * (checked at run time, so names a server lists still work); any other string literal is
 * refused by the compiler, which then lists the valid names. Narrow a `string` with
 * {@link isModelReferenceCategory} to get records typed per category.
 */
export type CategoryName<S extends string> = S extends ModelReferenceCategory ? S : string extends S ? S : ModelReferenceCategory

/** Every category, in upstream's order. */
export const MODEL_REFERENCE_CATEGORIES: readonly ModelReferenceCategory[] = Object.freeze(
  Object.values(MODEL_REFERENCE_CATEGORY),
)

/** Categories whose data is managed elsewhere (`lora`, `ti`): always empty, never fetched. */
export type ManagedElsewhereCategory = 'lora' | 'ti'

/** Categories that the SDK fetches: every category except `lora` and `ti`. */
export type FetchableCategory = keyof Omit<typeof MODEL_REFERENCE_CATEGORY, ManagedElsewhereCategory>

/** Which legacy GitHub repository holds a category's fallback file. */
export type GithubSourceKind = 'image' | 'text'

/** What the SDK knows about one category: its classification and where its data lives. */
export interface CategoryDescriptor {
  /** The category's name. */
  readonly category: ModelReferenceCategory
  /** The domain of its models, as in upstream's `MODEL_DOMAIN`. */
  readonly domain: 'image' | 'text' | 'video' | 'audio'
  /** The purpose of its models, as in upstream's `MODEL_PURPOSE`. */
  readonly purpose:
    | 'generation'
    | 'post_processing'
    | 'auxiliary_or_patch'
    | 'feature_extractor'
    | 'safety_checker'
    | 'miscellaneous'
  /** The legacy GitHub repository of the fallback file, or `null` when there is no GitHub source. */
  readonly githubSource: GithubSourceKind | null
  /** The fallback file's name in that repository, or `null`. */
  readonly legacyFile: string | null
  /** `true` for `lora` and `ti`: upstream manages them elsewhere and serves no records. */
  readonly managedElsewhere: boolean
}

// Each category's domain, purpose, and GitHub repository with its legacy file ('' for none).
const TABLE: Readonly<Record<ModelReferenceCategory, readonly [CategoryDescriptor['domain'], CategoryDescriptor['purpose'], string?]>> = {
  blip: ['image', 'feature_extractor', 'image/blip.json'],
  clip: ['image', 'feature_extractor', 'image/clip.json'],
  codeformer: ['image', 'post_processing', 'image/codeformer.json'],
  controlnet: ['image', 'auxiliary_or_patch', 'image/controlnet.json'],
  controlnet_annotator: ['image', 'auxiliary_or_patch'],
  esrgan: ['image', 'post_processing', 'image/esrgan.json'],
  gfpgan: ['image', 'post_processing', 'image/gfpgan.json'],
  safety_checker: ['image', 'safety_checker', 'image/safety_checker.json'],
  // The image-generation file kept its pre-v2 name upstream.
  image_generation: ['image', 'generation', 'image/stable_diffusion.json'],
  // The fallback reads the CSV that db.json is generated from (upstream's legacy_filename_override).
  text_generation: ['text', 'generation', 'text/models.csv'],
  video_generation: ['video', 'generation'],
  audio_generation: ['audio', 'generation'],
  miscellaneous: ['image', 'miscellaneous', 'image/miscellaneous.json'],
  lora: ['image', 'auxiliary_or_patch'],
  ti: ['image', 'auxiliary_or_patch'],
}

const DESCRIPTORS = Object.freeze(
  Object.fromEntries(
    MODEL_REFERENCE_CATEGORIES.map((category) => {
      const [domain, purpose, file] = TABLE[category]
      const [githubSource = null, legacyFile = null] = (file?.split('/') ?? []) as [GithubSourceKind?, string?]
      return [category, Object.freeze({ category, domain, purpose, githubSource, legacyFile, managedElsewhere: category === 'lora' || category === 'ti' })]
    }),
  ),
) as Readonly<Record<ModelReferenceCategory, CategoryDescriptor>>

// Categories a client's server lists that this SDK does not know (a newer upstream): read as
// generic records from the primary only. Names are checked before they are used in URLs, keys
// and maps.
const SERVER_CATEGORIES = new Set<string>()
const CATEGORY_NAME = /^[a-z][a-z0-9_]{0,63}$/

/** @internal Makes a category a server listed usable as a generic one. @returns whether the name can be one. */
export function learnServerCategory(name: string): boolean {
  if (isModelReferenceCategory(name)) return true
  if (!CATEGORY_NAME.test(name)) return false
  SERVER_CATEGORIES.add(name)
  return true
}

/** @internal `true` for a name that could be a category's (a server's list is asked only about those). */
export function couldBeCategoryName(name: unknown): name is string {
  return typeof name === 'string' && CATEGORY_NAME.test(name)
}

/** @internal `true` for a category known only because a server listed it. */
export function isServerCategory(category: string): boolean {
  return SERVER_CATEGORIES.has(category) && !isModelReferenceCategory(category)
}

/** `true` for a category with no GitHub source: for it an empty answer (or a 404) is a valid empty category. */
export function emptyIsValid(category: ModelReferenceCategory): boolean {
  return isServerCategory(category) || getCategoryDescriptor(category).githubSource === null
}

/** `true` when `value` is the name of a model reference category. */
export function isModelReferenceCategory(value: unknown): value is ModelReferenceCategory {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DESCRIPTORS, value)
}

/**
 * The descriptor of a category.
 *
 * @throws {UnknownCategoryError} when `category` is not a category's name.
 */
export function getCategoryDescriptor(category: ModelReferenceCategory): CategoryDescriptor {
  assertCategory(category)
  return DESCRIPTORS[category]
}

/** Throws {@link UnknownCategoryError} unless `value` is a category's name. */
export function assertCategory(value: unknown): asserts value is ModelReferenceCategory {
  if (!isModelReferenceCategory(value)) throw new UnknownCategoryError(value, MODEL_REFERENCE_CATEGORIES)
}
