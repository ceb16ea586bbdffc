import { isModelReferenceCategory, type ModelReferenceCategory } from '../categories.js'
import type { SourceName } from '../errors/sources-unavailable.js'
import type { ModelReferenceIssue } from '../records/issues.js'
import { isObject } from '../convert/values.js'

/** The version of the stored envelope's shape. An envelope of another version is discarded and refetched. */
export const ENVELOPE_FORMAT = 1

/** What is stored per category: the records and everything needed to judge them later. */
export interface CategoryEnvelope {
  /** {@link ENVELOPE_FORMAT} when written. */
  readonly format: typeof ENVELOPE_FORMAT
  readonly category: ModelReferenceCategory
  /** Where the records came from. */
  readonly source: SourceName
  /** When they were fetched, in milliseconds since the epoch. */
  readonly fetchedAt: number
  /** The records keyed by name, already validated. */
  readonly records: Readonly<Record<string, unknown>>
  /** Source keys that differ from the record's name. */
  readonly aliases: Readonly<Record<string, string>>
  /** The issues found when the records were fetched. */
  readonly issues: readonly ModelReferenceIssue[]
  /** The source's `ETag`, when it sent one. */
  readonly etag?: string
  /** The source's `Last-Modified`, when it sent one. */
  readonly lastModified?: string
}

/** The storage key of a category. */
export function envelopeKey(category: ModelReferenceCategory): string {
  return `horde-model-reference:${category}`
}

/**
 * Checks the shape of a stored value. Returns `undefined` for anything that is not an
 * envelope of the current format for `category`; such a value is ignored and refetched.
 */
export function readEnvelope(value: unknown, category: ModelReferenceCategory): CategoryEnvelope | undefined {
  if (!isObject(value)) return undefined
  if (value.format !== ENVELOPE_FORMAT || value.category !== category || !isModelReferenceCategory(value.category)) return undefined
  if (value.source !== 'primary' && value.source !== 'github') return undefined
  if (typeof value.fetchedAt !== 'number' || !Number.isFinite(value.fetchedAt)) return undefined
  if (!isObject(value.records) || !isObject(value.aliases) || !Array.isArray(value.issues)) return undefined
  return value as unknown as CategoryEnvelope
}
