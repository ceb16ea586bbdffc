import type { ModelReferenceCategory } from '../categories.js'
import type { ReferenceSourceName } from '../errors/sources-unavailable.js'
import type { ModelReferenceIssue } from '../records/issues.js'
import { isObject } from '../json.js'
import type { StoredValueMetadata } from './storage.js'

/**
 * The version of the stored envelope's shape. An envelope of another version is discarded and
 * refetched, never misread.
 */
export const ENVELOPE_FORMAT = 2

/** What is stored per category: the records and everything needed to judge them later. */
export interface CategoryEnvelope {
  /** The envelope format version, `ENVELOPE_FORMAT` when written; an envelope of another format is a miss. */
  readonly format: typeof ENVELOPE_FORMAT
  /** The category the records are of. */
  readonly category: ModelReferenceCategory
  /** Where the records came from: `'primary'`, `'github'`, or a provider's id. */
  readonly source: ReferenceSourceName | (string & {})
  /** When they were fetched, or last confirmed unchanged, in milliseconds since the epoch. */
  readonly fetchedAt: number
  /** The records keyed by name, already validated. */
  readonly records: Readonly<Record<string, unknown>>
  /** Source keys that differ from the record's name. */
  readonly aliases: Readonly<Record<string, string>>
  /** The issues found when the records were fetched. */
  readonly issues: readonly ModelReferenceIssue[]
  /** The primary's `last_updated` for the category at or before the download (Unix seconds), when known. */
  readonly lastUpdated?: number
  /** GitHub's `ETag` for the file, when it sent one. */
  readonly etag?: string
}

/** The storage key of a category. */
export function envelopeKey(category: ModelReferenceCategory): string {
  return `horde-model-reference:${category}`
}

/** The storage key of a provider's copy of a category: apart from the canonical copy and other providers'. */
export function providerEnvelopeKey(provider: string, category: string): string {
  return `${envelopeKey(category as ModelReferenceCategory)}:provider:${encodeURIComponent(provider)}`
}

/** The facts about an envelope that an adapter may keep beside it. */
export function envelopeMetadata(envelope: CategoryEnvelope): StoredValueMetadata {
  return {
    format: envelope.format,
    category: envelope.category,
    source: envelope.source,
    fetchedAt: envelope.fetchedAt,
    ...(envelope.lastUpdated !== undefined && { lastUpdated: envelope.lastUpdated }),
    // An ETag is short in practice; a hostile one must not push KV metadata past 1024 bytes.
    ...(envelope.etag !== undefined && envelope.etag.length <= 256 && { etag: envelope.etag }),
  }
}

/**
 * Checks the shape of a stored value. Returns `undefined` for anything that is not an
 * envelope of the current format for `category`; such a value is ignored and refetched.
 */
export function readEnvelope(value: unknown, category: ModelReferenceCategory): CategoryEnvelope | undefined {
  if (!isObject(value)) return undefined
  if (value.format !== ENVELOPE_FORMAT || value.category !== category) return undefined
  // 'primary', 'github', or a provider's id.
  if (typeof value.source !== 'string' || value.source === '') return undefined
  if (typeof value.fetchedAt !== 'number' || !Number.isFinite(value.fetchedAt)) return undefined
  if (!isObject(value.records) || !isObject(value.aliases) || !Array.isArray(value.issues)) return undefined
  if (value.lastUpdated !== undefined && (typeof value.lastUpdated !== 'number' || !Number.isFinite(value.lastUpdated))) return undefined
  if (value.etag !== undefined && typeof value.etag !== 'string') return undefined
  return value as unknown as CategoryEnvelope
}
