import { ENVELOPE_FORMAT, providerEnvelopeKey, type CategoryEnvelope } from '../cache/envelope.js'
import { Query, type Copy, type Freshness, type LoadContext } from '../cache/query.js'
import { CategoryView, type ModelReferenceResult, type ReadOptions } from '../cache/result.js'
import { mergeParts, resolveSelector, type SourcePart } from '../cache/selection.js'
import type { FetchableCategory, ModelReferenceCategory } from '../categories.js'
import type { ClientInternals } from '../client-internals.js'
import { NotCachedError } from '../errors/not-cached.js'
import { validateRecords } from '../records/validate.js'
import { decodeJson } from '../sources/decode.js'
import { SourceFailure } from '../sources/failure.js'
import { checkOptions, type KnownOptions } from '../options-check.js'
import { isSourcesUnavailableError } from '../errors/sources-unavailable.js'
import { HORDE_SOURCE, type ModelReferenceProvider, type ProviderContext } from './provider.js'
import type { ProviderEntry } from './registry.js'

// Reads that select other sources than the canonical data (providers), loaded on the first
// such read: a read of the canonical data alone never loads this.

/**
 * A read from the selected sources: each part read as its own query (the canonical one, and one
 * per provider and category), then merged in precedence order. A part that fails is reported,
 * never the read's failure while another part answered.
 */
export async function readSelected(host: ClientInternals, category: ModelReferenceCategory, options: ReadOptions, refresh: boolean): Promise<ModelReferenceResult> {
  // Disposed while this module loaded: nothing starts.
  host.providers.throwIfDisposed()
  const ids = resolveSelector(options.source, host.providers.ids())
  if (ids.length === 1 && ids[0] === HORDE_SOURCE) return refresh ? host.refreshCanonical(category, options) : host.readCanonical(category, options)
  const parts = await Promise.all(
    ids.map(async (id): Promise<SourcePart> => {
      try {
        if (id === HORDE_SOURCE) return { id, result: await (refresh ? host.refreshCanonical(category, options) : host.readCanonical(category, options)) }
        const provider = host.providers.used(id)!
        if (!provider.categories.includes(category)) return { id, notServed: true }
        return { id, result: await readProvider(host, provider, category, options, refresh) }
      } catch (error) {
        // The caller's abort, or the client's end, ends the read; it is nobody's failure.
        if (options.signal?.aborted) throw options.signal.reason
        host.providers.throwIfDisposed()
        return failedPart(id, error)
      }
    }),
  )
  host.providers.throwIfDisposed()
  const inputs = parts.map((part) => ('result' in part ? part.result : 'error' in part ? part.error : part.id))
  return host.providers.merged(category, ids, inputs, () => mergeParts(category, parts))
}

// A selected source that failed: its error, and the attempts a SourcesUnavailableError lists
// when no selected source answered.
function failedPart(id: string, error: unknown): SourcePart {
  const failure = error instanceof Error ? error : new Error(String(error))
  if (isSourcesUnavailableError(failure)) return { id, error: failure, attempts: failure.attempts }
  const kind = failure instanceof SourceFailure ? failure.kind : 'provider'
  return { id, error: failure, attempts: [{ source: id, url: `provider:${id}`, kind, message: failure.message, ...(failure instanceof SourceFailure && failure.status !== undefined && { status: failure.status }) }] }
}

async function readProvider(host: ClientInternals, provider: ModelReferenceProvider, category: ModelReferenceCategory, options: ReadOptions, refresh: boolean): Promise<ModelReferenceResult> {
  const { query, view } = providerEntry(host, provider, category as FetchableCategory)
  const keepAlive = host.keepAlive(options.waitUntil)
  const none = host.options.prefetchStrategy === 'none'
  const copy = refresh ? await query.fetch(options.signal, keepAlive) : await query.read({ signal: options.signal, load: !none, staleWhileRevalidate: host.options.staleWhileRevalidate, keepAlive })
  if (copy === undefined) throw new NotCachedError(category)
  return view.result(query.state, copy)
}

// The query of a provider's copy of a category: the canonical rules (TTL, one load for concurrent
// readers, stale-if-error, never worse), its own TTL when it has one, stored under its own key.
function providerEntry(host: ClientInternals, provider: ModelReferenceProvider, category: FetchableCategory): ProviderEntry {
  return host.providers.entry(provider, category, () => {
    const { persistence, emit } = host
    const storageKey = providerEnvelopeKey(provider.id, category)
    const freshness: Freshness = provider.ttlSeconds === undefined ? host.freshness : { ttlMs: provider.ttlSeconds * 1000, maxStaleMs: host.freshness.maxStaleMs }
    const query = new Query<CategoryEnvelope>({
      load: (previous, context) => loadProvider(host, provider, category, storageKey, previous?.value, context),
      restore: async () => {
        // An unregistered provider of this id may still be having its copy deleted.
        await host.providers.settled(storageKey)
        const envelope = await persistence.read(category, undefined, storageKey)
        return envelope?.source === provider.id ? { value: envelope, fetchedAt: envelope.fetchedAt, origin: provider.id } : undefined
      },
      freshness,
      onChange: (action, state) => {
        if (action.type === 'success' && state.copy !== undefined) emit({ type: 'updated', category, source: provider.id, recordCount: Object.keys(state.copy.value.records).length })
        else if (action.type === 'failure') emit({ type: 'provider-failed', category, provider: provider.id, error: action.error })
      },
    })
    return { query, view: new CategoryView(category, freshness, provider.id) }
  })
}

// A provider's load: its answer within the read's deadline, validated like a source's, never
// worse than the copy it replaces, stored under its own key.
async function loadProvider(
  host: ClientInternals,
  provider: ModelReferenceProvider,
  category: FetchableCategory,
  storageKey: string,
  previous: CategoryEnvelope | undefined,
  { signal, keepAlive, startedAt }: LoadContext,
): Promise<Copy<CategoryEnvelope>> {
  const { options, transport, persistence, emit } = host
  const deadline = startedAt + options.totalTimeoutMs
  const controller = new AbortController()
  const onAbort = (): void => controller.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  let timer: ReturnType<typeof setTimeout> | undefined
  const context: ProviderContext = {
    signal: controller.signal,
    primaryUrl: options.primaryUrl,
    getJson: async (url, init = {}) => {
      checkOptions('getJson', init, { headers: 1 } satisfies KnownOptions<NonNullable<Parameters<ProviderContext['getJson']>[1]>>)
      return decodeJson(await transport.get({ category, source: provider.id, url, signal: controller.signal, timeoutMs: Math.max(1, Math.min(options.timeoutMs, deadline - Date.now())), ...(init.headers !== undefined && { headers: init.headers }) }))
    },
  }
  let records: unknown
  try {
    records = await Promise.race([
      Promise.resolve().then(() => provider.load(category, context)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const reason = new SourceFailure('timeout', `provider "${provider.id}" gave no answer within ${options.totalTimeoutMs} ms (totalTimeoutMs)`)
          controller.abort(reason)
          reject(reason)
        }, Math.max(0, deadline - Date.now()))
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })
      }),
    ])
  } catch (error) {
    if (signal.aborted || error instanceof SourceFailure) throw error
    throw new SourceFailure('provider', `provider "${provider.id}" failed: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
  }
  signal.throwIfAborted()
  const validated = validateRecords(category, providerEntries(provider.id, records))
  if (validated.issues.length > 0) emit({ type: 'issues', category, source: provider.id, issues: validated.issues })
  // Records, none of them valid: a failure, as from any source, never silent empty data.
  if (validated.recordCount === 0 && validated.entryCount > 0) {
    const [first] = validated.issues
    throw new SourceFailure('invalid', `provider "${provider.id}" answered ${validated.entryCount} record(s), none of them valid (first: ${first?.key}: ${first?.message})`, { issues: validated.issues })
  }
  // Never trade records for nothing, as with the canonical data.
  if (validated.recordCount === 0 && previous !== undefined && Object.keys(previous.records).length > 0) {
    throw new SourceFailure('empty', `provider "${provider.id}" answered with no record while its cached copy has some, so the cached copy was kept`)
  }
  const envelope: CategoryEnvelope = Object.freeze({ format: ENVELOPE_FORMAT, category, source: provider.id, fetchedAt: Date.now(), records: validated.models, aliases: validated.aliases, issues: Object.freeze(validated.issues) })
  persistence.trust(envelope)
  const write = persistence.write(category, envelope, storageKey)
  host.providers.trackWrite(storageKey, write)
  keepAlive(write)
  return { value: envelope, fetchedAt: envelope.fetchedAt, origin: provider.id }
}

// The most records a provider may answer for one category: like maxBodyBytes for a source, a
// bound no real category comes near (the largest has 719), so that a runaway answer (a sparse
// list of 2^26 slots, say) fails at once instead of holding the event loop.
const MAX_PROVIDER_RECORDS = 1_000_000

/**
 * Turns a provider's answer into `[key, record]` pairs ready for validation: each record a
 * fresh copy (validation completes and freezes records in place, and a provider's own objects
 * must stay as they are), its `name` filled in from its key when it has none. A record that
 * cannot be read or copied (a getter that throws, a function inside, a hole in a list) is
 * `undefined`, which validation skips with an issue; the others are kept.
 *
 * @throws {SourceFailure} for an answer that is not records, or more than a category may hold.
 */
function providerEntries(id: string, records: unknown): [string, unknown][] {
  const read = (get: () => unknown): unknown => {
    try {
      return structuredClone(get())
    } catch {
      return undefined
    }
  }
  const tooMany = (count: number): SourceFailure => new SourceFailure('malformed', `provider "${id}" answered ${count} records, more than the ${MAX_PROVIDER_RECORDS} a category may hold`)
  if (Array.isArray(records)) {
    if (records.length > MAX_PROVIDER_RECORDS) throw tooMany(records.length)
    const entries: [string, unknown][] = []
    for (let index = 0; index < records.length; index++) {
      const record = read(() => records[index])
      const name = typeof record === 'object' && record !== null ? (record as { name?: unknown }).name : undefined
      entries.push([typeof name === 'string' ? name : `#${index}`, record])
    }
    return entries
  }
  if (typeof records !== 'object' || records === null) throw new SourceFailure('malformed', `provider "${id}" answered ${records === null ? 'null' : typeof records}, not its records keyed by name or a list of records`)
  let keys: string[]
  try {
    keys = Object.keys(records)
  } catch (error) {
    throw new SourceFailure('malformed', `provider "${id}" answered an object whose keys cannot be read (${error instanceof Error ? error.message : String(error)})`)
  }
  if (keys.length > MAX_PROVIDER_RECORDS) throw tooMany(keys.length)
  return keys.map((key) => {
    const record = read(() => (records as Record<string, unknown>)[key])
    if (typeof record === 'object' && record !== null && !Array.isArray(record) && (record as { name?: unknown }).name === undefined) (record as { name: string }).name = key
    return [key, record]
  })
}
