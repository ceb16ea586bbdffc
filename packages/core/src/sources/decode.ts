import { SourceFailure } from './failure.js'
import type { FetchedBody } from './transport.js'

/** A body that is not what the source serves: the source fails as `malformed`, with the body's status. */
export function malformed(body: Pick<FetchedBody, 'status'> | undefined, message: string): SourceFailure {
  return new SourceFailure('malformed', message, { status: body?.status })
}

/**
 * Throws a `malformed` failure when the body is an HTML page (an error page sent with status
 * 200). The body decides, not the `Content-Type`: static hosts often mislabel data.
 */
export function rejectHtml(body: FetchedBody): void {
  if (body.text.trimStart().startsWith('<')) throw malformed(body, `an HTML page (content-type ${JSON.stringify(body.contentType)}), not model data`)
}

/** Parses a JSON body. @throws {SourceFailure} `malformed` for HTML or invalid JSON. */
export function decodeJson(body: FetchedBody): unknown {
  try {
    return JSON.parse(body.text)
  } catch (error) {
    rejectHtml(body)
    throw malformed(body, `invalid JSON (${body.text.length} characters): ${error instanceof Error ? error.message : String(error)}`)
  }
}
