import type { ModelReferenceCategory } from '@horde-model-reference/core'
import { createQuery, isUnknownFieldError } from '@horde-model-reference/core/query'

const cache = new Map<ModelReferenceCategory, ReadonlySet<string>>()

/**
 * The fields the core's schema declares for a category's records (dotted into nested objects,
 * not into lists or maps), read through the public API: a query over one empty record for a
 * field nobody has throws `UnknownFieldError`, whose `knownFields` are then exactly the
 * declared ones.
 */
export function declaredFields(category: ModelReferenceCategory): ReadonlySet<string> {
  let fields = cache.get(category)
  if (fields !== undefined) return fields
  try {
    ;(createQuery(category, () => [{}] as never) as unknown as { where(f: string, op: string, v: unknown): { run(r: unknown[]): unknown } }).where('\u0000', '=', 1).run([{}])
    fields = new Set()
  } catch (error) {
    if (!isUnknownFieldError(error)) throw error
    fields = new Set(error.knownFields)
  }
  cache.set(category, fields)
  return fields
}
