import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createModelReferenceClient, type CategoryEnvelope, type ModelReferenceEvent, type FetchableCategory, type StorageAdapter, type StorageSetOptions } from '../../src/index.js'
import { ENVELOPE_FORMAT, envelopeMetadata } from '../../src/cache/envelope.js'
import { validateRecords } from '../../src/convert/index.js'
import { DERIVED_V2_FILES, fixtureJson } from '../../../../e2e/fixtures.js'
import { startReferenceServer, type ReferenceServer } from '../../../../e2e/reference-server.js'

/** What an adapter's test gives the contract suite. */
export interface StorageUnderTest {
  /** A new adapter instance over the same underlying data (a reload, or a cold start). */
  create(): StorageAdapter
  teardown?(): Promise<void>
}

/** A real envelope, built from a derived-v2 fixture the way the client builds one. */
export function realEnvelope(category: FetchableCategory, fetchedAt = Date.now()): CategoryEnvelope {
  const validated = validateRecords(category, fixtureJson(DERIVED_V2_FILES[category]!) as Record<string, unknown>)
  return { format: ENVELOPE_FORMAT, category, source: 'primary', fetchedAt, records: validated.models, aliases: validated.aliases, issues: validated.issues }
}

function options(envelope: CategoryEnvelope, retentionSeconds = 3600): StorageSetOptions {
  return { retentionSeconds, metadata: envelopeMetadata(envelope) }
}

// What comes back from any adapter is a JSON-compatible copy (or, in memory, the same object).
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

/**
 * The contract every storage adapter passes. Each adapter's own test file calls this and adds
 * only what is its own (KV's 60-second floor, IndexedDB's lost connection, ...).
 */
export function describeStorageContract(name: string, setup: () => Promise<StorageUnderTest>): void {
  describe(`${name}: StorageAdapter contract`, () => {
    let under: StorageUnderTest
    let server: ReferenceServer
    beforeAll(async () => {
      under = await setup()
      server = await startReferenceServer()
    })
    afterAll(async () => {
      await under?.teardown?.()
      await server?.close()
    })

    it('a missing key reads as undefined', async () => {
      expect(await under.create().get('contract:missing')).toBeUndefined()
    })

    it('stores and returns a real envelope (text_generation, about 0.5 MB of records)', async () => {
      const envelope = realEnvelope('text_generation')
      const storage = under.create()
      await storage.set('contract:text', envelope, options(envelope))
      expect(asJson(await storage.get('contract:text'))).toEqual(asJson(envelope))
      expect(asJson(await under.create().get('contract:text'))).toEqual(asJson(envelope))
    })

    it('a set replaces the earlier value', async () => {
      const older = realEnvelope('blip', 1_000)
      const newer = realEnvelope('blip', 2_000)
      await under.create().set('contract:replace', older, options(older))
      await under.create().set('contract:replace', newer, options(newer))
      expect((await under.create().get('contract:replace')) as CategoryEnvelope).toMatchObject({ fetchedAt: 2_000 })
    })

    it('delete removes a key; deleting a missing key is not an error', async () => {
      const envelope = realEnvelope('clip')
      const storage = under.create()
      await storage.set('contract:delete', envelope, options(envelope))
      await storage.delete('contract:delete')
      expect(await storage.get('contract:delete')).toBeUndefined()
      await expect(storage.delete('contract:never-there')).resolves.toBeUndefined()
    })

    it('clear removes every value the adapter holds', async () => {
      const envelope = realEnvelope('gfpgan')
      const storage = under.create()
      await Promise.all(['contract:clear:1', 'contract:clear:2'].map((key) => storage.set(key, envelope, options(envelope))))
      await storage.clear()
      expect(await storage.get('contract:clear:1')).toBeUndefined()
      expect(await storage.get('contract:clear:2')).toBeUndefined()
      expect(await under.create().get('contract:text')).toBeUndefined()
    })

    it('keeps keys with separators, non-ASCII and prototype names apart', async () => {
      const storage = under.create()
      const keys = ['horde-model-reference:image_generation', 'a/b:c d', 'modèle-ü', '__proto__', 'constructor']
      await Promise.all(keys.map((key, i) => storage.set(key, { i }, { retentionSeconds: 600, metadata: { format: 0, category: 'blip', source: 'primary', fetchedAt: i } })))
      for (const [i, key] of keys.entries()) expect(await storage.get(key)).toEqual({ i })
      expect(({} as Record<string, unknown>).i).toBeUndefined()
    })

    it('values with __proto__ keys come back as own keys, with no pollution', async () => {
      const value = JSON.parse('{"records": {"__proto__": {"name": "__proto__", "polluted": true}}}')
      const storage = under.create()
      await storage.set('contract:proto', value, { retentionSeconds: 600, metadata: { format: 0, category: 'blip', source: 'primary', fetchedAt: 0 } })
      const back = (await storage.get('contract:proto')) as { records: Record<string, unknown> }
      expect(Object.keys(back.records)).toEqual(['__proto__'])
      expect(Object.prototype.hasOwnProperty.call(back.records, '__proto__')).toBe(true)
      expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined()
    })

    it('accepts a retention shorter than the platform allows (the adapter raises it)', async () => {
      const envelope = realEnvelope('codeformer')
      const storage = under.create()
      await storage.set('contract:short', envelope, options(envelope, 1))
      expect(await storage.get('contract:short')).toBeDefined()
    })

    it('a client over it: a second client (a reload or cold start) reads the copy with no request', async () => {
      // The write runs in the background; its `persisted` event says when the adapter has it.
      let persisted!: () => void
      const written = new Promise<void>((resolve) => (persisted = resolve))
      const onEvent = (event: ModelReferenceEvent): void => {
        if (event.type === 'persisted' && event.category === 'controlnet') persisted()
      }
      const first = await createModelReferenceClient({ primaryUrl: server.primaryUrl, githubUrl: server.githubUrl, storage: under.create(), onEvent }).getModelReferenceResult('controlnet')
      await written
      const second = await createModelReferenceClient({ primaryUrl: server.primaryUrl, githubUrl: server.githubUrl, storage: under.create() }).getModelReferenceResult('controlnet')
      expect(first.source).toBe('primary')
      expect(second.source).toBe('storage')
      expect(second.stale).toBe(false)
      expect(second.fetchedAt).toBe(first.fetchedAt)
      expect(asJson(second.models)).toEqual(asJson(first.models))
      expect(Object.getPrototypeOf(second.models)).toBeNull()
      expect(Object.isFrozen(second.models.control_qr_xl)).toBe(true)
      expect(server.count('primary')).toBe(1)
    })
  })
}
