import { MODEL_REFERENCE_CATEGORIES, type ModelReferenceCategory } from '../categories.js'
import { UnknownFieldError } from '../errors/unknown-field.js'
import { getRecordSchema } from '../records/schemas.js'
import { boundedDistance } from '../edit-distance.js'
import { perCopy } from './per-copy.js'

// Fields named by dotted paths (`requirements.clip_skip`), read through own properties only (a
// record may hold any key, `__proto__` included), and the check that a query names fields the
// records have.

const own = Object.prototype.hasOwnProperty

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** @internal The parts of a dotted path. */
export function pathParts(path: string): readonly string[] {
  return path.split('.')
}

/** @internal The value at a path of a record (`undefined` when any part is missing). */
export function valueAt(record: unknown, parts: readonly string[]): unknown {
  let value: unknown = record
  for (const part of parts) {
    if (!isObject(value) || !own.call(value, part)) return undefined
    value = value[part]
  }
  return value
}

/** `true` when the record has every part of the path as an own property (its value may be `null`). */
function hasPath(record: unknown, parts: readonly string[]): boolean {
  let value: unknown = record
  for (const part of parts) {
    if (!isObject(value) || !own.call(value, part)) return false
    value = value[part]
  }
  return true
}

// Nested objects are listed this deep (`config.download` is an array: listed, not entered).
const MAX_DEPTH = 3

function collectPaths(value: Record<string, unknown>, prefix: string, depth: number, into: Set<string>): void {
  for (const key of Object.keys(value)) {
    const path = prefix + key
    into.add(path)
    const child = value[key]
    if (depth < MAX_DEPTH && isObject(child) && !Array.isArray(child)) collectPaths(child, `${path}.`, depth + 1, into)
  }
}

const knownPathsOf = perCopy<readonly string[]>()

/** @internal Every field path the records have, sorted (computed once per copy). */
export function knownFields(records: readonly unknown[], copy: readonly object[]): readonly string[] {
  return knownPathsOf.get(copy, () => {
    const paths = new Set<string>()
    for (const record of records) if (isObject(record)) collectPaths(record, '', 1, paths)
    return Object.freeze([...paths].sort())
  })
}

function closest(field: string, known: readonly string[]): string[] {
  const wanted = field.toLowerCase()
  const close = known
    .map((path) => {
      const max = Math.max(1, Math.floor(Math.min(field.length, path.length) / 3))
      return { path, d: boundedDistance(wanted, path.toLowerCase(), max, false), max }
    })
    .filter(({ d, max }) => d <= max)
  // Only the closest: one typo away beats two.
  const best = Math.min(...close.map(({ d }) => d))
  return close
    .filter(({ d }) => d === best)
    .slice(0, 3)
    .map(({ path }) => path)
}

// What a valibot schema is made of, as far as its fields go.
interface SchemaNode {
  readonly type: string
  readonly entries?: Readonly<Record<string, SchemaNode>>
  readonly wrapped?: SchemaNode
}

function collectSchemaPaths(node: SchemaNode, prefix: string, depth: number, into: Set<string>): void {
  let inner = node
  while (inner.wrapped !== undefined) inner = inner.wrapped
  if (inner.entries === undefined || depth > MAX_DEPTH) return
  for (const [key, child] of Object.entries(inner.entries)) {
    into.add(prefix + key)
    collectSchemaPaths(child, `${prefix}${key}.`, depth + 1, into)
  }
}

const schemaPaths = new Map<string, ReadonlySet<string>>()

/**
 * The fields the category's schema declares (dotted into nested objects; not the keys of a map
 * such as `requirements`, which only records can show); for `undefined` (`queryAll`), every
 * category's.
 */
function declaredFields(category: string | undefined): ReadonlySet<string> {
  const key = category ?? '*'
  let paths = schemaPaths.get(key)
  if (paths === undefined) {
    const into = new Set<string>()
    const categories = category === undefined ? MODEL_REFERENCE_CATEGORIES : [category as ModelReferenceCategory]
    for (const each of categories) collectSchemaPaths(getRecordSchema(each) as unknown as SchemaNode, '', 1, into)
    schemaPaths.set(key, (paths = into))
  }
  return paths
}

/**
 * @internal Throws {@link UnknownFieldError} for the first of `fields` that the category's schema
 * does not declare and no record has (a key of a map field such as `requirements.clip_skip`
 * counts when some record has it). With no records there is nothing to match.
 */
export function assertKnownFields(fields: ReadonlySet<string>, records: readonly unknown[], copy: readonly object[], category: string | undefined): void {
  if (fields.size === 0 || records.length === 0) return
  for (const field of fields) {
    if (declaredFields(category).has(field)) continue
    const parts = pathParts(field)
    if (records.some((record) => hasPath(record, parts))) continue
    const known = [...new Set([...knownFields(records, copy), ...declaredFields(category)])].sort()
    throw new UnknownFieldError(field, category, known, closest(field, known))
  }
}
