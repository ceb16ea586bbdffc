import type { CategoryEnvelope } from '../cache/envelope.js'
import type { FetchableCategory } from '../categories.js'
import type { Emit } from '../events.js'
import { isObject } from '../json.js'
import type { NormalizedOptions } from '../options.js'
import { validateRecords } from '../records/validate.js'
import { decodeJson, malformed } from './decode.js'
import { SourceFailure } from './failure.js'
import { acceptRecords, emptyIsValid, type AttemptContext, type ReferenceSource, type Revalidation } from './source.js'
import type { Transport } from './transport.js'
import { primaryUrlFor } from './urls.js'

// A `last_updated` more than this far ahead of the local clock is not believed: stored, it
// would make every later revalidation compare against a time that has not come yet.
const FUTURE_TOLERANCE_SECONDS = 60

/**
 * The PRIMARY API: `GET {primaryUrl}/model_references/v2/{category}`, v2 records as they are.
 * A copy it sent is revalidated with `.../v2/metadata/{category}/last_updated` (about 100
 * bytes) before it is downloaded again.
 */
export function createPrimarySource(options: NormalizedOptions, transport: Transport, emit: Emit): ReferenceSource {
  const get = (category: FetchableCategory, url: string, context: AttemptContext) => transport.get({ category, source: 'primary', url, ...context })

  return {
    id: 'primary',
    urlFor: (category) => primaryUrlFor(category, options),

    async revalidate(category: FetchableCategory, previous: CategoryEnvelope, context: AttemptContext): Promise<Revalidation> {
      // Only a PRIMARY deployment has the route (a replica answers 503): any failure means
      // "unknown", and the caller downloads as usual.
      let value: unknown
      try {
        // Not the data: its answer must not stop the next source from being asked beside a
        // primary whose data route hangs.
        const body = await transport.get({ category, source: 'primary', url: `${options.primaryUrl}/model_references/v2/metadata/${encodeURIComponent(category)}/last_updated`, signal: context.signal, timeoutMs: context.timeoutMs })
        const data: unknown = JSON.parse(body.text)
        value = isObject(data) ? data.last_updated : undefined
      } catch (error) {
        if (context.signal.aborted) throw error
        return { unchanged: false }
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value > Date.now() / 1000 + FUTURE_TOLERANCE_SECONDS) return { unchanged: false }
      // Any difference means a change, in either direction (a restored backup moves it back).
      return { unchanged: previous.lastUpdated === value, lastUpdated: value }
    },

    async load(category, { revalidation, context }) {
      const url = primaryUrlFor(category, options)
      const lastUpdated = revalidation?.lastUpdated
      const accept = { source: 'primary', url, strict: options.strict, emit, lastUpdated } as const
      let body
      try {
        body = await get(category, url, context)
      } catch (error) {
        // Upstream answers 404 for a category it holds no records of.
        if (error instanceof SourceFailure && error.status === 404 && emptyIsValid(category)) {
          return { unchanged: false, category, source: 'primary', url, fetchedAt: Date.now(), etag: undefined, lastUpdated, ...validateRecords(category, []) }
        }
        throw error
      }
      let data = decodeJson(body)
      if (Array.isArray(data) && data.length === 0) data = {}
      if (!isObject(data)) throw malformed(body, 'a v2 category is a JSON object keyed by model name')
      return acceptRecords(category, { entries: data, issues: [] }, { ...accept, status: body.status })
    },
  }
}
