import * as v from 'valibot'
import { getCategoryDescriptor, type FetchableCategory } from './categories.js'
import { SourcesUnavailableError } from './errors/sources-unavailable.js'
import type { ModelReferenceIssue } from './records/issues.js'
import { decodeJson, MalformedBodyError } from './sources/decode.js'
import { firstSuccess, request, SourceFailed, type RequestContext } from './sources/request.js'
import { githubUrlFor } from './sources/urls.js'
import { isObject } from './convert/values.js'
import { deepFreeze } from './records/freeze.js'

/** A record in the legacy (v1 / GitHub) shape: validated, not converted. Unknown fields are kept. */
export interface LegacyModelRecord {
  readonly name: string
  readonly description?: string | null
  readonly version?: string | null
  readonly config?: {
    readonly files?: readonly { readonly path: string; readonly sha256sum?: string | null; readonly [key: string]: unknown }[] | null
    readonly download?: readonly { readonly file_name?: string | null; readonly file_url?: string | null; readonly [key: string]: unknown }[] | null
    readonly [key: string]: unknown
  } | null
  readonly [key: string]: unknown
}

/** A category in the legacy shape, keyed as the source keys it (legacy key; text: name, `aphrodite/...`, `koboldcpp/...`). */
export interface LegacyModelReference {
  readonly category: FetchableCategory
  readonly source: 'primary' | 'github'
  readonly url: string
  readonly fetchedAt: number
  /** Frozen, with no prototype. */
  readonly records: Readonly<Record<string, LegacyModelRecord>>
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
 * Fetches a category in the legacy shape that older consumers still read: the primary's
 * `/model_references/v1/{category}`, else the GitHub file (`db.json` for text). Each record is
 * validated on its own and an invalid one is skipped with an issue; nothing is converted.
 */
export async function loadLegacyCategory(category: FetchableCategory, context: RequestContext): Promise<LegacyModelReference> {
  const { options } = context
  const sources: ['primary' | 'github', string][] = [['primary', `${options.primaryUrl}/model_references/v1/${encodeURIComponent(category)}`]]
  const github = githubUrlFor(category, options)
  // Older consumers read the text repository's db.json (the legacy JSON), not models.csv.
  if (options.githubFallback && github !== undefined) sources.push(['github', category === 'text_generation' ? github.replace(/models\.csv$/, 'db.json') : github])
  const noLegacyFormat = getCategoryDescriptor(category).githubSource === null
  const schema = category === 'image_generation' ? legacyImageSchema : legacySchema
  const outcome = await firstSuccess(category, sources, context, async (source, url): Promise<LegacyModelReference> => {
    let data: unknown
    try {
      data = decodeJson(await request(category, source, url, context))
    } catch (error) {
      // The primary answers 404 for an empty category, and there is no legacy file for it.
      if (error instanceof SourceFailed && error.status === 404 && noLegacyFormat) data = {}
      else if (error instanceof MalformedBodyError) throw new SourceFailed('malformed', error.message)
      else throw error
    }
    if (Array.isArray(data) && data.length === 0) data = {}
    if (!isObject(data)) throw new SourceFailed('malformed', 'a legacy category is a JSON object keyed by model name')
    const records: Record<string, LegacyModelRecord> = Object.create(null)
    const issues: ModelReferenceIssue[] = []
    for (const key of Object.keys(data)) {
      const result = v.safeParse(schema, data[key])
      if (result.success) {
        deepFreeze(result.output)
        records[key] = result.output as LegacyModelRecord
      } else {
        for (const issue of result.issues) issues.push({ category, severity: 'error', key, path: issue.path?.map((p) => String(p.key)).join('.') ?? '', message: `${issue.message}; record skipped` })
      }
    }
    if (Object.keys(records).length === 0 && !noLegacyFormat) throw new SourceFailed('malformed', issues.length > 0 ? 'no valid record' : 'the body holds no records')
    return Object.freeze({ category, source, url, fetchedAt: Date.now(), records: Object.freeze(records), issues: Object.freeze(issues) })
  })
  if ('value' in outcome) return outcome.value
  throw new SourcesUnavailableError(category, outcome.attempts)
}
