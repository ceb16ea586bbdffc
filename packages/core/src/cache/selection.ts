import type { ModelReferenceCategory } from '../categories.js'
import { isHordeModelReferenceError } from '../errors/base.js'
import { SourcesUnavailableError, type SourceAttempt } from '../errors/sources-unavailable.js'
import { UnknownSourceError } from '../errors/unknown-source.js'
import { ANY_SOURCE, HORDE_SOURCE } from '../providers/provider.js'
import type { ModelReferenceIssue } from '../records/issues.js'
import type { ModelMap } from '../records/types.js'
import { freezeResult, type ModelReferenceResult, type ResultSource, type SourceOutcome, type SourceSelector } from './result.js'

/**
 * The source ids a selector names, in precedence order, without repeats: `'horde'` (and no
 * selector, or an empty list) is the canonical data; `'any'` is it, then every provider in
 * registration order.
 *
 * @throws {UnknownSourceError} for an id that names no source.
 */
export function resolveSelector(selector: SourceSelector | undefined, providers: readonly string[]): readonly string[] {
  if (selector === undefined || selector === HORDE_SOURCE) return [HORDE_SOURCE]
  const named = typeof selector === 'string' ? [selector] : Array.isArray(selector) ? selector : undefined
  if (named === undefined) throw new TypeError('Option source must be "horde", "any", a provider id or a list of these.')
  const ids: string[] = []
  for (const id of named.length === 0 ? [HORDE_SOURCE] : named) {
    for (const each of id === ANY_SOURCE ? [HORDE_SOURCE, ...providers] : [id]) {
      if (each !== HORDE_SOURCE && !providers.includes(each)) throw new UnknownSourceError(String(each), [HORDE_SOURCE, ANY_SOURCE, ...providers])
      if (!ids.includes(each)) ids.push(each)
    }
  }
  return ids
}

/** One selected source's part of a read: its result, its failure, or nothing (it does not serve the category). */
export type SourcePart =
  | { readonly id: string; readonly result: ModelReferenceResult }
  | { readonly id: string; readonly error: Error; readonly attempts: readonly SourceAttempt[] }
  | { readonly id: string; readonly notServed: true }

/**
 * Merges the parts of a read from several sources into one result: records in precedence
 * order, the earliest source winning a name (each collision an `info` issue naming both), and
 * how each source answered.
 *
 * @throws {SourcesUnavailableError} listing every part's attempts when no part answered (the
 * part's own typed error, such as `NotCachedError`, when it is the only one that failed).
 */
export function mergeParts(category: ModelReferenceCategory, parts: readonly SourcePart[]): ModelReferenceResult {
  const answered = parts.filter((part): part is Extract<SourcePart, { result: ModelReferenceResult }> => 'result' in part)
  // Nobody answered and somebody failed: that failure is the answer, never silent empty data.
  const failed = parts.filter((part): part is Extract<SourcePart, { error: Error }> => 'error' in part)
  if (answered.length === 0 && failed.length > 0) {
    if (failed.length === 1 && isHordeModelReferenceError(failed[0]!.error)) throw failed[0]!.error
    throw new SourcesUnavailableError(category, failed.flatMap((part) => part.attempts), `no selected source answered: ${failed.map((part) => part.id).join(', ')}`)
  }
  const models: Record<string, unknown> = Object.create(null)
  const recordSources: Record<string, string> = Object.create(null)
  const collisions: Record<string, string[]> = Object.create(null)
  const issues: ModelReferenceIssue[] = []
  const sources: SourceOutcome[] = []
  for (const part of parts) {
    if ('error' in part) {
      sources.push(Object.freeze({ id: part.id, status: 'error', recordCount: 0, error: part.error }))
      continue
    }
    if ('notServed' in part) {
      sources.push(Object.freeze({ id: part.id, status: 'empty', recordCount: 0 }))
      continue
    }
    const { result } = part
    // One at a time: a spread of a very long list would overflow the call stack.
    for (const issue of result.issues) issues.push(issue)
    const names = Object.keys(result.models)
    for (const name of names) {
      if (Object.prototype.hasOwnProperty.call(models, name)) {
        const first = recordSources[name]!
        ;(collisions[name] ??= [first]).push(part.id)
        issues.push({ category, severity: 'info', key: name, path: '', message: `"${name}" is in both ${first} and ${part.id}; ${first}'s record is kept` })
        continue
      }
      models[name] = (result.models as Record<string, unknown>)[name]
      recordSources[name] = part.id
    }
    const [own] = result.sources
    sources.push(Object.freeze({ id: part.id, status: names.length > 0 ? 'ok' : 'empty', recordCount: names.length, fetchedAt: result.fetchedAt, stale: result.stale, ...(own?.error !== undefined && { error: own.error }) }))
  }
  const canonical = answered.find((part) => part.id === HORDE_SOURCE)?.result
  const stale = answered.some((part) => part.result.stale)
  const staleError = answered.find((part) => part.result.stale && part.result.error !== undefined)?.result.error
  const lastUpdated = canonical?.lastUpdated
  for (const names of Object.values(collisions)) Object.freeze(names)
  return freezeResult({
    category,
    models: Object.freeze(models) as ModelMap<ModelReferenceCategory>,
    // The canonical data's source when it is part of the answer, else the providers'.
    source: (canonical?.source ?? 'provider') as ResultSource,
    fetchedAt: answered.length === 0 ? 0 : Math.min(...answered.map((part) => part.result.fetchedAt)),
    stale,
    issues: Object.freeze(issues),
    ...(staleError !== undefined && { error: staleError }),
    ...(lastUpdated !== undefined && { lastUpdated }),
    sources: Object.freeze(sources),
    recordSources: Object.freeze(recordSources),
    ...(Object.keys(collisions).length > 0 && { collisions: Object.freeze(collisions) }),
  })
}
