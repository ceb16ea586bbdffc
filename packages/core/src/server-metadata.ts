import * as v from 'valibot'
import type { ReadOptions } from './cache/result.js'
import { getCategoryDescriptor, isModelReferenceCategory, learnServerCategory, MODEL_REFERENCE_CATEGORIES, type FetchableCategory } from './categories.js'
import type { ClientInternals } from './client-internals.js'
import { SourcesUnavailableError } from './errors/sources-unavailable.js'
import { isObject } from './json.js'
import { decodeJson } from './sources/decode.js'
import { attemptOf, SourceFailure } from './sources/failure.js'

// What the primary server says about the reference rather than its records (the categories it
// serves, when a category last changed): loaded on first use, never by a plain read.

const BUILT_IN: readonly string[] = Object.freeze(MODEL_REFERENCE_CATEGORIES.filter((c) => !getCategoryDescriptor(c).managedElsewhere))

// Values up to this far in the future are clock skew; beyond it they are nonsense.
const FUTURE_SKEW_SECONDS = 60

/** One GET of a JSON document from the primary: one request, its own deadline, no retries. */
async function getPrimaryJson(host: ClientInternals, category: FetchableCategory, url: string, signal: AbortSignal | undefined): Promise<unknown> {
  const body = await host.transport.get({ category, source: 'primary', url, signal: signal ?? new AbortController().signal, timeoutMs: host.options.timeoutMs })
  return decodeJson(body)
}

/**
 * The categories the primary lists (`/model_references/v2/model_categories`), cached with the
 * client's TTL; the built-in ones when it cannot say (GitHub only, unreachable, a malformed
 * answer: reported as an `error` event). Names it lists that the SDK does not know become
 * readable on this client; names unfit to be a category's (they go into URLs and keys) are dropped.
 */
export async function getModelCategories(host: ClientInternals, options: Pick<ReadOptions, 'signal' | 'waitUntil'>): Promise<readonly string[]> {
  const { primaryUrl } = host.options
  if (primaryUrl === null) return BUILT_IN
  const query = host.query<readonly string[]>('model-categories', () => ({
    // A failure keeps the last list the server gave (served stale), and is never cached as if
    // the built-in list were the server's: the next call asks again.
    load: async (_previous, { signal }) => {
      try {
        const listed = await getPrimaryJson(host, 'miscellaneous', `${primaryUrl}/model_references/v2/model_categories`, signal)
        const names = Array.isArray(listed) && listed.every((name) => typeof name === 'string') ? listed.filter((name) => learnServerCategory(name)) : []
        if (names.length === 0) throw new TypeError(`the primary's model_categories is not a list of category names (got ${JSON.stringify(listed)?.slice(0, 80)}); using the built-in categories`)
        return { value: Object.freeze(names), fetchedAt: Date.now(), origin: 'primary' }
      } catch (error) {
        if (!signal.aborted) host.emit({ type: 'error', error })
        throw error
      }
    },
  }))
  let copy: { readonly value: readonly string[] } | undefined
  try {
    copy = await query.read({ signal: options.signal, load: true, staleWhileRevalidate: false, keepAlive: host.keepAlive(options.waitUntil) })
  } catch (error) {
    if (options.signal?.aborted) throw error
  }
  const categories = copy?.value ?? BUILT_IN
  for (const name of categories) if (!isModelReferenceCategory(name)) host.serverCategories.add(name)
  return categories
}

/** A category's metadata, as a PRIMARY keeps it (`/model_references/v2/metadata/{category}`). Unknown fields are kept. */
export interface CategoryMetadata {
  /** The category the metadata is about. */
  readonly category: string
  /** When the category last changed, in seconds since the epoch. */
  readonly last_updated: number
  /** What the last change to the category was. */
  readonly last_operation_type?: 'create' | 'update' | 'delete' | (string & {}) | null
  /** The model the last change was to. */
  readonly last_operation_model?: string | null
  /** How many records were created since the metadata was initialised. */
  readonly total_creates?: number
  /** How many record updates there were since then. */
  readonly total_updates?: number
  /** How many records were deleted since then. */
  readonly total_deletes?: number
  /** How many records the category holds now. */
  readonly total_models?: number
  /** When the metadata was first created, in seconds since the epoch. */
  readonly initialization_time?: number
  /** When the last operation that succeeded ran, in seconds since the epoch. */
  readonly last_successful_operation?: number
  /** How many errors the PRIMARY met on the category's operations. */
  readonly error_count?: number
  /** The version of this metadata's own format. */
  readonly metadata_schema_version?: string
  /** The kind of backend that performs the PRIMARY's operations on the category. */
  readonly backend_type?: string
  readonly [field: string]: unknown
}

const count = v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)))
const time = v.pipe(v.number(), v.finite())
const METADATA = v.looseObject({
  category: v.string(),
  last_updated: time,
  last_operation_type: v.optional(v.nullable(v.string())),
  last_operation_model: v.optional(v.nullable(v.string())),
  total_creates: count,
  total_updates: count,
  total_deletes: count,
  total_models: count,
  initialization_time: v.optional(time),
  last_successful_operation: v.optional(time),
  error_count: count,
  metadata_schema_version: v.optional(v.string()),
  backend_type: v.optional(v.string()),
})

// One metadata document of the primary; `null` when it cannot say (GitHub only, an HTTP error
// such as a replica's 503, a malformed body).
async function getMetadataDocument(host: ClientInternals, category: string, path: string, signal: AbortSignal | undefined): Promise<unknown> {
  const { primaryUrl } = host.options
  if (primaryUrl === null) return null
  const url = `${primaryUrl}/model_references/v2/metadata/${encodeURIComponent(category)}${path}`
  try {
    return await getPrimaryJson(host, category as FetchableCategory, url, signal)
  } catch (error) {
    if (!(error instanceof SourceFailure)) throw error
    if (error.kind === 'http' || error.kind === 'malformed') return null
    throw new SourcesUnavailableError(category, [attemptOf('primary', url, error)])
  }
}

/**
 * When the primary says `category` last changed (`/model_references/v2/metadata/{category}/last_updated`),
 * in seconds since the epoch; `null` when it cannot say (GitHub only, an HTTP error, a malformed
 * or implausible value).
 *
 * @throws {SourcesUnavailableError} when the primary cannot be reached.
 */
export async function lastUpdated(host: ClientInternals, category: string, options: Pick<ReadOptions, 'signal'>): Promise<number | null> {
  const data = await getMetadataDocument(host, category, '/last_updated', options.signal)
  const value = isObject(data) ? data.last_updated : undefined
  return typeof value === 'number' && Number.isFinite(value) && value <= Date.now() / 1000 + FUTURE_SKEW_SECONDS ? value : null
}

/**
 * The primary's metadata of `category` (upstream's `get_metadata`): its last change, operation
 * counts and backend, frozen; `null` when the server keeps none (a replica answers 503), in
 * GitHub-only mode, or when the answer is not metadata of this category.
 *
 * @throws {SourcesUnavailableError} when the primary cannot be reached.
 */
export async function getMetadata(host: ClientInternals, category: string, options: Pick<ReadOptions, 'signal'>): Promise<CategoryMetadata | null> {
  const data = await getMetadataDocument(host, category, '', options.signal)
  const parsed = v.safeParse(METADATA, data)
  if (!parsed.success || parsed.output.category !== category) return null
  return Object.freeze(parsed.output) as CategoryMetadata
}
