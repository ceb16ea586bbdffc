import type { ModelReferenceClient, ModelReferenceResult } from '@horde-model-reference/core'
import { query } from '@horde-model-reference/core/query'

type AnyRecord = Readonly<Record<string, unknown>>

/**
 * The query builder seen through the methods the CLI calls with names read from the command line
 * (the typed builder checks field names at compile time; these come from a user, so the builder's
 * run-time check, `UnknownFieldError`, is what catches a wrong one).
 */
export interface LooseQuery {
  where(field: string, op: '=' | 'contains', value: unknown): LooseQuery
  search(text: string): LooseQuery
  orderBy(field: string, direction: 'asc' | 'desc'): LooseQuery
  limit(count: number): LooseQuery
  forBaseline?(baseline: string): LooseQuery
  onlyNsfw?(): LooseQuery
  excludeNsfw?(): LooseQuery
  onlyInpainting?(): LooseQuery
  excludeInpainting?(): LooseQuery
  forStyle?(style: string): LooseQuery
  run(records: ModelReferenceResult): AnyRecord[]
}

/** `query(client, category)` as a {@link LooseQuery}. */
export function looseQuery(client: ModelReferenceClient, category: string): LooseQuery {
  return query(client, category) as unknown as LooseQuery
}
