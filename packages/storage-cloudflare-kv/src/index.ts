/**
 * A storage adapter over Cloudflare Workers KV for `@horde-model-reference/core`: the model
 * reference cache survives cold starts of an isolate.
 *
 * @module @horde-model-reference/storage-cloudflare-kv
 */
import { checkOptions, type KnownOptions, type StorageAdapter, type StoredValueMetadata } from '@horde-model-reference/core'

/**
 * The part of a Workers KV namespace binding the adapter uses; a `KVNamespace` from
 * `@cloudflare/workers-types` fits it.
 */
export interface KvNamespaceLike {
  /**
   * Reads a value as text.
   * @param key The full KV key (the adapter's `keyPrefix` included).
   * @param type Always `'text'`: the adapter parses the JSON itself.
   * @returns The text, or `null` when the key does not exist.
   */
  get(key: string, type: 'text'): Promise<string | null>
  /**
   * Writes a value, with its freshness facts as the key's KV metadata.
   * @param key The full KV key.
   * @param value The value as JSON text.
   * @param options `expirationTtl` in seconds (KV refuses less than 60) and the `metadata` object
   *   `list()` returns beside the key.
   */
  put(key: string, value: string, options?: { expirationTtl?: number; metadata?: unknown }): Promise<void>
  /** Deletes a key; deleting a missing key is not an error. */
  delete(key: string): Promise<void>
  /** Lists keys (with their metadata, without their values) by prefix, one page per call; `cursor` asks for the next page. */
  list(options?: { prefix?: string; cursor?: string }): Promise<{
    /** The page's keys. */
    keys: {
      /** The full KV key. */
      name: string
      /** When KV deletes the key, in seconds since the Unix epoch; absent for a key without expiry. */
      expiration?: number
      /** The metadata written with the key's last `put`. */
      metadata?: unknown
    }[]
    /** `true` on the last page. */
    list_complete: boolean
    /** The cursor for the next page, when `list_complete` is `false`. */
    cursor?: string
  }>
}

/** Options of {@link createCloudflareKvStorage}. */
export interface CloudflareKvStorageOptions {
  /**
   * Put before every key, so that the adapter's keys (and `clear()`) stay apart from the
   * namespace's other keys.
   * @default 'horde-model-reference/'
   */
  keyPrefix?: string | undefined
}

/** KV rejects an `expirationTtl` below 60 seconds (`400 Invalid expiration_ttl`). */
export const KV_MIN_EXPIRATION_TTL_SECONDS = 60

/** A storage adapter over Workers KV, with a way to read a value's freshness facts without the value. */
export interface CloudflareKvStorage extends StorageAdapter {
  /**
   * The metadata kept beside a value (format, category, source, `fetchedAt`, `lastUpdated`,
   * `etag`), read from a `list()` of the key, so without reading or parsing the value itself.
   */
  getMetadata(key: string): Promise<StoredValueMetadata | undefined>
}

/**
 * A storage adapter over a Cloudflare Workers KV namespace, so that the model reference cache
 * survives cold starts: a fresh isolate reads the categories from KV instead of upstream.
 *
 * - Values are stored as JSON, with the freshness facts as the key's KV metadata.
 * - `expirationTtl` is the client's retention time, never less than KV's 60-second floor.
 *   It only collects garbage; the client judges freshness from the stored `fetchedAt`.
 * - The client writes a key only after a successful refresh, and refreshes a category at most
 *   once per `ttlSeconds` per isolate, well within KV's one write per second per key. A write
 *   that KV refuses (rate limit, outage) is reported to `onEvent`; the read is unaffected.
 * - KV is eventually consistent: another location may read an older copy, or none, for up to
 *   about a minute. The client handles that like any older copy (it refreshes it if stale).
 *
 * @example
 * ```ts
 * export default {
 *   async fetch(request, env, ctx) {
 *     const client = createModelReferenceClient({
 *       storage: createCloudflareKvStorage(env.MODEL_REFERENCE),
 *       staleWhileRevalidate: true,
 *       waitUntil: ctx.waitUntil.bind(ctx),
 *     })
 *     return Response.json(await client.getModelReference('image_generation'))
 *   },
 * }
 * ```
 *
 * @param namespace The KV namespace binding (`env.MODEL_REFERENCE`).
 * @param options The key prefix.
 * @throws TypeError when `namespace` is not a KV namespace (it has no `put`).
 */
export function createCloudflareKvStorage(namespace: KvNamespaceLike, options: CloudflareKvStorageOptions = {}): CloudflareKvStorage {
  if (typeof namespace?.put !== 'function') throw new TypeError('createCloudflareKvStorage needs a KV namespace binding')
  checkOptions('createCloudflareKvStorage', options, { keyPrefix: 1 } satisfies KnownOptions<CloudflareKvStorageOptions>)
  const prefix = options.keyPrefix ?? 'horde-model-reference/'

  return {
    async get(key) {
      const text = await namespace.get(prefix + key, 'text')
      // A value that is not JSON throws here; the client reads that as a miss.
      return text === null ? undefined : (JSON.parse(text) as unknown)
    },
    set: (key, value, { retentionSeconds, metadata }) =>
      namespace.put(prefix + key, JSON.stringify(value), {
        expirationTtl: Math.max(KV_MIN_EXPIRATION_TTL_SECONDS, Math.ceil(retentionSeconds)),
        metadata,
      }),
    delete: (key) => namespace.delete(prefix + key),
    async clear() {
      let cursor: string | undefined
      do {
        const page = await namespace.list({ prefix, ...(cursor && { cursor }) })
        await Promise.all(page.keys.map((k) => namespace.delete(k.name)))
        cursor = page.list_complete ? undefined : page.cursor
      } while (cursor)
    },
    async getMetadata(key) {
      // A prefix listing also holds longer keys (controlnet_annotator for controlnet), and KV may
      // answer a page with no keys and list_complete false: look for the exact name on every page.
      let cursor: string | undefined
      do {
        const page = await namespace.list({ prefix: prefix + key, ...(cursor && { cursor }) })
        const found = page.keys.find((k) => k.name === prefix + key)
        if (found) return found.metadata as StoredValueMetadata | undefined
        cursor = page.list_complete ? undefined : page.cursor
      } while (cursor)
      return undefined
    },
  }
}
