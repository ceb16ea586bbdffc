import { getCategoryDescriptor, type FetchableCategory } from './categories.js'
import { convertLegacyJson } from './convert/legacy-json.js'
import { convertTextCsv, type ConversionResult } from './convert/text-csv.js'
import { isObject } from './convert/values.js'
import type { ReferenceSourceName as SourceName } from './errors/sources-unavailable.js'
import { SourcesUnavailableError } from './errors/sources-unavailable.js'
import { ValidationError } from './errors/validation.js'
import type { CategoryEnvelope } from './cache/envelope.js'
import type { NormalizedOptions } from './options.js'
import type { ModelReferenceIssue } from './records/issues.js'
import { validateRecords, type ValidatedModels } from './records/validate.js'
import { decodeJson, MalformedBodyError, rejectHtml } from './sources/decode.js'
import type { FetchedBody } from './sources/http.js'
import { firstSuccess, request, SourceFailed, type RequestContext } from './sources/request.js'
import { githubUrlFor, primaryUrlFor } from './sources/urls.js'

/** A category loaded from a source: validated records and where they came from. */
export interface LoadedCategory<C extends FetchableCategory = FetchableCategory> extends ValidatedModels<C> {
  readonly unchanged: false
  readonly category: C
  readonly source: SourceName
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
  readonly source: SourceName
  readonly url: string
  readonly fetchedAt: number
  /** How it was confirmed: the primary's `last_updated`, or GitHub's 304 to `If-None-Match`. */
  readonly method: 'last-updated' | 'etag'
  readonly lastUpdated: number | undefined
}

/** What a load needs from the client. */
export interface LoadContext extends RequestContext {
  /** The copy being refreshed, if any: lets a source confirm it is unchanged instead of sending it again. */
  readonly previous?: CategoryEnvelope
}

/**
 * `true` where requests are subject to CORS (browsers, including their workers), where a
 * header such as `If-None-Match` would trigger a preflight. Browsers' user agents start with
 * "Mozilla/"; Workers, Deno, Node and Bun name themselves.
 */
function corsApplies(): boolean {
  const userAgent = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent
  return typeof userAgent === 'string' && userAgent.startsWith('Mozilla/')
}

function conditionalRequestsAllowed(options: NormalizedOptions): boolean {
  return options.conditionalRequests === true || (options.conditionalRequests === 'auto' && !corsApplies())
}

/** Categories with no GitHub source: for them an empty answer (or a 404) is a valid empty category. */
function emptyIsValid(category: FetchableCategory): boolean {
  return getCategoryDescriptor(category).githubSource === null
}

/** Records ready for validation: converted pairs, or a v2 body's object as it was parsed. */
interface DecodedRecords {
  readonly entries: ConversionResult['entries'] | Readonly<Record<string, unknown>>
  readonly issues: ModelReferenceIssue[]
}

function convert(category: FetchableCategory, source: SourceName, body: FetchedBody): DecodedRecords {
  if (source === 'github' && category === 'text_generation') {
    rejectHtml(body)
    const header = body.text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/, 1)[0] ?? ''
    if (!header.split(',').some((cell) => cell.replace(/^"|"$/g, '') === 'name')) {
      throw new MalformedBodyError('not the models.csv format: the header has no "name" column')
    }
    return convertTextCsv(body.text)
  }
  const data = decodeJson(body)
  if (source === 'github') {
    try {
      return convertLegacyJson(category, data)
    } catch (error) {
      throw new MalformedBodyError(error instanceof Error ? error.message : String(error))
    }
  }
  if (Array.isArray(data) && data.length === 0) return { entries: [], issues: [] }
  if (!isObject(data)) throw new MalformedBodyError('a v2 category is a JSON object keyed by model name')
  return { entries: data, issues: [] }
}

/**
 * Asks the primary when the category last changed: `{primaryUrl}/model_references/v2/metadata/{category}/last_updated`
 * (about 100 bytes). Only a PRIMARY deployment has the route (a replica answers 503); any failure
 * means "unknown", and the caller downloads as usual.
 */
async function primaryLastUpdated(category: FetchableCategory, context: LoadContext): Promise<number | undefined> {
  const url = `${context.options.primaryUrl}/model_references/v2/metadata/${encodeURIComponent(category)}/last_updated`
  try {
    const body = await request(category, 'primary', url, context, { retries: 0 })
    const data: unknown = JSON.parse(body.text)
    const value = isObject(data) ? data.last_updated : undefined
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined
  } catch (error) {
    if (context.signal?.aborted) throw error
    return undefined
  }
}

async function loadFrom<C extends FetchableCategory>(category: C, source: SourceName, url: string, context: LoadContext, strictIssues: ModelReferenceIssue[]): Promise<LoadedCategory<C> | UnchangedCategory> {
  const { previous } = context
  let lastUpdated: number | undefined
  // A copy from the primary: ask whether the category changed since, before downloading it again.
  if (source === 'primary' && previous?.source === 'primary') {
    lastUpdated = await primaryLastUpdated(category, context)
    if (lastUpdated !== undefined && previous.lastUpdated !== undefined && lastUpdated <= previous.lastUpdated) {
      return { unchanged: true, category, source, url, fetchedAt: Date.now(), method: 'last-updated', lastUpdated }
    }
  }
  const ifNoneMatch = source === 'github' && previous?.source === 'github' && previous.etag !== undefined && conditionalRequestsAllowed(context.options) ? previous.etag : undefined
  let body: FetchedBody
  try {
    body = await request(category, source, url, context, ifNoneMatch === undefined ? {} : { ifNoneMatch })
  } catch (error) {
    // Upstream answers 404 for a category it holds no records of.
    if (error instanceof SourceFailed && error.status === 404 && source === 'primary' && emptyIsValid(category)) {
      return { unchanged: false, category, source, url, fetchedAt: Date.now(), etag: undefined, lastUpdated, ...validateRecords(category, []) }
    }
    throw error
  }
  if (body.status === 304) return { unchanged: true, category, source, url, fetchedAt: Date.now(), method: 'etag', lastUpdated: undefined }
  let conversion: DecodedRecords
  try {
    conversion = convert(category, source, body)
  } catch (error) {
    if (error instanceof MalformedBodyError) throw new SourceFailed('malformed', error.message, body.status)
    throw error
  }
  const validated = validateRecords(category, conversion.entries, conversion.issues)
  if (validated.issues.length > 0) {
    context.emit({ type: 'issues', category, source, issues: validated.issues })
    const counted = validated.issues.filter((issue) => issue.severity !== 'info')
    if (context.options.strict && counted.length > 0) {
      strictIssues.push(...counted)
      throw new SourceFailed('validation', `${counted.length} validation issue(s) in strict mode`, body.status)
    }
  }
  if (validated.recordCount === 0) {
    const nothingAtAll = validated.entryCount === 0 && validated.issues.every((issue) => issue.severity !== 'error')
    if (!(nothingAtAll && emptyIsValid(category))) {
      throw new SourceFailed(
        nothingAtAll ? 'empty' : 'invalid',
        nothingAtAll ? 'the body holds no records' : `none of the records is valid (${validated.issues.length} issue(s), first: ${validated.issues[0]?.key}: ${validated.issues[0]?.message})`,
        body.status,
      )
    }
  }
  return { unchanged: false, category, source, url, fetchedAt: Date.now(), etag: source === 'github' ? body.etag : undefined, lastUpdated, ...validated }
}

/** The sources to ask for a category, in order: the primary, then GitHub when it has a file and the fallback is on. */
function sourcesFor(category: FetchableCategory, options: NormalizedOptions): [SourceName, string][] {
  const sources: [SourceName, string][] = [['primary', primaryUrlFor(category, options)]]
  const githubUrl = githubUrlFor(category, options)
  if (options.githubFallback && githubUrl !== undefined) sources.push(['github', githubUrl])
  return sources
}

/**
 * Loads one category: the primary first, then, on any failure, the GitHub legacy file
 * converted to v2. Resolves with validated records, or with `unchanged: true` when a source
 * confirmed that `context.previous` is still current; or rejects with
 * {@link SourcesUnavailableError} (or {@link ValidationError} in strict mode) listing every
 * attempt. An aborted `signal` rejects with its reason and tries nothing further.
 */
export async function loadCategory<C extends FetchableCategory>(category: C, context: LoadContext): Promise<LoadedCategory<C> | UnchangedCategory> {
  const strictIssues: ModelReferenceIssue[] = []
  const outcome = await firstSuccess(category, sourcesFor(category, context.options), context, (source, url) => loadFrom(category, source, url, context, strictIssues))
  if ('value' in outcome) return outcome.value
  if (strictIssues.length > 0) throw new ValidationError(category, strictIssues, outcome.attempts)
  throw new SourcesUnavailableError(category, outcome.attempts)
}

/** The body of a category exactly as a source sent it, before conversion. */
export interface RawModelReference {
  readonly category: FetchableCategory
  readonly source: SourceName
  readonly url: string
  readonly fetchedAt: number
  /** `'json'` for the primary and the image-side legacy files, `'csv'` for the text `models.csv`. */
  readonly format: 'json' | 'csv'
  /** The parsed JSON value, or the CSV text. */
  readonly data: unknown
}

/** Fetches a category's body with the same primary-then-GitHub order, without converting it. */
export async function loadRawCategory(category: FetchableCategory, context: LoadContext): Promise<RawModelReference> {
  const outcome = await firstSuccess(category, sourcesFor(category, context.options), context, async (source, url): Promise<RawModelReference> => {
    const body = await request(category, source, url, context).catch((error: unknown) => {
      if (error instanceof SourceFailed && error.status === 404 && source === 'primary' && emptyIsValid(category)) return undefined
      throw error
    })
    const fetchedAt = Date.now()
    if (body === undefined) return { category, source, url, fetchedAt, format: 'json', data: {} }
    try {
      if (source === 'github' && category === 'text_generation') {
        rejectHtml(body)
        return { category, source, url, fetchedAt, format: 'csv', data: body.text }
      }
      const data = decodeJson(body)
      if (source === 'primary' && !emptyIsValid(category) && (!isObject(data) || Object.keys(data).length === 0)) {
        throw isObject(data) ? new SourceFailed('empty', 'the body holds no records', body.status) : new MalformedBodyError('not a JSON object keyed by model name')
      }
      return { category, source, url, fetchedAt, format: 'json', data }
    } catch (error) {
      if (error instanceof MalformedBodyError) throw new SourceFailed('malformed', error.message, body.status)
      throw error
    }
  })
  if ('value' in outcome) return outcome.value
  throw new SourcesUnavailableError(category, outcome.attempts)
}
