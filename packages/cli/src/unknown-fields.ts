import type { ModelReferenceIssue } from '@horde-model-reference/core'
import { closest } from './closest.js'
import { declaredFields } from './declared-fields.js'
import { LEGACY_FIELDS } from './legacy-fields.js'
import type { ReferenceFile } from './reference-file.js'

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A warning for each field of the file's records that upstream's models do not declare: upstream
 * drops them on read and its CI (`extra="forbid"`) rejects them, so a typo (`basline`) is caught
 * before it lands. Nested objects are checked where the schema declares their fields (not inside
 * lists, nor in maps such as `requirements`).
 */
export function findUnknownFields(file: ReferenceFile): ModelReferenceIssue[] {
  if (file.format === 'csv' || !isObject(file.data)) return []
  const declared = file.format === 'legacy' ? LEGACY_FIELDS : declaredFields(file.category)
  const known = [...declared]
  const issues: ModelReferenceIssue[] = []
  const walk = (key: string, value: Record<string, unknown>, prefix: string): void => {
    for (const field of Object.keys(value)) {
      const path = prefix + field
      if (!declared.has(path)) {
        const near = closest(path, known)
        issues.push({ category: file.category, severity: 'warning', key, path, message: `unknown field${near === undefined ? '' : ` (did you mean "${near}"?)`}; upstream drops it, and its CI (extra="forbid") rejects it` })
        continue
      }
      const child = value[field]
      if (isObject(child) && known.some((k) => k.startsWith(`${path}.`))) walk(key, child, `${path}.`)
    }
  }
  for (const key of Object.keys(file.data)) {
    const record = file.data[key]
    if (isObject(record)) walk(key, record, '')
  }
  return issues
}
