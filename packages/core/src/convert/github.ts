import type { FetchableCategory } from '../categories.js'
import { decodeJson, malformed, rejectHtml } from '../sources/decode.js'
import type { DecodedRecords } from '../sources/source.js'
import type { FetchedBody } from '../sources/transport.js'
import { convertLegacyJson } from './legacy-json.js'
import { convertTextCsv } from './text-csv.js'

/**
 * Decodes a GitHub legacy file and converts it to v2 records: `models.csv` for text, the legacy
 * JSON for every other category. Loaded on demand by the GitHub source.
 *
 * @throws {SourceFailure} `malformed` when the body is not that file's format.
 */
export function decodeGithubBody(category: FetchableCategory, body: FetchedBody): DecodedRecords {
  if (category === 'text_generation') {
    rejectHtml(body)
    const header = body.text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/, 1)[0] ?? ''
    if (!header.split(',').some((cell) => cell.replace(/^"|"$/g, '') === 'name')) {
      throw malformed(body, 'not the models.csv format: the header has no "name" column')
    }
    return convertTextCsv(body.text)
  }
  const data = decodeJson(body)
  try {
    return convertLegacyJson(category, data)
  } catch (error) {
    throw malformed(body, error instanceof Error ? error.message : String(error))
  }
}
