import { fingerprintRecords, type RecordsMap } from '../diff/fingerprint.js'
import type { CategoryEnvelope } from './envelope.js'

// The content fingerprint of a copy's records (computed when first asked, once per records
// object), and structural sharing: a copy whose records equal the previous copy's keeps the
// previous records object, so that readers (and `subscribe`) can tell "same records" by identity.

const fingerprints = new WeakMap<object, string>()

/** @internal The fingerprint of a records map (`fingerprintRecords`), computed once per object. */
export function fingerprintOf(models: object): string {
  let fingerprint = fingerprints.get(models)
  if (fingerprint === undefined) fingerprints.set(models, (fingerprint = fingerprintRecords(models as RecordsMap)))
  return fingerprint
}

/**
 * @internal `next`, holding `previous`'s records object when the records are equal (the same
 * names in the same order, and the same content: the same fingerprint), else `next` itself.
 */
export function shareRecords(previous: CategoryEnvelope | undefined, next: CategoryEnvelope): CategoryEnvelope {
  if (previous === undefined || previous.records === next.records) return next
  // The same names in the same order first (cheap, and the order is part of what readers see:
  // queries and availability list records in the source's order); then the same content.
  const before = Object.keys(previous.records)
  const after = Object.keys(next.records)
  if (before.length !== after.length || before.some((name, i) => name !== after[i])) return next
  if (fingerprintOf(previous.records) !== fingerprintOf(next.records)) return next
  return Object.freeze({ ...next, records: previous.records })
}
