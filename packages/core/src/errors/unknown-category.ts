import { createGuard, HordeModelReferenceError } from './base.js'

/** Thrown when a category name is not one of the model reference's categories. */
export class UnknownCategoryError extends HordeModelReferenceError {
  /** The value that was given as a category. */
  readonly category: unknown
  /** Every valid category name. */
  readonly validCategories: readonly string[]

  /** Thrown by the SDK; the message lists the valid categories. */
  constructor(category: unknown, validCategories: readonly string[]) {
    super(
      'UNKNOWN_CATEGORY',
      `Unknown model reference category ${JSON.stringify(String(category))}. ` +
        `Use one of: ${validCategories.join(', ')} (see MODEL_REFERENCE_CATEGORY).`,
    )
    this.category = category
    this.validCategories = validCategories
  }
}

/** `true` when `error` is an {@link UnknownCategoryError}, from any realm. */
export const isUnknownCategoryError = createGuard<UnknownCategoryError>('UnknownCategoryError')
