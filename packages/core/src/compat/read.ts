// Defensive readers for records of unknown shape. Only own data properties are read (an
// inherited value, a getter or a Proxy trap never runs or counts), a value of the wrong type
// reads as absent, and nothing here throws.

/** `true` for a value that can hold fields (arrays included: they read as records with no fields). */
export function isObjectLike(value: unknown): value is object {
  return typeof value === 'object' && value !== null
}

/** The own data property `key` of `target`, or `undefined` (inherited, accessor, or a throwing Proxy). */
export function own(target: object, key: string): unknown {
  try {
    const descriptor = Object.getOwnPropertyDescriptor(target, key)
    return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined
  } catch {
    return undefined
  }
}

/** The own property `key` when it is a string, else `undefined`. */
export function ownString(target: object, key: string): string | undefined {
  const value = own(target, key)
  return typeof value === 'string' ? value : undefined
}

/** The own property `key` when it is a non-array object, else `undefined`. */
export function ownObject(target: object, key: string): object | undefined {
  const value = own(target, key)
  return isObjectLike(value) && !isArray(value) ? value : undefined
}

function isArray(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value)
  } catch {
    // `Array.isArray` throws for a revoked Proxy.
    return false
  }
}

const INDEX = /^(?:0|[1-9]\d*)$/

/**
 * The elements of the own array property `key`, copied (holes and accessor elements skipped), or
 * `undefined` when it is not an array. Only the indices present are visited, so a sparse array
 * with a huge `length` costs nothing.
 */
export function ownArray(target: object, key: string): readonly unknown[] | undefined {
  const value = own(target, key)
  if (!isArray(value)) return undefined
  return elementsOf(value)
}

/** The elements of an array (see {@link ownArray}). */
export function elementsOf(array: readonly unknown[]): readonly unknown[] {
  try {
    // Integer keys come first, in ascending order (OrdinaryOwnPropertyKeys).
    return Object.keys(array)
      .filter((key) => INDEX.test(key))
      .map((key) => own(array, key))
  } catch {
    return []
  }
}

/** The non-empty strings of the own array property `key` (other elements skipped). */
export function ownStrings(target: object, key: string): readonly string[] {
  return (ownArray(target, key) ?? []).filter((item): item is string => typeof item === 'string' && item.trim() !== '')
}

/** The own enumerable string keys of `target` (an empty list when even that fails). */
export function ownKeys(target: object): readonly string[] {
  try {
    return Object.keys(target)
  } catch {
    return []
  }
}

/** Throws the one error the compatibility helpers throw: a record argument that is not an object. */
export function requireRecord(value: unknown, what: string): asserts value is object {
  if (!isObjectLike(value)) throw new TypeError(`${what} must be a record object, got ${value === null ? 'null' : typeof value}.`)
}
