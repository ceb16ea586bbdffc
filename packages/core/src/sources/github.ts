import type { FetchableCategory } from '../categories.js'
import type { Emit } from '../events.js'
import type { NormalizedOptions } from '../options.js'
import { SourceFailure } from './failure.js'
import { acceptRecords, type DecodedRecords, type ReferenceSource } from './source.js'
import type { FetchedBody, Transport } from './transport.js'
import { githubUrlFor } from './urls.js'

/**
 * `true` where requests are subject to CORS (browsers, including their workers), where a
 * header such as `If-None-Match` would trigger a preflight. Browsers' user agents start with
 * "Mozilla/"; Workers, Deno, Node and Bun name themselves.
 */
function corsApplies(): boolean {
  const userAgent = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent
  return typeof userAgent === 'string' && userAgent.startsWith('Mozilla/')
}

type Decode = (category: FetchableCategory, body: FetchedBody) => DecodedRecords

// The converters of the legacy files are loaded when the GitHub path first runs: a first read
// served by the primary never downloads them.
let decoder: Promise<Decode> | undefined
function loadDecoder(): Promise<Decode> {
  decoder ??= import('../convert/github.js').then(
    (module) => module.decodeGithubBody,
    (error: unknown) => {
      // A failed chunk load (a deployment that removed it, a flaky network) may work next time.
      decoder = undefined
      // Not GitHub's fault: the source is not put aside for it.
      throw new SourceFailure('network', `could not load the GitHub converters: ${error instanceof Error ? error.message : String(error)}`, { local: true })
    },
  )
  return decoder
}

/**
 * GitHub raw: the legacy files of the reference repositories (`stable_diffusion.json`, ...,
 * and `models.csv` for text), converted to v2. No custom header is ever sent here: it would
 * make browsers send a CORS preflight that GitHub refuses.
 */
export function createGithubSource(options: NormalizedOptions, transport: Transport, emit: Emit): ReferenceSource {
  const conditional = options.conditionalRequests === true || (options.conditionalRequests === 'auto' && !corsApplies())
  return {
    id: 'github',
    urlFor: (category) => (options.githubFallback ? githubUrlFor(category, options) : undefined),

    async load(category, { previous, context }) {
      const url = githubUrlFor(category, options)!
      const ifNoneMatch = conditional && previous?.source === 'github' ? previous.etag : undefined
      const body = await transport.get({ category, source: 'github', url, ...context, ...(ifNoneMatch !== undefined && { ifNoneMatch }) })
      if (body.status === 304) return { unchanged: true, category, source: 'github', url, fetchedAt: Date.now(), method: 'etag', lastUpdated: undefined }
      const decode = await loadDecoder()
      return acceptRecords(category, decode(category, body), { source: 'github', url, status: body.status, strict: options.strict, emit, etag: body.etag })
    },
  }
}
