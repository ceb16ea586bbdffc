// The one edit distance of the SDK: the search matcher's typo tolerance, the closest known
// fields of `UnknownFieldError` and the closest known option of `checkOptions`.

let rowBefore = /* @__PURE__ */ new Int32Array(64)
let rowPrevious = /* @__PURE__ */ new Int32Array(64)
let rowCurrent = /* @__PURE__ */ new Int32Array(64)

/**
 * @internal The optimal-string-alignment distance (Damerau: insert, delete, substitute, swap two
 * neighbours) between `a` and `b`, or `max + 1` when it exceeds `max`. With `prefix`, the least
 * distance between `a` and any beginning of `b` whose length is within `max` of `a`'s.
 */
export function boundedDistance(a: string, b: string, max: number, prefix: boolean): number {
  const n = a.length
  const m = prefix ? Math.min(b.length, n + max) : b.length
  if (m < n - max || (!prefix && m > n + max)) return max + 1
  if (rowCurrent.length <= m) {
    rowBefore = new Int32Array(m + 1)
    rowPrevious = new Int32Array(m + 1)
    rowCurrent = new Int32Array(m + 1)
  }
  let before = rowBefore
  let previous = rowPrevious
  let current = rowCurrent
  for (let j = 0; j <= m; j++) previous[j] = j
  for (let i = 1; i <= n; i++) {
    const ca = a.charCodeAt(i - 1)
    current[0] = i
    let rowMin = i
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1)
      let value = previous[j - 1]! + (ca === cb ? 0 : 1)
      const del = previous[j]! + 1
      if (del < value) value = del
      const ins = current[j - 1]! + 1
      if (ins < value) value = ins
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        const swap = before[j - 2]! + 1
        if (swap < value) value = swap
      }
      current[j] = value
      if (value < rowMin) rowMin = value
    }
    // Once a whole row exceeds `max`, every later one does too (a swap reaches back two rows
    // but only through a cell of the row between that is at most one less).
    if (rowMin > max) return max + 1
    const spare = before
    before = previous
    previous = current
    current = spare
  }
  if (!prefix) return Math.min(previous[m]!, max + 1)
  let best = max + 1
  for (let j = Math.max(0, n - max); j <= m; j++) if (previous[j]! < best) best = previous[j]!
  return best
}
