import type { CategoryEnvelope } from '../cache/envelope.js'
import { emptyIsValid, type FetchableCategory } from '../categories.js'
import type { ReferenceSourceName } from '../errors/sources-unavailable.js'
import type { Emit } from '../events.js'
import type { ModelReferenceIssue } from '../records/issues.js'
import { validateRecords, type ValidatedModels } from '../records/validate.js'
import { SourceFailure } from './failure.js'

/** A category loaded from a source: validated records and where they came from. */
export interface LoadedCategory<C extends FetchableCategory = FetchableCategory> extends ValidatedModels<C> {
  readonly unchanged: false
  readonly category: C
  readonly source: ReferenceSourceName
  readonly url: string
  readonly fetchedAt: number
  /** GitHub's `ETag`, when it sent one. */
  readonly etag: string | undefined
  /** The primary's `last_updated`, when it was asked before the download. */
  readonly lastUpdated: number | undefined
}

/** The previous copy is still current: the source said so without sending the records again. */
export interface UnchangedCategory {
  readonly unchanged: true
  readonly category: FetchableCategory
  readonly source: ReferenceSourceName
  readonly url: string
  readonly fetchedAt: number
  /** How it was confirmed: the primary's `last_updated`, or GitHub's 304 to `If-None-Match`. */
  readonly method: 'last-updated' | 'etag'
  readonly lastUpdated: number | undefined
}

/** What a source answers for a category. */
export type SourceOutcome = LoadedCategory | UnchangedCategory

/** One attempt's share of the read: its signal and budget, and a way to say the source has started answering. */
export interface AttemptContext {
  readonly signal: AbortSignal
  /** This attempt's budget for each request, in milliseconds (never more than what is left of the read's). */
  readonly timeoutMs: number
  /** Called when the source's response headers arrive (a source that answers is not hedged). */
  readonly onHeaders: () => void
}

/** What a cheap revalidation found out. */
export interface Revalidation {
  /** `true`: the previous copy is current, nothing needs downloading. */
  readonly unchanged: boolean
  /** The source's change stamp, to record with the copy downloaded next. */
  readonly lastUpdated?: number
}

/** What {@link ReferenceSource.load} is given. */
export interface SourceLoadRequest {
  /** The copy being refreshed, if any: a source may answer that it is unchanged. */
  readonly previous: CategoryEnvelope | undefined
  /** What the source's own revalidation found, when it ran. */
  readonly revalidation: Revalidation | undefined
  readonly context: AttemptContext
}

/**
 * A source of the model reference: the PRIMARY API and GitHub raw implement it, built once per
 * client. A source knows where a category lives and how to turn its answer into validated
 * records; it knows nothing of caches, storage or the other sources.
 */
export interface ReferenceSource {
  readonly id: ReferenceSourceName
  /** Where this source reads `category` from, or `undefined` when it has nothing for it. */
  urlFor(category: FetchableCategory): string | undefined
  /** Asks cheaply whether `previous` (a copy from this source) is still current; any failure is "unknown". */
  revalidate?(category: FetchableCategory, previous: CategoryEnvelope, context: AttemptContext): Promise<Revalidation>
  /**
   * Downloads `category` and validates it record by record.
   *
   * @throws {SourceFailure} when the source cannot supply it (the next source is tried).
   */
  load(category: FetchableCategory, request: SourceLoadRequest): Promise<SourceOutcome>
}

export { emptyIsValid }

/** Records ready for validation: converted pairs, or a v2 body's object as it was parsed. */
export interface DecodedRecords {
  readonly entries: Iterable<readonly [string, unknown]> | Readonly<Record<string, unknown>>
  readonly issues: ModelReferenceIssue[]
}

/** What every source shares after decoding: validation, issues, `strict`, and what counts as no data. */
export interface AcceptOptions {
  readonly source: ReferenceSourceName
  readonly url: string
  readonly status: number
  readonly strict: boolean
  readonly emit: Emit
  readonly etag?: string | undefined
  readonly lastUpdated?: number | undefined
}

/**
 * Validates decoded records and decides whether they are an answer.
 *
 * @throws {SourceFailure} `validation` (strict mode and issues), `empty` or `invalid`.
 */
export function acceptRecords<C extends FetchableCategory>(category: C, decoded: DecodedRecords, options: AcceptOptions): LoadedCategory<C> {
  const { source, status } = options
  const validated = validateRecords(category, decoded.entries, decoded.issues)
  const { issues, recordCount, entryCount } = validated
  if (issues.length > 0) {
    options.emit({ type: 'issues', category, source, issues })
    const counted = issues.filter((issue) => issue.severity !== 'info')
    if (options.strict && counted.length > 0) throw new SourceFailure('validation', `${counted.length} validation issue(s) in strict mode`, { status, issues: counted })
  }
  if (recordCount === 0) {
    const nothingAtAll = entryCount === 0 && issues.every((issue) => issue.severity !== 'error')
    if (!(nothingAtAll && emptyIsValid(category))) {
      throw new SourceFailure(
        nothingAtAll ? 'empty' : 'invalid',
        nothingAtAll ? 'the body holds no records' : `none of the records is valid (${issues.length} issue(s), first: ${issues[0]?.key}: ${issues[0]?.message})`,
        { status },
      )
    }
  }
  return { unchanged: false, category, source, url: options.url, fetchedAt: Date.now(), etag: options.etag, lastUpdated: options.lastUpdated, ...validated }
}
