import type { FetchedBody } from './transport.js'

/** A body that is not what the source serves. */
export class MalformedBodyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MalformedBodyError'
  }
}

/**
 * Throws {@link MalformedBodyError} when the body is an HTML page (an error page sent with
 * status 200). The body decides, not the `Content-Type`: static hosts often mislabel data.
 */
export function rejectHtml(body: FetchedBody): void {
  if (body.text.trimStart().startsWith('<')) {
    throw new MalformedBodyError(`an HTML page (content-type ${JSON.stringify(body.contentType)}), not model data`)
  }
}

/** Parses a JSON body. @throws {MalformedBodyError} for HTML or invalid JSON. */
export function decodeJson(body: FetchedBody): unknown {
  try {
    return JSON.parse(body.text)
  } catch (error) {
    rejectHtml(body)
    const detail = error instanceof Error ? error.message : String(error)
    throw new MalformedBodyError(`invalid JSON (${body.text.length} characters): ${detail}`)
  }
}
