import { createGuard, HordeModelReferenceError } from './base.js'

/**
 * Thrown by a query's terminals (and `run`) when it names a field that no record of the
 * category has: a misspelt `where('clip_skp', ...)` would otherwise match nothing, silently.
 * Plain JavaScript and `<script>` callers have no compiler to catch it, so the query does.
 */
export class UnknownFieldError extends HordeModelReferenceError {
  /** The field (a dotted path, such as `requirements.clip_skip`) that no record has. */
  readonly field: string
  /** The category queried; `undefined` for a query of every category. */
  readonly category: string | undefined
  /** The fields the records have (dotted paths into nested objects), sorted. */
  readonly knownFields: readonly string[]
  /** Known fields close to `field`, closest first (may be empty). */
  readonly suggestions: readonly string[]

  /** Thrown by queries; the message suggests the closest known fields and lists them all. */
  constructor(field: string, category: string | undefined, knownFields: readonly string[], suggestions: readonly string[]) {
    const where = category === undefined ? 'any category' : `category "${category}"`
    const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => JSON.stringify(s)).join(' or ')}?` : ''
    super('UNKNOWN_FIELD', `No record of ${where} has a field ${JSON.stringify(field)}.${hint} Known fields: ${knownFields.join(', ')}.`)
    this.field = field
    this.category = category
    this.knownFields = knownFields
    this.suggestions = suggestions
  }
}

/** `true` when `error` is an {@link UnknownFieldError}, from any realm. */
export const isUnknownFieldError = createGuard<UnknownFieldError>('UnknownFieldError')
