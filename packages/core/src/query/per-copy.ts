// Values derived from one copy of the records (a search index, the fields they have), kept for
// as long as the copy lives. A copy is named by the objects it was read from (a result's
// `models`, one per category for `queryAll`): the same objects again are the same copy.

interface Entry<T> {
  readonly keys: readonly object[]
  readonly value: T
}

/** @internal A cache of one kind of derived value, per copy. */
export interface PerCopy<T> {
  get(keys: readonly object[], compute: () => T): T
}

/** @internal */
export function perCopy<T>(): PerCopy<T> {
  const entries = new WeakMap<object, Entry<T>>()
  return {
    get(keys, compute) {
      const head = keys[0]
      if (head === undefined) return compute()
      const entry = entries.get(head)
      if (entry !== undefined && entry.keys.length === keys.length && entry.keys.every((key, i) => key === keys[i])) return entry.value
      const value = compute()
      entries.set(head, { keys, value })
      return value
    },
  }
}
