/**
 * Comparing versions of the model reference: which records were added, removed or changed
 * (and which fields), deep equality, and content fingerprints. Pure functions with no
 * dependencies, for browsers, Workers, Deno and Node alike.
 *
 * @module @horde-model-reference/core/diff
 */
export { diffModelReferences, type DiffInput, type FieldChange, type ModelChange, type ModelReferenceDiff } from './diff.js'
export { fingerprintRecord, fingerprintRecords, recordsEqual, type RecordsMap } from './fingerprint.js'
export { watchModelReference, type ModelReferenceChange, type WatchableClient } from './watch.js'
