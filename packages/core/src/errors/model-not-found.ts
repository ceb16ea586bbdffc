import { createGuard, HordeModelReferenceError } from './base.js'

/** Thrown by `getModel` when a category has no model of that name (or original key). */
export class ModelNotFoundError extends HordeModelReferenceError {
  /** The category that was searched. */
  readonly category: string
  /** The name that was asked for. */
  readonly modelName: string
  /** Names in the category that differ from `modelName` only in letter case or spacing. */
  readonly suggestions: readonly string[]

  /** Thrown by the SDK's reads; the message names the model, the category and the suggestions. */
  constructor(category: string, modelName: string, suggestions: readonly string[]) {
    const hint =
      suggestions.length > 0
        ? ` Did you mean ${suggestions.map((s) => JSON.stringify(s)).join(' or ')}?`
        : ` Call getModelNames(${JSON.stringify(category)}) to list the names it has.`
    super('MODEL_NOT_FOUND', `No model named ${JSON.stringify(modelName)} in category "${category}".${hint}`)
    this.category = category
    this.modelName = modelName
    this.suggestions = suggestions
  }
}

/** `true` when `error` is a {@link ModelNotFoundError}, from any realm. */
export const isModelNotFoundError = createGuard<ModelNotFoundError>('ModelNotFoundError')
