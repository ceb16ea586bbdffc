/**
 * A category, or one record, exactly as a source sent it, before conversion or validation:
 * {@link getRawModelReference} and {@link getRawModel} (upstream's `get_raw_model_json`).
 *
 * @module @horde-model-reference/core/raw
 */
import { READ_OPTION_NAMES, type ReadOptions } from './cache/result.js'
import { checkOptions } from './options-check.js'
import { getCategoryDescriptor, isModelReferenceCategory, type CategoryName, type FetchableCategory, type ModelReferenceCategory } from './categories.js'
import type { ModelReferenceClient } from './client.js'
import { fetchFirst, getInternals } from './client-internals.js'
import type { ReferenceSourceName } from './errors/sources-unavailable.js'
import { SourcesUnavailableError } from './errors/sources-unavailable.js'
import { isObject } from './json.js'
import { decodeJson, malformed, rejectHtml } from './sources/decode.js'
import { SourceFailure } from './sources/failure.js'
import { parseCsv } from './convert/csv.js'
import { emptyIsValid } from './sources/source.js'

/** The body of a category exactly as a source sent it, before conversion. */
export interface RawModelReference {
  /** The category read. */
  readonly category: FetchableCategory
  /** The source that answered. */
  readonly source: ReferenceSourceName
  /** The URL the body was read from. */
  readonly url: string
  /** When it was fetched, in milliseconds since the epoch. */
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
 * @param client The client (or the `ModelReferenceManager`) whose sources, transport and options are used.
 * @param category The category to read: one of the SDK's, or one the client's server lists.
 * @param options `signal` aborts the read.
 * @throws {UnknownCategoryError | SourcesUnavailableError}
 */
export async function getRawModelReference<S extends string>(client: ModelReferenceClient, category: ModelReferenceCategory | CategoryName<S>, options: ReadOptions = {}): Promise<RawModelReference> {
  const internals = getInternals(client)
  checkOptions('getRawModelReference', options, READ_OPTION_NAMES)
  // The SDK's categories, and those the client's server lists.
  await internals.knowCategory(category, options)
  if (isModelReferenceCategory(category) && getCategoryDescriptor(category).managedElsewhere) throw new SourcesUnavailableError(category, [], `"${category}" is managed elsewhere and has no source`)
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

/** One record exactly as a source sent it (upstream's `get_raw_model_json`). */
export interface RawModel {
  /** The record's category. */
  readonly category: FetchableCategory
  /** The source that answered. */
  readonly source: ReferenceSourceName
  /** The URL the category was read from. */
  readonly url: string
  /** When it was fetched, in milliseconds since the epoch. */
  readonly fetchedAt: number
  /** Its key in the source (a legacy file's key can differ from the record's `name`), or for a CSV row its `name`. */
  readonly key: string
  /** The record as parsed: a JSON value, or for a CSV row an object of its cells by column. */
  readonly data: unknown
}

/**
 * One record of a category exactly as a source sent it, before conversion or validation: found
 * by its key, else by its `name` (as `getModel` finds it); `null` when the source has no such
 * record. Same sources and rules as {@link getRawModelReference}; not cached.
 *
 * @example
 * ```ts
 * import { getRawModel } from '@horde-model-reference/core/raw'
 * const raw = await getRawModel(client, 'image_generation', 'AlbedoBase XL (SDXL)')
 * console.log(raw?.source, raw?.data)
 * ```
 * @param client The client (or the `ModelReferenceManager`) whose sources, transport and options are used.
 * @param category The record's category.
 * @param name The record's key in the source, or its `name`.
 * @param options `signal` aborts the read.
 * @throws {UnknownCategoryError | SourcesUnavailableError}
 */
export async function getRawModel<S extends string>(client: ModelReferenceClient, category: ModelReferenceCategory | CategoryName<S>, name: string, options: ReadOptions = {}): Promise<RawModel | null> {
  checkOptions('getRawModel', options, READ_OPTION_NAMES)
  const { data, format, ...raw } = await getRawModelReference(client, category, options)
  if (format === 'csv') {
    const { rows } = parseCsv(data as string)
    const [header = [], ...records] = rows
    const column = header.indexOf('name')
    const row = column < 0 ? undefined : records.find((cells) => cells[column] === name)
    if (row === undefined) return null
    const cells: Record<string, string> = Object.create(null)
    header.forEach((title, index) => {
      if (title !== '' && row[index] !== undefined) cells[title] = row[index]!
    })
    return { ...raw, key: name, data: cells }
  }
  if (!isObject(data)) return null
  if (Object.prototype.hasOwnProperty.call(data, name)) return { ...raw, key: name, data: data[name] }
  const key = Object.keys(data).find((k) => (data[k] as { name?: unknown } | null)?.name === name)
  return key === undefined ? null : { ...raw, key, data: data[key] }
}
