import type { ModelReferenceIssue } from '../records/issues.js'
import { createGuard, HordeModelReferenceError } from './base.js'
import type { SourceAttempt } from './sources-unavailable.js'

/** Thrown in `strict` mode when the data that could be fetched had validation issues. */
export class ValidationError extends HordeModelReferenceError {
  /** The category whose data had issues. */
  readonly category: string
  /** Every issue found, with the record key, the path inside the record and a message. */
  readonly issues: readonly ModelReferenceIssue[]
  /** Every request that was tried, in order. */
  readonly attempts: readonly SourceAttempt[]

  /** Thrown by reads with `strict: true`; the message shows the first five issues. */
  constructor(category: string, issues: readonly ModelReferenceIssue[], attempts: readonly SourceAttempt[]) {
    const shown = issues.slice(0, 5).map((i) => `  - ${i.key}${i.path ? ` at ${i.path}` : ''}: ${i.message}`)
    const more = issues.length > shown.length ? `\n  ... and ${issues.length - shown.length} more` : ''
    super(
      'VALIDATION_FAILED',
      `Model reference category "${category}" has ${issues.length} validation issue(s) and strict mode is on:\n` +
        `${shown.join('\n')}${more}\n` +
        'Set strict: false to skip invalid records and read issues from getModelReferenceResult().',
    )
    this.category = category
    this.issues = issues
    this.attempts = attempts
  }
}

/** `true` when `error` is a {@link ValidationError}, from any realm. */
export const isValidationError = createGuard<ValidationError>('ValidationError')
