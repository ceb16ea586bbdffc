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
 * @internal `next`, holding `previous`'s records object when the records are equal (by content:
 * the same fingerprint), else `next` itself.
 */
export function shareRecords(previous: CategoryEnvelope | undefined, next: CategoryEnvelope): CategoryEnvelope {
  if (previous === undefined || previous.records === next.records) return next
  // Counting first: two maps of different sizes differ without hashing either.
  if (Object.keys(previous.records).length !== Object.keys(next.records).length) return next
  if (fingerprintOf(previous.records) !== fingerprintOf(next.records)) return next
  return Object.freeze({ ...next, records: previous.records })
}
