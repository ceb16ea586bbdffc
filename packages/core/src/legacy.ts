/**
 * A category in the legacy (v1 / GitHub) shape that older consumers still read, validated per
 * record but not converted: {@link getLegacyModelReference}.
 *
 * @module @horde-model-reference/core/legacy
 */
import * as v from 'valibot'
import { READ_OPTION_NAMES, type ReadOptions } from './cache/result.js'
import { checkOptions } from './options-check.js'
import { assertCategory, getCategoryDescriptor, type CategoryName, type FetchableCategory, type ModelReferenceCategory } from './categories.js'
import type { ModelReferenceClient } from './client.js'
import { fetchFirst, getInternals } from './client-internals.js'
import type { SourceName } from './errors/sources-unavailable.js'
import { isObject } from './json.js'
import { deepFreeze } from './records/freeze.js'
import type { ModelReferenceIssue } from './records/issues.js'
import { decodeJson, malformed } from './sources/decode.js'
import type { FetchedBody } from './sources/transport.js'
import { githubUrlFor } from './sources/urls.js'

/** A record in the legacy (v1 / GitHub) shape: validated, not converted. Unknown fields are kept. */
export interface LegacyModelRecord {
  /** The model's name (for image models, the same as the record's key). */
  readonly name: string
  /** What the model is, free text. */
  readonly description?: string | null
  /** The model's version, free text. */
  readonly version?: string | null
  /** The model's files: `files` (local paths and hashes) and `download` (where to get them). */
  readonly config?: {
    /** The files the model is made of, by local path. */
    readonly files?: readonly {
      /** The file's path on the worker. */
      readonly path: string
      /** The file's sha256, when the source gives it. */
      readonly sha256sum?: string | null
      readonly [key: string]: unknown
    }[] | null
    /** Where to download the files. */
    readonly download?: readonly {
      /** The file's name once downloaded. */
      readonly file_name?: string | null
      /** The URL to download it from. */
      readonly file_url?: string | null
      readonly [key: string]: unknown
    }[] | null
    readonly [key: string]: unknown
  } | null
  readonly [key: string]: unknown
}

/** A category in the legacy shape, keyed as the source keys it (legacy key; text: name, `aphrodite/...`, `koboldcpp/...`). */
export interface LegacyModelReference {
  /** The category read. */
  readonly category: FetchableCategory
  /** The source that answered: the primary's v1 endpoint, or the GitHub file. */
  readonly source: 'primary' | 'github'
  /** The URL the records were read from. */
  readonly url: string
  /** When they were fetched, in milliseconds since the epoch. */
  readonly fetchedAt: number
  /** Frozen, with no prototype. */
  readonly records: Readonly<Record<string, LegacyModelRecord>>
  /** The records skipped as invalid, one issue each. */
  readonly issues: readonly ModelReferenceIssue[]
}

const optionalString = v.nullish(v.string())
const legacySchema = v.looseObject({
  name: v.pipe(v.string(), v.nonEmpty()),
  description: optionalString,
  version: optionalString,
  config: v.nullish(
    v.looseObject({
      files: v.nullish(v.array(v.looseObject({ path: v.string(), sha256sum: optionalString }))),
      download: v.nullish(v.array(v.looseObject({ file_name: optionalString, file_url: optionalString }))),
    }),
  ),
})
const legacyImageSchema = v.looseObject({ ...legacySchema.entries, baseline: v.string() })


/**
 * A category in the legacy (v1 / GitHub) shape that older consumers still read: the primary's
 * `/model_references/v1/{category}`, else the GitHub file (`db.json` for text). Each record is
 * validated on its own and an invalid one is skipped with an issue; nothing is converted. Not
 * cached: each call fetches, through the client's transport and source rules.
 *
 * @example
 * ```ts
 * import { getLegacyModelReference } from '@horde-model-reference/core/legacy'
 * const { records } = await getLegacyModelReference(client, 'image_generation')
 * ```
 * @param client The client (or the `ModelReferenceManager`) whose sources, transport and options are used.
 * @param category The category to read.
 * @param options `signal` aborts the read.
 * @throws {UnknownCategoryError | SourcesUnavailableError}
 */
export async function getLegacyModelReference<S extends string>(client: ModelReferenceClient, category: ModelReferenceCategory | CategoryName<S>, options: ReadOptions = {}): Promise<LegacyModelReference> {
  const internals = getInternals(client)
  assertCategory(category)
  checkOptions('getLegacyModelReference', options, READ_OPTION_NAMES)
  const descriptor = getCategoryDescriptor(category)
  if (descriptor.managedElsewhere) {
    return Object.freeze({ category: category as FetchableCategory, source: 'primary', url: '', fetchedAt: 0, records: Object.freeze(Object.create(null)), issues: Object.freeze([]) })
  }
  const fetchable = category as FetchableCategory
  const o = internals.options
  const noLegacyFormat = descriptor.githubSource === null
  const schema = category === 'image_generation' ? legacyImageSchema : legacySchema
  const urls: ['primary' | 'github', string][] = o.primaryUrl === null ? [] : [['primary', `${o.primaryUrl}/model_references/v1/${encodeURIComponent(category)}`]]
  const github = githubUrlFor(fetchable, o)
  // Older consumers read the text repository's db.json (the legacy JSON), not models.csv.
  if (o.githubFallback && github !== undefined) urls.push(['github', category === 'text_generation' ? github.replace(/models\.csv$/, 'db.json') : github])
  const read = (body: FetchedBody | undefined, source: SourceName, url: string): LegacyModelReference => {
    // The primary answers 404 for an empty category, and there is no legacy file for it.
    let data = body === undefined ? {} : decodeJson(body)
    if (Array.isArray(data) && data.length === 0) data = {}
    if (!isObject(data)) throw malformed(body, 'a legacy category is a JSON object keyed by model name')
    const records: Record<string, LegacyModelRecord> = Object.create(null)
    const issues: ModelReferenceIssue[] = []
    for (const key of Object.keys(data)) {
      const result = v.safeParse(schema, data[key])
      if (result.success) {
        deepFreeze(result.output)
        records[key] = result.output as LegacyModelRecord
      } else {
        for (const issue of result.issues) issues.push({ category: fetchable, severity: 'error', key, path: issue.path?.map((p) => String(p.key)).join('.') ?? '', message: `${issue.message}; record skipped` })
      }
    }
    if (Object.keys(records).length === 0 && !noLegacyFormat) throw malformed(body, issues.length > 0 ? 'no valid record' : 'the body holds no records')
    return Object.freeze({ category: fetchable, source: source as 'primary' | 'github', url, fetchedAt: Date.now(), records: Object.freeze(records), issues: Object.freeze(issues) })
  }
  return fetchFirst(internals, fetchable, urls, read, options.signal)
}
