/**
 * Freezes a value and everything reachable from it. Iterative, so that no nesting depth in the
 * data can overflow the call stack.
 */
export function deepFreeze(value: unknown): void {
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const next = pending.pop()
    if (typeof next !== 'object' || next === null || Object.isFrozen(next)) continue
    Object.freeze(next)
    for (const key of Object.keys(next)) pending.push((next as Record<string, unknown>)[key])
  }
}
