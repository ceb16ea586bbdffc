import type { DownloadRecord, ModelRecordBase } from './types.js'

/** The sentinel upstream writes for an unknown hash; it matches nothing. */
export const UNKNOWN_SHA256 = 'FIXME'

/**
 * The model's total size in bytes: the sum of its files' `size_bytes` when every file declares
 * one, otherwise `size_on_disk_bytes`; `undefined` when neither is known.
 */
export function getDeclaredTotalSize(record: ModelRecordBase): number | undefined {
  const files = record.config.download
  if (files.length > 0 && files.every((file) => typeof file.size_bytes === 'number')) {
    return files.reduce((sum, file) => sum + (file.size_bytes as number), 0)
  }
  return typeof record.size_on_disk_bytes === 'number' ? record.size_on_disk_bytes : undefined
}

/** The URL of the model's first file, or `undefined` when it has none (or only an empty URL). */
export function getPrimaryDownloadUrl(record: ModelRecordBase): string | undefined {
  const url = record.config.download[0]?.file_url
  return url === undefined || url === '' ? undefined : url
}

/** The URLs of all the model's files, in order, leaving out empty ones. */
export function getAllDownloadUrls(record: ModelRecordBase): string[] {
  return record.config.download.map((file) => file.file_url).filter((url) => url !== '')
}

/**
 * `true` when two sha256 hashes are the same, ignoring letter case (the real data mixes
 * upper- and lower-case hex). The `'FIXME'` sentinel and empty values never match.
 *
 * @param a A hash (hex), or nothing.
 * @param b The hash to compare it with.
 */
export function sha256Equals(a: string | null | undefined, b: string | null | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a === '' || a === UNKNOWN_SHA256 || b === UNKNOWN_SHA256) return false
  return a.toLowerCase() === b.toLowerCase()
}

/**
 * The file of a model whose sha256 equals `sha256` (ignoring case), or `undefined`.
 *
 * @param record Any record (its `config.download` is searched).
 * @param sha256 The hash to look for, in hex.
 */
export function findDownloadBySha256(record: ModelRecordBase, sha256: string): DownloadRecord | undefined {
  return record.config.download.find((file) => sha256Equals(file.sha256sum, sha256))
}
