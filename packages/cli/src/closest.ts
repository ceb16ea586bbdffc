/** The edit distance between two strings (insertions, deletions, substitutions; case-insensitive). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i)
  for (let i = 1; i <= x.length; i++) {
    const current = [i]
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[y.length]!
}

/**
 * The candidate closest to `input`, or `undefined` when none is close enough to be a likely
 * typo (more than a third of the longer string differs and it is not a prefix).
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase().startsWith(input.toLowerCase()) && input.length >= 2 ? 0.5 : editDistance(input, candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  if (best === undefined) return undefined
  return bestDistance <= Math.max(2, Math.ceil(Math.max(input.length, best.length) / 3)) ? best : undefined
}

/** `' Did you mean "x"?'`, or `''` when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[], prefix = ''): string {
  const match = closest(input, candidates)
  return match === undefined ? '' : ` Did you mean "${prefix}${match}"?`
}
