/**
 * Deep equality and content fingerprints of model records, with one set of rules:
 *
 * - objects are compared by their own enumerable string keys, in any order; a key whose value is
 *   `undefined` counts as missing. Any non-array object is read this way (records are JSON data);
 * - arrays are compared by length and element by element, in order;
 * - numbers are equal when `===` says so (so `0` equals `-0`) or when both are `NaN`; strings,
 *   booleans, `null`, `undefined` (as an array element) and bigints by value; `1` and `"1"` differ;
 * - functions and symbols are not data: meeting one throws a `TypeError`.
 *
 * Every walk here and in the diff is iterative, so deep nesting cannot overflow the call stack; data nested deeper
 * than {@link MAX_DEPTH} levels (which is how a cycle shows itself) throws a `TypeError`.
 */

/** How deep a value may nest before it is refused as probably cyclic. */
export const MAX_DEPTH = 10_000

/** A records map: records keyed by name, as in `result.models` or a raw legacy category file. */
export type RecordsMap = Readonly<Record<string, object>>

/** The own enumerable keys of an object whose values are not `undefined`, in code unit order. */
export function definedKeys(object: object): string[] {
  const keys: string[] = []
  for (const key of Object.keys(object)) if (readOwn(object, key) !== undefined) keys.push(key)
  return keys.sort()
}

/** An own property's value (the caller has checked that the key is one of the object's own). */
export function readOwn(object: object, key: string): unknown {
  return (object as Record<string, unknown>)[key]
}

const isEnumerable = Object.prototype.propertyIsEnumerable

/** The value of an own enumerable property, or `undefined` when there is none. */
export function ownValue(object: object, key: string): unknown {
  return isEnumerable.call(object, key) ? readOwn(object, key) : undefined
}

/** `true` for a non-null object that is not an array. */
export function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Throws when a value is a function or a symbol, which have no meaning as data. */
export function assertData(value: unknown): void {
  const type = typeof value
  if (type === 'function' || type === 'symbol') throw new TypeError(`A model record holds a ${type}, which is not data`)
}

/**
 * How many objects and arrays one call (a fingerprint, a comparison, a diff) may visit: the 719
 * real text records hold about 30 000. Data that shares objects (`{ a: x, b: x }`, nested) is
 * walked once per appearance and can be exponentially larger than it looks; past this budget it
 * is refused instead of freezing the thread.
 */
export const MAX_NODES = 2_000_000

/** @internal What one call has visited so far. */
export interface Walk {
  visited: number
}

/** @internal A new walk's budget. */
export const newWalk = (): Walk => ({ visited: 0 })

/** Throws when a walk goes deeper than {@link MAX_DEPTH}, or visits more than {@link MAX_NODES} objects. */
export function assertDepth(depth: number, walk: Walk): void {
  if (depth > MAX_DEPTH) throw new TypeError(`A model record nests deeper than ${MAX_DEPTH} levels (is it cyclic?)`)
  if (++walk.visited > MAX_NODES) throw new TypeError(`The records hold more than ${MAX_NODES} objects (shared or cyclic references?); not data this compares`)
}

/**
 * Whether two values that are not `===` are still equal as leaves: both `NaN`. Throws for a
 * function or symbol on either side.
 */
function equalLeaves(a: unknown, b: unknown): boolean {
  assertData(a)
  assertData(b)
  return typeof a === 'number' && typeof b === 'number' && a !== a && b !== b
}

/**
 * Deep equality of two records, records maps or any JSON-like values: the equivalence that
 * {@link fingerprintRecords} fingerprints and `diffModelReferences` reports on.
 *
 * - objects are equal when they have the same own enumerable keys with equal values, in any
 *   order; a key whose value is `undefined` counts as missing. An array never equals a non-array;
 * - arrays are equal when they have the same length and equal elements, in order;
 * - `NaN` equals `NaN`, `0` equals `-0`, and otherwise primitives are equal when `===` (so `1`
 *   and `"1"` differ, and `null` differs from `undefined`).
 *
 * Identical references are equal at once, without being looked into, and the walk stops at the
 * first difference: comparing a record with itself, or with a slightly changed copy, is cheap
 * (meant for structural sharing: keep the old object when the new one is equal).
 *
 * @example
 * recordsEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }) // true: key order is ignored
 * recordsEqual({ a: 1, b: undefined }, { a: 1 })         // true: undefined is missing
 * recordsEqual({ tags: [1, 2] }, { tags: [2, 1] })       // false: array order counts
 * @param a A record, or any JSON-like value.
 * @param b The value to compare it with.
 * @throws {TypeError} when the compared parts hold a function or symbol, or nest deeper than 10,000 levels (a cycle).
 */
export function recordsEqual(a: unknown, b: unknown): boolean {
  return equalWithin(a, b, newWalk())
}

/** @internal {@link recordsEqual} within a walk's budget. */
export function equalWithin(a: unknown, b: unknown, walk: Walk): boolean {
  const lefts: unknown[] = [a]
  const rights: unknown[] = [b]
  const depths: number[] = [0]
  while (lefts.length > 0) {
    const left = lefts.pop()
    const right = rights.pop()
    const depth = depths.pop()!
    if (left === right) continue
    if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) {
      if (equalLeaves(left, right)) continue
      return false
    }
    assertDepth(depth, walk)
    const pushed = Array.isArray(left)
      ? pushArrayPairs(left, right, depth + 1, lefts, rights, depths)
      : pushObjectPairs(left, right, depth + 1, lefts, rights, depths)
    if (!pushed) return false
  }
  return true
}

/**
 * Queues the elements of two arrays for comparison; `false` when they cannot be equal (the other
 * value is no array, the lengths differ, or two primitive elements differ).
 */
function pushArrayPairs(left: readonly unknown[], right: object, depth: number, lefts: unknown[], rights: unknown[], depths: number[]): boolean {
  if (!Array.isArray(right) || left.length !== right.length) return false
  for (let i = 0; i < left.length; i++) {
    if (!queuePair(left[i], right[i], depth, lefts, rights, depths)) return false
  }
  return true
}

/**
 * Queues the values of two objects for comparison, key by key; `false` when they cannot be equal
 * (the other value is an array, the defined keys differ, or two primitive values differ).
 */
function pushObjectPairs(left: object, right: object, depth: number, lefts: unknown[], rights: unknown[], depths: number[]): boolean {
  if (Array.isArray(right)) return false
  let count = 0
  for (const key of Object.keys(left)) {
    const value = readOwn(left, key)
    if (value === undefined) continue
    count++
    const other = ownValue(right, key)
    if (other === undefined || !queuePair(value, other, depth, lefts, rights, depths)) return false
  }
  return count === countDefined(right)
}

/** Settles a pair of primitives at once (`false` when they differ), or queues a pair of containers. */
function queuePair(left: unknown, right: unknown, depth: number, lefts: unknown[], rights: unknown[], depths: number[]): boolean {
  if (left === right) return true
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return equalLeaves(left, right)
  lefts.push(left)
  rights.push(right)
  depths.push(depth)
  return true
}

/** How many own enumerable keys of an object have a value other than `undefined`. */
function countDefined(object: object): number {
  let count = 0
  for (const key of Object.keys(object)) if (readOwn(object, key) !== undefined) count++
  return count
}

// ---------------------------------------------------------------------------------------------
// The fingerprint: a canonical, type-tagged encoding of the value as a stream of 32-bit words,
// fed to a 128-bit hash (four 32-bit multiply–xorshift lanes, then a mixing finalizer).
//
// The encoding is prefix-free, so two different values never give the same stream:
//   null → NULL · false → FALSE · true → TRUE · undefined (array element) → UNDEFINED
//   number → NUMBER, low word, high word of its float64 bits (0 for ±0, one fixed NaN)
//   string → STRING, length, code units two per word · bigint → BIGINT, then its decimal digits as a string
//   array → ARRAY, length, each element · object → OBJECT, count of defined keys, then for each
//   defined key in code unit order: the key (length, code units), its value.
// ---------------------------------------------------------------------------------------------

const TAG_NULL = 1
const TAG_FALSE = 2
const TAG_TRUE = 3
const TAG_NUMBER = 4
const TAG_STRING = 5
const TAG_ARRAY = 6
const TAG_OBJECT = 7
const TAG_UNDEFINED = 8
const TAG_BIGINT = 9

/** The version of the encoding and hash, the prefix of every fingerprint. */
const FINGERPRINT_VERSION = 'v1:'

// Per lane: an odd multiplier, a shift and a starting value, all different.
const M0 = 0x9e3779b1 | 0
const M1 = 0x85ebca77 | 0
const M2 = 0xc2b2ae3d | 0
const M3 = 0x27d4eb2f | 0
const SEEDS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const

/**
 * A 128-bit streaming hash over 32-bit words. Each lane takes every word as `h = (h ^ w) * M;
 * h ^= h >>> r`, a bijection of the lane for a given word, so two streams that differ in one word
 * never meet again in that lane; the four lanes have different constants. Not cryptographic.
 */
class Hasher {
  readonly #lanes = Int32Array.from(SEEDS)
  readonly #number = new DataView(new ArrayBuffer(8))

  /** Feeds one 32-bit word. */
  word(w: number): void {
    const lanes = this.#lanes
    let h = Math.imul(lanes[0]! ^ w, M0)
    lanes[0] = h ^ (h >>> 15)
    h = Math.imul(lanes[1]! ^ w, M1)
    lanes[1] = h ^ (h >>> 13)
    h = Math.imul(lanes[2]! ^ w, M2)
    lanes[2] = h ^ (h >>> 16)
    h = Math.imul(lanes[3]! ^ w, M3)
    lanes[3] = h ^ (h >>> 17)
  }

  /** Feeds a string as its length, then its UTF-16 code units two to a word. */
  string(s: string): void {
    const lanes = this.#lanes
    let h0 = lanes[0]!, h1 = lanes[1]!, h2 = lanes[2]!, h3 = lanes[3]!
    const length = s.length
    let w = length
    let i = 0
    for (;;) {
      h0 = Math.imul(h0 ^ w, M0)
      h0 ^= h0 >>> 15
      h1 = Math.imul(h1 ^ w, M1)
      h1 ^= h1 >>> 13
      h2 = Math.imul(h2 ^ w, M2)
      h2 ^= h2 >>> 16
      h3 = Math.imul(h3 ^ w, M3)
      h3 ^= h3 >>> 17
      if (i >= length) break
      w = i + 1 < length ? s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16) : s.charCodeAt(i)
      i += 2
    }
    lanes[0] = h0
    lanes[1] = h1
    lanes[2] = h2
    lanes[3] = h3
  }

  /** Feeds a number as the two words of its float64 bits, with one encoding for ±0 and one for NaN. */
  number(n: number): void {
    if (n !== n) {
      this.word(0x7ff80000)
      this.word(0)
      return
    }
    this.#number.setFloat64(0, n === 0 ? 0 : n, true)
    this.word(this.#number.getInt32(0, true))
    this.word(this.#number.getInt32(4, true))
  }

  /** The hash as 32 hex digits, after a finalizer that mixes every lane into every other. */
  digest(): string {
    const lanes = this.#lanes
    let a = lanes[0]!, b = lanes[1]!, c = lanes[2]!, d = lanes[3]!
    for (let round = 0; round < 2; round++) {
      a = mix32(a + d)
      b = mix32(b + a)
      c = mix32(c + b)
      d = mix32(d + c)
    }
    return hex32(a) + hex32(b) + hex32(c) + hex32(d)
  }
}

/** An avalanche bijection of 32 bits: every input bit flips about half the output bits. */
function mix32(x: number): number {
  x ^= x >>> 16
  x = Math.imul(x, 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  return x ^ (x >>> 16)
}

function hex32(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0')
}

/**
 * Feeds the canonical encoding of a value to a hasher. Iterative: pending values wait on a stack,
 * each with its depth; an object key waits as a string with depth `-1`.
 */
function feed(hasher: Hasher, value: unknown): void {
  const walk = newWalk()
  const values: unknown[] = [value]
  const depths: number[] = [0]
  const orders = new KeyOrders()
  while (values.length > 0) {
    const next = values.pop()
    const depth = depths.pop()!
    if (depth < 0) hasher.string(next as string)
    else if (typeof next !== 'object' || next === null) feedLeaf(hasher, next)
    else {
      assertDepth(depth, walk)
      if (Array.isArray(next)) feedArray(hasher, next, depth + 1, values, depths)
      else feedObject(hasher, next, orders, depth + 1, values, depths)
    }
  }
}

function feedArray(hasher: Hasher, array: readonly unknown[], depth: number, values: unknown[], depths: number[]): void {
  hasher.word(TAG_ARRAY)
  hasher.word(array.length)
  for (let i = array.length - 1; i >= 0; i--) {
    values.push(array[i])
    depths.push(depth)
  }
}

function feedObject(hasher: Hasher, object: object, orders: KeyOrders, depth: number, values: unknown[], depths: number[]): void {
  const all = Object.keys(object)
  const keys: string[] = []
  const fields: unknown[] = []
  for (const index of orders.sorted(all)) {
    const key = all[index]!
    const field = readOwn(object, key)
    if (field === undefined) continue
    keys.push(key)
    fields.push(field)
  }
  hasher.word(TAG_OBJECT)
  hasher.word(keys.length)
  for (let i = keys.length - 1; i >= 0; i--) {
    values.push(fields[i], keys[i])
    depths.push(depth, -1)
  }
}

/** How many key lists a fingerprint remembers the order of. */
const KNOWN_ORDERS = 32

/**
 * The code unit order of key lists, remembered for the last few lists seen: the objects of a
 * category (records, their `config`s, ...) mostly list the same keys in the same order, and
 * sorting them again each time is most of the cost of a fingerprint.
 */
class KeyOrders {
  readonly #known: { readonly keys: readonly string[]; readonly order: readonly number[] }[] = []

  /** The indexes of `keys` in the keys' code unit order. */
  sorted(keys: readonly string[]): readonly number[] {
    for (const known of this.#known) if (sameStrings(known.keys, keys)) return known.order
    const order = keys.map((_, index) => index).sort((x, y) => (keys[x]! < keys[y]! ? -1 : 1))
    if (this.#known.length < KNOWN_ORDERS) this.#known.push({ keys, order })
    return order
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function feedLeaf(hasher: Hasher, value: unknown): void {
  switch (typeof value) {
    case 'string':
      hasher.word(TAG_STRING)
      hasher.string(value)
      return
    case 'number':
      hasher.word(TAG_NUMBER)
      hasher.number(value)
      return
    case 'boolean':
      hasher.word(value ? TAG_TRUE : TAG_FALSE)
      return
    case 'undefined':
      hasher.word(TAG_UNDEFINED)
      return
    case 'bigint':
      hasher.word(TAG_BIGINT)
      hasher.string(value.toString())
      return
    default:
      if (value === null) hasher.word(TAG_NULL)
      else assertData(value)
  }
}

/**
 * A content fingerprint of one record (or of any JSON-like value), by the same encoding as
 * {@link fingerprintRecords}: two values have the same fingerprint exactly when
 * {@link recordsEqual} says they are equal (up to hash collisions: see {@link fingerprintRecords}).
 *
 * @throws {TypeError} when the value holds a function or symbol, or nests deeper than 10,000 levels (a cycle).
 */
export function fingerprintRecord(record: unknown): string {
  const hasher = new Hasher()
  feed(hasher, record)
  return FINGERPRINT_VERSION + hasher.digest()
}

/**
 * A content fingerprint of a records map (`result.models`, or a raw category file keyed by name):
 * a string such as `v1:` followed by 32 hex digits, the same exactly when the maps are deep-equal
 * by the rules of {@link recordsEqual}. Key order inside objects and the order of the records
 * do not count; array order does; `1` and `"1"` differ; a key whose value is `undefined` counts
 * as missing; `NaN` equals `NaN` and `0` equals `-0`. So a map of JSON data and its JSON round
 * trip (`JSON.parse(JSON.stringify(models))`) have the same fingerprint.
 *
 * It is computed synchronously, with no crypto API, in every runtime, and the same data gives
 * the same fingerprint in every runtime and on every machine, so it can be stored and compared
 * later. The prefix names the encoding and hash: a fingerprint is comparable with fingerprints
 * of the same version only.
 *
 * The hash is 128 bits and not cryptographic: two different maps could in principle share a
 * fingerprint, but by accident that is vanishingly unlikely. Do not use it where someone might
 * craft a collision on purpose (integrity checks, security decisions).
 *
 * @example
 * if (fingerprintRecords(next.models) !== lastFingerprint) rerender()
 * @throws {TypeError} when a record holds a function or symbol, or nests deeper than 10,000 levels (a cycle).
 */
export function fingerprintRecords(models: RecordsMap): string {
  return fingerprintRecord(models)
}
