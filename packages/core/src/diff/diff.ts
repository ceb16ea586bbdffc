import { assertDepth, definedKeys, equalWithin, isPlainObject, newWalk, ownValue, readOwn, type RecordsMap, type Walk } from './fingerprint.js'

/** One difference inside a record: a field (or array element) added, removed or given another value. */
export interface FieldChange {
  /**
   * Where the difference is: object keys joined by dots (`requirements.clip_skip`), array
   * elements as `[i]` (`config.download[0].sha256sum`). A key that is not an identifier is
   * written as a JSON string in brackets (`settings["max-length"]`); the empty path is the whole
   * record, when the two records are not both objects.
   */
  path: string
  /** The value before (the original value, not a copy); `undefined` when the field was added. */
  before: unknown
  /** The value after (the original value, not a copy); `undefined` when the field was removed. */
  after: unknown
  /** `'added'` when only `after` has the field, `'removed'` when only `before` has it, else `'changed'`. */
  kind: 'added' | 'removed' | 'changed'
}

/** A record present on both sides whose content differs. */
export interface ModelChange {
  /** The record's name (its key in the records map). */
  name: string
  /** What differs, in path order (see {@link diffModelReferences}); never empty. */
  changes: FieldChange[]
}

/** What changed between two versions of a category's records, from {@link diffModelReferences}. */
export interface ModelReferenceDiff {
  /** Names only in `after`, in code unit order. */
  added: string[]
  /** Names only in `before`, in code unit order. */
  removed: string[]
  /** Records on both sides with different content, by name in code unit order. */
  changed: ModelChange[]
  /** How many records are on both sides with equal content. */
  unchanged: number
  /** `true` when nothing was added, removed or changed: the two are deep-equal. */
  equal: boolean
}

/** What {@link diffModelReferences} compares: a records map, or a result object holding one as `models`. */
export type DiffInput =
  | RecordsMap
  | {
      /** The records, keyed by name. */
      readonly models: RecordsMap
    }

/**
 * Compares two versions of a category's records and says which were added, removed and changed,
 * and for each changed record which fields changed. Either side may be a records map (records
 * keyed by name: `result.models`, or a raw legacy file parsed as JSON) or a result object with
 * such a map as `models` (what `getModelReferenceResult` returns).
 *
 * Equality follows {@link recordsEqual}: key order does not count, array order does, a key whose
 * value is `undefined` counts as missing, `NaN` equals `NaN`, `0` equals `-0`, `1` differs from
 * `"1"`. Keys are own enumerable keys, read as data (a `__proto__` key is a field like any other).
 *
 * Field paths: nested objects are walked key by key (`requirements.clip_skip`). An array is one
 * value (the path names the array; `before` and `after` are the whole arrays), except when both
 * arrays have the same length and every element of both is an object: then they are walked
 * element by element (`config.download[0].sha256sum`). So a changed tag list is one change of
 * `tags`, and a changed checksum in a download entry is one change of that checksum. Within a
 * record the changes come in path order: keys in code unit order, array indices ascending,
 * depth first.
 *
 * A record map input is told from a result object by shape: the argument is read as a result
 * when its `models` is an object whose values are all objects. A records map could be mistaken
 * only if it had a record named `models` whose every field is an object; records have a string
 * `name`, so real data never is. Pass `result.models` to be explicit.
 *
 * The `before` and `after` values are the inputs' own values, not copies (frozen, in the SDK's
 * results). The function is pure and does not change its inputs.
 *
 * @example
 * const diff = diffModelReferences(previous, await client.getModelReferenceResult('image_generation'))
 * if (!diff.equal) console.log(diff.added, diff.removed, diff.changed.map((c) => c.name))
 * @param before The older version (a records map, or a result).
 * @param after The newer version.
 * @throws {TypeError} when an input is not an object, or a compared record holds a function or
 * symbol or nests deeper than 10,000 levels (a cycle).
 */
export function diffModelReferences(before: DiffInput, after: DiffInput): ModelReferenceDiff {
  const older = recordsOf(before)
  const newer = recordsOf(after)
  const diff: ModelReferenceDiff = { added: [], removed: [], changed: [], unchanged: 0, equal: true }
  // One budget for the whole diff (see MAX_NODES).
  const walk = newWalk()
  forEachKey(definedKeys(older), definedKeys(newer), (name, inOlder, inNewer) => {
    if (!inNewer) diff.removed.push(name)
    else if (!inOlder) diff.added.push(name)
    else {
      const a = readOwn(older, name)
      const b = readOwn(newer, name)
      if (equalWithin(a, b, walk)) diff.unchanged++
      else diff.changed.push({ name, changes: diffRecord(a, b, walk) })
    }
  })
  diff.equal = diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0
  return diff
}

/** The records map of an input: its `models` when it is shaped like a result object, else the input itself. */
function recordsOf(input: DiffInput): RecordsMap {
  if (typeof input !== 'object' || input === null) throw new TypeError('diffModelReferences compares records maps or result objects')
  const models: unknown = (input as { readonly models?: unknown }).models
  return isRecordsMap(models) ? models : (input as RecordsMap)
}

/** `true` for a non-array object whose defined own values are all non-null objects. */
function isRecordsMap(value: unknown): value is RecordsMap {
  if (!isPlainObject(value)) return false
  for (const key of Object.keys(value)) {
    const record = readOwn(value, key)
    if (record !== undefined && (typeof record !== 'object' || record === null)) return false
  }
  return true
}

/**
 * Walks two key lists sorted in code unit order as one merged, sorted list, telling for each key
 * which sides have it.
 */
function forEachKey(left: readonly string[], right: readonly string[], visit: (key: string, inLeft: boolean, inRight: boolean) => void): void {
  let i = 0
  let j = 0
  while (i < left.length || j < right.length) {
    const l = left[i]
    const r = right[j]
    if (r === undefined || (l !== undefined && l < r)) {
      visit(l!, true, false)
      i++
    } else if (l === undefined || r < l) {
      visit(r, false, true)
      j++
    } else {
      visit(l, true, true)
      i++
      j++
    }
  }
}

/**
 * The field changes between two records known to differ. Iterative and depth first: pending
 * pairs wait on a stack, pushed in reverse so that they come off it in path order. A side that
 * lacks a field holds `undefined` there, which is what "missing" means.
 */
function diffRecord(before: unknown, after: unknown, walk: Walk): FieldChange[] {
  const changes: FieldChange[] = []
  const paths: string[] = ['']
  const befores: unknown[] = [before]
  const afters: unknown[] = [after]
  const depths: number[] = [0]
  const push = (path: string, a: unknown, b: unknown, depth: number): void => {
    paths.push(path)
    befores.push(a)
    afters.push(b)
    depths.push(depth)
  }
  while (paths.length > 0) {
    const path = paths.pop()!
    const a = befores.pop()
    const b = afters.pop()
    const depth = depths.pop()!
    if (a === b) continue
    if (a === undefined) changes.push({ path, before: a, after: b, kind: 'added' })
    else if (b === undefined) changes.push({ path, before: a, after: b, kind: 'removed' })
    else if (isPlainObject(a) && isPlainObject(b)) {
      assertDepth(depth, walk)
      pushFields(path, a, b, depth + 1, push)
    } else if (Array.isArray(a) && Array.isArray(b) && walksElementwise(a, b)) {
      assertDepth(depth, walk)
      for (let i = a.length - 1; i >= 0; i--) push(`${path}[${i}]`, a[i], b[i], depth + 1)
    } else if (!equalWithin(a, b, walk)) changes.push({ path, before: a, after: b, kind: 'changed' })
  }
  return changes
}

/** Queues the fields of two objects, the union of their defined keys, so that they come off in key order. */
function pushFields(path: string, a: object, b: object, depth: number, push: (path: string, a: unknown, b: unknown, depth: number) => void): void {
  const keys: string[] = []
  forEachKey(definedKeys(a), definedKeys(b), (key) => keys.push(key))
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i]!
    push(joinKey(path, key), ownValue(a, key), ownValue(b, key), depth)
  }
}

/** `true` when two arrays are compared element by element: the same length, and every element of both an object. */
function walksElementwise(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every(isObject) && b.every(isObject)
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** A path with a key appended: `.key` for an identifier, else `["key"]`; no dot at the start. */
function joinKey(path: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`
  return path === '' ? key : `${path}.${key}`
}
