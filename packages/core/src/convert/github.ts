import type { FetchableCategory } from '../categories.js'
import { decodeJson, MalformedBodyError, rejectHtml } from '../sources/decode.js'
import type { DecodedRecords } from '../sources/source.js'
import type { FetchedBody } from '../sources/transport.js'
import { convertLegacyJson } from './legacy-json.js'
import { convertTextCsv } from './text-csv.js'

/**
 * Decodes a GitHub legacy file and converts it to v2 records: `models.csv` for text, the legacy
 * JSON for every other category. Loaded on demand by the GitHub source.
 *
 * @throws {MalformedBodyError} when the body is not that file's format.
 */
export function decodeGithubBody(category: FetchableCategory, body: FetchedBody): DecodedRecords {
  if (category === 'text_generation') {
    rejectHtml(body)
    const header = body.text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/, 1)[0] ?? ''
    if (!header.split(',').some((cell) => cell.replace(/^"|"$/g, '') === 'name')) {
      throw new MalformedBodyError('not the models.csv format: the header has no "name" column')
    }
    return convertTextCsv(body.text)
  }
  const data = decodeJson(body)
  try {
    return convertLegacyJson(category, data)
  } catch (error) {
    throw new MalformedBodyError(error instanceof Error ? error.message : String(error))
  }
}
