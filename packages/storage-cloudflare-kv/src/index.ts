import type { StorageAdapter, StorageSetOptions, StoredValueMetadata } from '@horde-model-reference/core'

/**
 * The part of a Workers KV namespace binding the adapter uses; a `KVNamespace` from
 * `@cloudflare/workers-types` fits it.
 */
export interface KvNamespaceLike {
  get(key: string, type: 'text'): Promise<string | null>
  put(key: string, value: string, options?: { expirationTtl?: number; metadata?: unknown }): Promise<void>
  delete(key: string): Promise<void>
  list(options?: { prefix?: string; cursor?: string }): Promise<{
    keys: { name: string; expiration?: number; metadata?: unknown }[]
    list_complete: boolean
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
  keyPrefix?: string
}

/** KV rejects an `expirationTtl` below 60 seconds (`400 Invalid expiration_ttl`). */
export const KV_MIN_EXPIRATION_TTL_SECONDS = 60

/** KV accepts one write per second to a key. */
export const KV_MIN_WRITE_INTERVAL_MS = 1_000

/** A storage adapter over Workers KV, with a way to read a value's freshness facts without the value. */
export interface CloudflareKvStorage extends StorageAdapter {
  /**
   * The metadata kept beside a value (format, category, source, `fetchedAt`, `lastUpdated`,
   * `etag`), read from a `list()` of the key, so without reading or parsing the value itself.
   */
  getMetadata(key: string): Promise<StoredValueMetadata | undefined>
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A storage adapter over a Cloudflare Workers KV namespace, so that the model reference cache
 * survives cold starts: a fresh isolate reads the categories from KV instead of upstream.
 *
 * - Values are stored as JSON, with the freshness facts as the key's KV metadata.
 * - `expirationTtl` is the client's retention time, never less than KV's 60-second floor.
 *   It only collects garbage; the client judges freshness from the stored `fetchedAt`.
 * - The client writes only after a successful refresh. Writes to one key less than a second
 *   apart are delayed to respect KV's one-write-per-second limit, and a write still waiting is
 *   replaced by a newer one.
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
 */
export function createCloudflareKvStorage(namespace: KvNamespaceLike, options: CloudflareKvStorageOptions = {}): CloudflareKvStorage {
  if (typeof namespace !== 'object' || namespace === null || typeof namespace.get !== 'function' || typeof namespace.put !== 'function') {
    throw new TypeError('createCloudflareKvStorage needs a KV namespace binding (env.YOUR_BINDING).')
  }
  const prefix = options.keyPrefix ?? 'horde-model-reference/'
  const lastWriteAt = new Map<string, number>()
  const waiting = new Map<string, { value: unknown; options: StorageSetOptions; done: Promise<void> }>()

  const write = async (key: string, value: unknown, { retentionSeconds, metadata }: StorageSetOptions): Promise<void> => {
    lastWriteAt.set(key, Date.now())
    const expirationTtl = Math.max(KV_MIN_EXPIRATION_TTL_SECONDS, Math.ceil(retentionSeconds))
    await namespace.put(prefix + key, JSON.stringify(value), { expirationTtl, metadata })
  }

  return {
    async get(key) {
      const text = await namespace.get(prefix + key, 'text')
      if (text === null) return undefined
      try {
        return JSON.parse(text) as unknown
      } catch {
        throw new TypeError(`the KV value of ${JSON.stringify(prefix + key)} is not JSON (${text.length} characters)`)
      }
    },
    async set(key, value, setOptions) {
      const pending = waiting.get(key)
      if (pending !== undefined) {
        pending.value = value
        pending.options = setOptions
        return pending.done
      }
      const wait = (lastWriteAt.get(key) ?? Number.NEGATIVE_INFINITY) + KV_MIN_WRITE_INTERVAL_MS - Date.now()
      if (wait <= 0) return write(key, value, setOptions)
      const entry = { value, options: setOptions, done: Promise.resolve() }
      entry.done = sleep(wait).then(() => {
        waiting.delete(key)
        return write(key, entry.value, entry.options)
      })
      waiting.set(key, entry)
      return entry.done
    },
    async delete(key) {
      await namespace.delete(prefix + key)
    },
    async clear() {
      let cursor: string | undefined
      do {
        const page = await namespace.list({ prefix, ...(cursor !== undefined && { cursor }) })
        await Promise.all(page.keys.map((entry) => namespace.delete(entry.name)))
        cursor = page.list_complete ? undefined : page.cursor
      } while (cursor !== undefined)
    },
    async getMetadata(key) {
      const page = await namespace.list({ prefix: prefix + key })
      const entry = page.keys.find((k) => k.name === prefix + key)
      return (entry?.metadata ?? undefined) as StoredValueMetadata | undefined
    },
  }
}
