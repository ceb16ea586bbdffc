import { MODEL_REFERENCE_CATEGORIES, isModelReferenceCategory, type ModelReferenceCategory } from '@horde-model-reference/core'
import { didYouMean } from './closest.js'
import { usageError } from './exit-codes.js'

/** `name` as a category, or a usage error listing the valid ones with the closest first. */
export function parseCategory(name: string | undefined, what = 'a category'): ModelReferenceCategory {
  if (name === undefined) throw usageError(`Give ${what}: one of ${MODEL_REFERENCE_CATEGORIES.join(', ')}.`, { validCategories: MODEL_REFERENCE_CATEGORIES })
  if (isModelReferenceCategory(name)) return name
  throw usageError(`Unknown category ${JSON.stringify(name)}.${didYouMean(name, MODEL_REFERENCE_CATEGORIES)} Valid categories: ${MODEL_REFERENCE_CATEGORIES.join(', ')}.`, {
    validCategories: MODEL_REFERENCE_CATEGORIES,
  })
}

/** The categories the AI Horde API has live numbers for. */
export const HORDE_CATEGORIES = ['image_generation', 'text_generation'] as const

/** `--category` of `popular` and `availability`: image_generation (default) or text_generation. */
export function parseHordeCategory(name: string | undefined): (typeof HORDE_CATEGORIES)[number] {
  if (name === undefined) return 'image_generation'
  const category = parseCategory(name)
  if (category !== 'image_generation' && category !== 'text_generation') throw usageError(`The AI Horde has live numbers for image_generation and text_generation only, not ${category}.`)
  return category
}
