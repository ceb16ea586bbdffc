import { usageError } from './exit-codes.js'

/** A flag's value as a whole number of at least `min`, or a usage error naming the flag. */
export function parseInteger(flag: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback
  const text = String(value)
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw usageError(`--${flag} takes a whole number of at least ${min}, not ${JSON.stringify(text)}.`)
  }
  return Number(text)
}
