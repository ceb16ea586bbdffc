import type { ReadOptions } from './cache/result.js'
import { assertCategory, getCategoryDescriptor, type FetchableCategory, type ModelReferenceCategory } from './categories.js'
import type { ModelReferenceClient } from './client.js'
import { fetchFirst, getInternals } from './client-internals.js'
import type { ReferenceSourceName } from './errors/sources-unavailable.js'
import { SourcesUnavailableError } from './errors/sources-unavailable.js'
import { isObject } from './json.js'
import { decodeJson, malformed, rejectHtml } from './sources/decode.js'
import { SourceFailure } from './sources/failure.js'
import { emptyIsValid } from './sources/source.js'

/** The body of a category exactly as a source sent it, before conversion. */
export interface RawModelReference {
  readonly category: FetchableCategory
  readonly source: ReferenceSourceName
  readonly url: string
  readonly fetchedAt: number
  /** `'json'` for the primary and the image-side legacy files, `'csv'` for the text `models.csv`. */
  readonly format: 'json' | 'csv'
  /** The parsed JSON value, or the CSV text. */
  readonly data: unknown
}

/**
 * The body of a category exactly as a source sent it, before conversion or validation: parsed
 * JSON (primary v2, or the legacy GitHub file), or the CSV text for text from GitHub. Same
 * sources, order and failure rules as a read; not cached: each call fetches.
 *
 * @example
 * ```ts
 * import { getRawModelReference } from '@horde-model-reference/core/raw'
 * const { source, format, data } = await getRawModelReference(client, 'text_generation')
 * ```
 * @throws {UnknownCategoryError | SourcesUnavailableError}
 */
export async function getRawModelReference(client: ModelReferenceClient, category: ModelReferenceCategory | (string & {}), options: ReadOptions = {}): Promise<RawModelReference> {
  const internals = getInternals(client)
  assertCategory(category)
  if (getCategoryDescriptor(category).managedElsewhere) throw new SourcesUnavailableError(category, [], `"${category}" is managed elsewhere and has no source`)
  const fetchable = category as FetchableCategory
  const targets = internals.sources.flatMap((source) => {
    const url = source.urlFor(fetchable)
    return url === undefined ? [] : [[source.id, url] as const]
  })
  return fetchFirst(
    internals,
    fetchable,
    targets,
    (body, source, url): RawModelReference => {
      const raw = { category: fetchable, source: source as ReferenceSourceName, url, fetchedAt: Date.now() }
      if (body === undefined) return { ...raw, format: 'json', data: {} }
      if (source === 'github' && category === 'text_generation') {
        rejectHtml(body)
        return { ...raw, format: 'csv', data: body.text }
      }
      const data = decodeJson(body)
      if (source === 'primary' && !emptyIsValid(fetchable) && (!isObject(data) || Object.keys(data).length === 0)) {
        throw isObject(data) ? new SourceFailure('empty', 'the body holds no records', { status: body.status }) : malformed(body, 'not a JSON object keyed by model name')
      }
      return { ...raw, format: 'json', data }
    },
    options.signal,
  )
}
