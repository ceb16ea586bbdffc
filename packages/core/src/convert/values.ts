// Upstream reads legacy data with pydantic's lax mode. These helpers accept the same inputs
// and return `undefined` for a value upstream would reject.

const TRUE_STRINGS = new Set(['1', 'on', 't', 'true', 'y', 'yes'])
const FALSE_STRINGS = new Set(['0', 'off', 'f', 'false', 'n', 'no'])

/** A lax boolean: `true`/`false`, `0`/`1`, or a yes/no word (case-insensitive, not trimmed). */
export function laxBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (value === 0 || value === 1) return value === 1
  if (typeof value === 'string') {
    const lower = value.toLowerCase()
    if (TRUE_STRINGS.has(lower)) return true
    if (FALSE_STRINGS.has(lower)) return false
  }
  return undefined
}

const INTEGER_STRING = /^[+-]?\d(?:_?\d)*(?:\.0*)?$/

/** A lax integer: an integer, a bool, a float with no fraction, or a digit string. */
export function laxInteger(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined
  if (typeof value === 'string') {
    const text = value.trim()
    if (!INTEGER_STRING.test(text)) return undefined
    return Math.trunc(Number(text.replaceAll('_', '')))
  }
  return undefined
}

/** A value allowed in `requirements` and `settings`, after upstream's union coercion. */
export type Primitive = number | string | boolean | number[] | string[]

/**
 * Coerces a value to upstream's `int | float | str | list[int] | list[float] | list[str] | bool`
 * union: a list of booleans becomes a list of numbers (`[true]` -> `[1]`). Returns `undefined`
 * for `null`, objects and lists that mix strings with numbers.
 */
export function coercePrimitive(value: unknown): Primitive | undefined {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value
  if (!Array.isArray(value)) return undefined
  if (value.every((item) => typeof item === 'string')) return value as string[]
  if (value.every((item) => typeof item === 'number' || typeof item === 'boolean')) {
    return value.map((item) => (typeof item === 'boolean' ? (item ? 1 : 0) : item)) as number[]
  }
  return undefined
}
