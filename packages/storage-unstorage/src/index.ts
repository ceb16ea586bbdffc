/**
 * A storage adapter over any unstorage driver (files, Redis, Deno KV, ...) for
 * `@horde-model-reference/core`: the model reference cache survives restarts on every server runtime.
 *
 * @module @horde-model-reference/storage-unstorage
 */
import { checkOptions, type KnownOptions, type StorageAdapter } from '@horde-model-reference/core'
import type { Storage } from 'unstorage'

/** Options of {@link createUnstorageStorage}. */
export interface UnstorageStorageOptions {
  /**
   * The unstorage key every value of the adapter lives under, so that its keys (and `clear()`)
   * stay apart from the storage's other keys. Letters, digits, `_` and `-`, in `:`-separated
   * segments.
   * @default 'horde-model-reference'
   */
  prefix?: string | undefined
  /**
   * The longest stored text, in UTF-16 code units; a longer value is split into parts stored
   * under keys of their own. Deno KV refuses values over 64 KiB, so the default is 32,000 there
   * (the `deno-kv` and `deno-kv-node` drivers) and no splitting on every other driver.
   */
  maxValueLength?: number | undefined
}

/** The longest text kept in one Deno KV value: 32,000 UTF-16 code units are at most 64,000 bytes. */
export const DENO_KV_MAX_VALUE_LENGTH = 32_000

// What a value split into parts is stored as: this marker, then JSON. A JSON text never starts with `~`.
const PARTS_MARKER = '~parts:'
// The ids this adapter writes (base-36 time and randomness), and the most parts a value may have
// (10 000 parts of the largest length Deno KV takes: over 300 MB).
const PART_ID = /^[a-z0-9]{1,32}$/
const MAX_PARTS = 10_000

interface Parts {
  readonly id: string
  readonly count: number
}

/** The longest segment of an encoded key: file systems refuse names over 255 bytes. */
const SEGMENT_LENGTH = 200

/**
 * The unstorage key (below the prefix) of a core key. `a-z`, `0-9`, `_` and `-` stay; every
 * other UTF-8 byte becomes `%` and two lowercase hex digits, `:` included. So `/`, `\\`, `?`,
 * `:`, `.`, `$`, `%` and capitals, which unstorage's normalization, file systems or
 * case-insensitive disks would change, split or merge, never reach them. The empty key is a lone
 * `%`. An encoding longer than 200 characters is cut into 200-character segments, each but the
 * last ending in `~`, so that no file name exceeds 255 bytes and no stored key is a folder of
 * another. Distinct keys give distinct encodings, and {@link decodeKey} reverses it.
 *
 * @example encodeKey('horde-model-reference:image_generation') // 'horde-model-reference%3aimage_generation'
 */
export function encodeKey(key: string): string {
  if (key === '') return '%'
  // A lone surrogate has no UTF-8 form (the core's keys never hold one: encodeURIComponent refuses it).
  if (/\p{Cs}/u.test(key)) throw new TypeError(`createUnstorageStorage: the key ${JSON.stringify(key)} holds a lone surrogate`)
  const encoder = new TextEncoder()
  let out = ''
  for (const char of key) {
    if (/^[a-z0-9_-]$/.test(char)) out += char
    else for (const byte of encoder.encode(char)) out += '%' + byte.toString(16).padStart(2, '0')
  }
  if (out.length <= SEGMENT_LENGTH) return out
  const segments: string[] = []
  for (let start = 0; start < out.length; start += SEGMENT_LENGTH) segments.push(out.slice(start, start + SEGMENT_LENGTH))
  return segments.map((segment, i) => (i < segments.length - 1 ? segment + '~' : segment)).join(':')
}

/** The core key of an encoded key: the inverse of {@link encodeKey}. */
export function decodeKey(encoded: string): string {
  if (encoded === '%') return ''
  return decodeURIComponent(encoded.replace(/~(:|$)/g, ''))
}

const PREFIX_RE = /^[A-Za-z0-9_-]+(:[A-Za-z0-9_-]+)*$/

function text(raw: unknown): string | undefined {
  if (raw === null || raw === undefined) return undefined
  if (typeof raw === 'string') return raw
  // The fs driver reads raw values as a Buffer, others may answer bytes.
  if (raw instanceof Uint8Array || raw instanceof ArrayBuffer) return new TextDecoder('utf-8', { fatal: true }).decode(raw)
  throw new TypeError(`unstorage answered a ${typeof raw} where text was stored`)
}

function driverName(storage: Storage, prefix: string): string | undefined {
  try {
    return storage.getMount(prefix).driver.name
  } catch {
    return undefined
  }
}

/**
 * A storage adapter over an unstorage `Storage`, so the model reference cache lives wherever
 * unstorage has a driver: files for a Node bot, Redis for servers sharing one copy, Deno KV on
 * Deno Deploy, and the rest.
 *
 * - Values are stored as JSON text (`setItemRaw`), parsed back with `JSON.parse`, so what comes
 *   back equals what was stored on every driver (unstorage's own parsing would drop `__proto__`
 *   keys). Values over `maxValueLength` are split into parts (Deno KV's 64 KiB limit).
 * - `ttl` (seconds, the client's retention time) goes to drivers that support it (Redis, Deno
 *   KV, Cloudflare KV); it only collects garbage. Drivers without it (memory, fs) keep values
 *   until they are replaced, deleted or cleared. Freshness is judged by the client from the
 *   stored `fetchedAt`, never by the driver.
 * - Keys are encoded (see {@link encodeKey}) so that no two core keys meet after unstorage
 *   normalizes them or a file system folds them.
 * - Every driver error rejects the call; the client treats it as a miss or reports it.
 *
 * @example
 * ```ts
 * import { createStorage } from 'unstorage'
 * import fsDriver from 'unstorage/drivers/fs'
 *
 * const client = createModelReferenceClient({
 *   storage: createUnstorageStorage(createStorage({ driver: fsDriver({ base: './.cache' }) })),
 * })
 * ```
 *
 * @param storage An unstorage `Storage` (`createStorage({ driver })`).
 * @param options The key prefix and the longest value stored in one piece.
 * @throws TypeError when `storage` is not an unstorage `Storage`.
 */
export function createUnstorageStorage(storage: Storage, options: UnstorageStorageOptions = {}): StorageAdapter {
  if (typeof storage?.setItemRaw !== 'function' || typeof storage.getKeys !== 'function') throw new TypeError('createUnstorageStorage needs an unstorage Storage (createStorage())')
  checkOptions('createUnstorageStorage', options, { prefix: 1, maxValueLength: 1 } satisfies KnownOptions<UnstorageStorageOptions>)
  const prefix = options.prefix ?? 'horde-model-reference'
  if (!PREFIX_RE.test(prefix)) throw new TypeError(`createUnstorageStorage: the prefix ${JSON.stringify(prefix)} must be letters, digits, _ and - in :-separated segments`)
  const name = driverName(storage, prefix)
  const maxLength = options.maxValueLength ?? (name === 'deno-kv' || name === 'deno-kv-node' ? DENO_KV_MAX_VALUE_LENGTH : Infinity)
  if (!(maxLength >= 2)) throw new RangeError('createUnstorageStorage: maxValueLength must be 2 or more')

  // Values live under `<prefix>:v:`, the parts of long values under `<prefix>:p:<id>:<n>`.
  const valueKey = (key: string): string => `${prefix}:v:${encodeKey(key)}`
  const partKey = (id: string, index: number): string => `${prefix}:p:${id}:${index}`

  // What a parts marker names, checked: a stored value is foreign data (a hostile count must not
  // make the adapter allocate or ask for millions of parts).
  function partsOf(raw: string): Parts {
    const parts = JSON.parse(raw.slice(PARTS_MARKER.length)) as Partial<Parts> | null
    if (typeof parts !== 'object' || parts === null || typeof parts.id !== 'string' || !PART_ID.test(parts.id) || !Number.isInteger(parts.count) || parts.count! < 1 || parts.count! > MAX_PARTS) {
      throw new TypeError('unstorage: a stored value names its parts wrongly (not written by this adapter)')
    }
    return parts as Parts
  }

  // The previous value's parts, for cleanup after a write or a delete: best effort, so that a value
  // that cannot be read (corrupt bytes, a foreign marker, a failing read) never blocks replacing it.
  async function previousParts(key: string): Promise<Parts | undefined> {
    try {
      const raw = text(await storage.getItemRaw(valueKey(key)))
      return raw?.startsWith(PARTS_MARKER) ? partsOf(raw) : undefined
    } catch {
      return undefined
    }
  }

  const removeAll = (parts: Parts | undefined): Promise<unknown> =>
    parts === undefined ? Promise.resolve() : Promise.all(Array.from({ length: parts.count }, (_, i) => storage.removeItem(partKey(parts.id, i))))

  async function readParts(raw: string): Promise<string> {
    const parts = partsOf(raw)
    const texts = await Promise.all(Array.from({ length: parts.count }, (_, i) => storage.getItemRaw(partKey(parts.id, i)).then(text)))
    if (texts.some((t) => t === undefined)) throw new Error(`unstorage: a part of a stored value is missing (${parts.id})`)
    return texts.join('')
  }


  return {
    async get(key) {
      const raw = text(await storage.getItemRaw(valueKey(key)))
      if (raw === undefined) return undefined
      // Text that is not JSON throws here; the client reads that as a miss.
      return JSON.parse(raw.startsWith(PARTS_MARKER) ? await readParts(raw) : raw) as unknown
    },
    async set(key, value, { retentionSeconds }) {
      const json = JSON.stringify(value)
      if (json === undefined) throw new TypeError('createUnstorageStorage: the value is not JSON')
      const ttl = Number.isFinite(retentionSeconds) ? { ttl: Math.max(1, Math.ceil(retentionSeconds)) } : {}
      const previous = await previousParts(key)
      if (json.length <= maxLength) {
        await storage.setItemRaw(valueKey(key), json, ttl)
      } else {
        // The parts first, then the value that names them: a reader never sees a value whose parts are not there yet.
        const id = Date.now().toString(36) + Math.random().toString(36).slice(2, 10)
        const texts: string[] = []
        for (let start = 0; start < json.length; ) {
          let end = Math.min(start + maxLength, json.length)
          // Never split a surrogate pair: a lone half does not survive UTF-8.
          if (end < json.length && /[\uD800-\uDBFF]/.test(json[end - 1]!)) end--
          texts.push(json.slice(start, end))
          start = end
        }
        await Promise.all(texts.map((t, i) => storage.setItemRaw(partKey(id, i), t, ttl)))
        await storage.setItemRaw(valueKey(key), PARTS_MARKER + JSON.stringify({ id, count: texts.length } satisfies Parts), ttl)
      }
      // The written value no longer names them: removing them is cleanup, never a failed write.
      await removeAll(previous).catch(() => undefined)
    },
    async delete(key) {
      const previous = await previousParts(key)
      await storage.removeItem(valueKey(key))
      await removeAll(previous).catch(() => undefined)
    },
    async clear() {
      // One key at a time rather than storage.clear(prefix): the memory driver's clear() ignores the base and empties everything.
      const keys = await storage.getKeys(prefix)
      await Promise.all(keys.map((k) => storage.removeItem(k)))
    },
  }
}
