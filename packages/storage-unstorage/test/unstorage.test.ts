import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStorage, defineDriver, type Storage } from 'unstorage'
import memoryDriver from 'unstorage/drivers/memory'
import fsDriver from 'unstorage/drivers/fs'
import redisDriver from 'unstorage/drivers/redis'
import Redis from 'ioredis'
import type { StorageAdapter, StorageSetOptions } from '@horde-model-reference/core'
import { envelopeMetadata } from '../../core/src/cache/envelope.js'
import { describeStorageContract, realEnvelope } from '../../core/test/contract/storage-contract.js'
import { createUnstorageStorage, decodeKey, encodeKey } from '../src/index.js'
import { startRedisServer, type RedisServer } from './redis-server.js'

const keep: StorageSetOptions = { retentionSeconds: 600, metadata: { format: 2, category: 'blip', source: 'primary', fetchedAt: 0 } }
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

/** One driver under test: a factory of Storage instances over the same data, and its cleanup. */
interface Backend {
  storage(): Storage
  teardown(): Promise<void>
}

function memoryBackend(): Backend {
  const storage = createStorage({ driver: memoryDriver() })
  return { storage: () => storage, teardown: () => storage.dispose() }
}

function fsBackend(): Backend & { base: string } {
  const base = mkdtempSync(join(tmpdir(), 'hmr-unstorage-fs-'))
  return {
    base,
    // A new Storage each time: a new process reading the same folder.
    storage: () => createStorage({ driver: fsDriver({ base }) }),
    teardown: async () => rmSync(base, { recursive: true, force: true }),
  }
}

function redisBackend(redis: () => RedisServer): Backend {
  const opened: Storage[] = []
  return {
    storage() {
      const storage = createStorage({ driver: redisDriver({ host: '127.0.0.1', port: redis().port, maxRetriesPerRequest: 1 }) })
      opened.push(storage)
      return storage
    },
    teardown: async () => void (await Promise.all(opened.splice(0).map((s) => s.dispose()))),
  }
}

let redis: RedisServer | undefined
const theRedis = (): RedisServer => redis!
beforeAll(async () => {
  redis = await startRedisServer()
}, 20_000)
afterAll(async () => {
  await redis?.stop()
})

describeStorageContract('unstorage, memory driver', async () => {
  const backend = memoryBackend()
  return { create: () => createUnstorageStorage(backend.storage()), teardown: backend.teardown }
})

describeStorageContract('unstorage, fs driver (a temporary folder)', async () => {
  const backend = fsBackend()
  return { create: () => createUnstorageStorage(backend.storage()), teardown: backend.teardown }
})

describeStorageContract('unstorage, redis driver (a real redis-server on 127.0.0.1)', async () => {
  const backend = redisBackend(theRedis)
  return { create: () => createUnstorageStorage(backend.storage()), teardown: backend.teardown }
})

// Keys that unstorage's normalization (`/` and `\` to `:`, `?` cuts the key, `::` and edge `:`
// removed, `.`/`..` refused, trailing `$` hidden) or a case-insensitive disk would merge.
const providerKey = (id: string): string => `horde-model-reference:image_generation:provider:${encodeURIComponent(id)}`
const HOSTILE_KEYS = [
  'horde-model-reference:image_generation',
  'horde-model-reference:image_generation:provider:x',
  'horde-model-reference/image_generation',
  'horde-model-reference\\image_generation',
  'horde-model-reference::image_generation',
  ':horde-model-reference:image_generation',
  'horde-model-reference:image_generation:',
  'horde-model-reference:image_generation?v=1',
  'horde-model-reference:image_generation?v=2',
  'horde-model-reference:image_generation$',
  'horde-model-reference:Image_Generation',
  'a/b',
  'a:b',
  'a%2Fb',
  '.',
  '..',
  'x:..:y',
  '',
  ':',
  '%',
  '__proto__',
  'constructor',
  'modèle-ü 😀',
  providerKey('a/b'),
  providerKey('a:b'),
  providerKey('a?b'),
  providerKey('../../etc/passwd'),
  providerKey('..'),
  providerKey('Model'),
  providerKey('model'),
  providerKey('model '),
  providerKey('模型 😀'),
  providerKey('%2F'),
  // Longer than one file name: cut into segments, none a folder of another key's file.
  'k'.repeat(200),
  'k'.repeat(201),
  'k'.repeat(400),
  'k'.repeat(401),
  providerKey('Ünïcode-Model-Name '.repeat(30)),
]

describe('key encoding', () => {
  it('is reversible, and every encoded segment is a-z 0-9 _ - % only', () => {
    for (const key of HOSTILE_KEYS) {
      const encoded = encodeKey(key)
      expect(decodeKey(encoded)).toBe(key)
      const segments = encoded.split(':')
      for (const [i, segment] of segments.entries()) {
        expect(segment).toMatch(i < segments.length - 1 ? /^[a-z0-9_%-]{200}~$/ : /^[a-z0-9_%-]{1,200}$/)
      }
    }
    expect(new Set(HOSTILE_KEYS.map(encodeKey)).size).toBe(HOSTILE_KEYS.length)
    expect(encodeKey('horde-model-reference:image_generation')).toBe('horde-model-reference%3aimage_generation')
    expect(encodeKey('k'.repeat(201))).toBe('k'.repeat(200) + '~:k')
  })

  it('refuses a key with a lone surrogate', () => {
    expect(() => encodeKey('a\uD800')).toThrow(/lone surrogate/)
  })
})

describe.each([
  ['memory', memoryBackend],
  ['fs', fsBackend],
  ['redis', () => redisBackend(theRedis)],
] as const)('unstorage adapter over the %s driver', (_, makeBackend) => {
  let backend: Backend
  beforeAll(() => {
    backend = makeBackend()
  })
  afterAll(() => backend.teardown())

  it('keeps hostile keys apart after unstorage normalizes them, and clear() removes them all', async () => {
    const storage = createUnstorageStorage(backend.storage(), { prefix: 'hostile' })
    await Promise.all(HOSTILE_KEYS.map((key, i) => storage.set(key, { i, key }, keep)))
    const again = createUnstorageStorage(backend.storage(), { prefix: 'hostile' })
    for (const [i, key] of HOSTILE_KEYS.entries()) expect(await again.get(key)).toEqual({ i, key })
    expect(await backend.storage().getKeys('hostile')).toHaveLength(HOSTILE_KEYS.length)
    await again.clear()
    for (const key of HOSTILE_KEYS) expect(await storage.get(key)).toBeUndefined()
    expect(await backend.storage().getKeys('hostile')).toEqual([])
  })

  it('clear() removes only its own prefix', async () => {
    const raw = backend.storage()
    await raw.setItem('someone-else:key', 'keep me')
    await raw.setItem('horde-model-reference-2:key', 'keep me too')
    const mine = createUnstorageStorage(raw)
    const other = createUnstorageStorage(raw, { prefix: 'other:hmr' })
    await mine.set('horde-model-reference:blip', { mine: true }, keep)
    await other.set('horde-model-reference:blip', { other: true }, keep)
    expect(await mine.get('horde-model-reference:blip')).toEqual({ mine: true })
    await mine.clear()
    expect(await mine.get('horde-model-reference:blip')).toBeUndefined()
    expect(await other.get('horde-model-reference:blip')).toEqual({ other: true })
    expect(await raw.getItem('someone-else:key')).toBe('keep me')
    expect(await raw.getItem('horde-model-reference-2:key')).toBe('keep me too')
    await other.clear()
    await raw.removeItem('someone-else:key')
    await raw.removeItem('horde-model-reference-2:key')
  })

  it('round-trips a real envelope exactly, strings that look like numbers or JSON included', async () => {
    const envelope = { ...realEnvelope('image_generation'), etag: '"123"', note: '{"a":1}', numeric: '42', truth: 'true', empty: '' }
    const storage = createUnstorageStorage(backend.storage())
    await storage.set('horde-model-reference:image_generation', envelope, { retentionSeconds: 3600, metadata: envelopeMetadata(envelope) })
    expect(await createUnstorageStorage(backend.storage()).get('horde-model-reference:image_generation')).toEqual(asJson(envelope))
    for (const value of ['a string', 42, true, null, [1, '2'], { __proto__: 1 }]) {
      await storage.set('scalar', value, keep)
      expect(await storage.get('scalar')).toEqual(value)
    }
    await storage.clear()
  })

  it('splits a value longer than maxValueLength into parts, never inside a surrogate pair, and removes old parts', async () => {
    const raw = backend.storage()
    const storage = createUnstorageStorage(raw, { prefix: 'parts', maxValueLength: 7 })
    const value = { text: 'é😀😀😀x😀中文 and some more text 😀'.repeat(5) }
    await storage.set('k', value, keep)
    expect(await createUnstorageStorage(backend.storage(), { prefix: 'parts', maxValueLength: 7 }).get('k')).toEqual(value)
    const partsOf = async (): Promise<string[]> => (await raw.getKeys('parts:p')).sort()
    const first = await partsOf()
    expect(first.length).toBeGreaterThan(10)
    await storage.set('k', 1, keep)
    expect(await storage.get('k')).toBe(1)
    expect(await partsOf()).toEqual([])
    await storage.set('k', value, keep)
    expect((await partsOf()).length).toBe(first.length)
    await storage.delete('k')
    expect(await storage.get('k')).toBeUndefined()
    expect(await raw.getKeys('parts')).toEqual([])
  })

  it('a value that is not JSON is an error (the client reads it as a miss)', async () => {
    const raw = backend.storage()
    await raw.setItemRaw('horde-model-reference:v:garbage', '{not json')
    await expect(createUnstorageStorage(raw).get('garbage')).rejects.toThrow(SyntaxError)
    await raw.removeItem('horde-model-reference:v:garbage')
  })
})

describe('expiry goes to drivers that have it, as garbage collection only', () => {
  let backend: Backend
  beforeAll(() => {
    backend = redisBackend(theRedis)
  })
  afterAll(() => backend.teardown())

  it('Redis gets the retention time as the key’s TTL (EX), rounded up, at least 1 s', async () => {
    const client = new Redis({ host: '127.0.0.1', port: theRedis().port })
    try {
      const storage = createUnstorageStorage(backend.storage())
      await storage.set('horde-model-reference:blip', { a: 1 }, { ...keep, retentionSeconds: 86_400.2 })
      const ttl = await client.ttl('horde-model-reference:v:horde-model-reference%3ablip')
      expect(ttl).toBeGreaterThan(86_390)
      expect(ttl).toBeLessThanOrEqual(86_401)
      await storage.set('short', { a: 1 }, { ...keep, retentionSeconds: 0.1 })
      expect(await client.ttl('horde-model-reference:v:short')).toBe(1)
      await storage.set('forever', { a: 1 }, { ...keep, retentionSeconds: Infinity })
      expect(await client.ttl('horde-model-reference:v:forever')).toBe(-1)
      const parts = createUnstorageStorage(backend.storage(), { prefix: 'ttlparts', maxValueLength: 4 })
      await parts.set('k', { long: 'a long value' }, keep)
      const partKeys = await client.keys('ttlparts:p:*')
      expect(partKeys.length).toBeGreaterThan(1)
      for (const key of partKeys) expect(await client.ttl(key)).toBeGreaterThan(590)
      await storage.clear()
      await parts.clear()
    } finally {
      client.disconnect()
    }
  })

  it('the fs driver has no TTL: a value outlives its retention time (the client, not the driver, judges freshness)', async () => {
    const fs = fsBackend()
    try {
      const storage = createUnstorageStorage(fs.storage())
      await storage.set('k', { a: 1 }, { ...keep, retentionSeconds: 1 })
      await new Promise((resolve) => setTimeout(resolve, 1_100))
      expect(await storage.get('k')).toEqual({ a: 1 })
      expect(readdirSync(join(fs.base, 'horde-model-reference', 'v'))).toEqual(['k'])
    } finally {
      await fs.teardown()
    }
  })
})

describe('errors reject every call', () => {
  const failing = defineDriver(() => ({
    name: 'failing',
    hasItem: () => Promise.reject(new Error('driver down')),
    getItem: () => Promise.reject(new Error('driver down')),
    getItemRaw: () => Promise.reject(new Error('driver down')),
    setItemRaw: () => Promise.reject(new Error('driver down')),
    removeItem: () => Promise.reject(new Error('driver down')),
    getKeys: () => Promise.reject(new Error('driver down')),
  }))

  it.each(['get', 'set', 'delete', 'clear'] as const)('%s', async (operation) => {
    const storage: StorageAdapter = createUnstorageStorage(createStorage({ driver: failing(undefined) }))
    await expect(operation === 'set' ? storage.set('k', {}, keep) : storage[operation]('k')).rejects.toThrow('driver down')
  })

  it('Redis unreachable: get and set reject', async () => {
    const storage = createStorage({ driver: redisDriver({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 0, retryStrategy: () => null }) })
    // ioredis logs connection errors nobody listens to; the rejections are what this test reads.
    ;(storage.getMount('').driver.getInstance!() as Redis).on('error', () => {})
    try {
      const adapter = createUnstorageStorage(storage)
      await expect(adapter.get('k')).rejects.toThrow()
      await expect(adapter.set('k', {}, keep)).rejects.toThrow()
    } finally {
      await storage.dispose()
    }
  })

  it('refuses what is not an unstorage Storage, and a bad prefix', () => {
    expect(() => createUnstorageStorage(undefined as never)).toThrow(/unstorage Storage/)
    expect(() => createUnstorageStorage(createStorage(), { prefix: 'a/b' })).toThrow(/prefix/)
    expect(() => createUnstorageStorage(createStorage(), { prefix: '' })).toThrow(/prefix/)
  })
})
