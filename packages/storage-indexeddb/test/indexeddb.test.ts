import 'fake-indexeddb/auto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createModelReferenceClient, ModelReferenceManager, type ModelReferenceEvent } from '@horde-model-reference/core'
import { createIndexedDbStorage } from '../src/index.js'
import { describeStorageContract, realEnvelope } from '../../core/test/contract/storage-contract.js'
import { startReferenceServer, type ReferenceServer } from '../../../e2e/reference-server.js'
import { useFakeClock } from '../../core/test/helpers/clock.js'

// fake-indexeddb stands in for the browser's IndexedDB here; real Chromium runs the same
// adapter in the browser end-to-end tests.
let databases = 0
const freshName = (): string => `test-db-${++databases}-${Math.random().toString(36).slice(2)}`

describeStorageContract('IndexedDB (fake-indexeddb)', async () => {
  const databaseName = freshName()
  return { create: () => createIndexedDbStorage({ databaseName }) }
})

const keep = { retentionSeconds: 600, metadata: { format: 2, category: 'blip', source: 'primary', fetchedAt: 0 } }

describe('IndexedDB adapter', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('touches nothing at import or creation time', async () => {
    const open = vi.spyOn(globalThis.indexedDB, 'open')
    // A fresh copy of the module (the query makes it a new module instance).
    const path = '../src/index.js'
    const module = (await import(/* @vite-ignore */ `${path}?fresh`)) as typeof import('../src/index.js')
    module.createIndexedDbStorage({ databaseName: freshName() })
    expect(open).not.toHaveBeenCalled()
    open.mockRestore()
  })

  it('is a no-op where indexedDB does not exist (server rendering, old Workers)', async () => {
    vi.stubGlobal('indexedDB', undefined)
    const storage = createIndexedDbStorage({ databaseName: freshName() })
    await expect(storage.set('k', { a: 1 }, keep)).resolves.toBeUndefined()
    expect(await storage.get('k')).toBeUndefined()
    await expect(storage.delete('k')).resolves.toBeUndefined()
    await expect(storage.clear()).resolves.toBeUndefined()
  })

  it('uses its own database and store names', async () => {
    const databaseName = freshName()
    await createIndexedDbStorage({ databaseName, storeName: 'models' }).set('k', { a: 1 }, keep)
    const names = (await indexedDB.databases()).map((d) => d.name)
    expect(names).toContain(databaseName)
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(databaseName)
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    expect([...db.objectStoreNames]).toEqual(['models'])
    db.close()
  })

  describe('a closed connection (Safari: InvalidStateError)', () => {
    const real = globalThis.indexedDB
    let failures = 0
    beforeEach(() => {
      // Connections whose transaction() throws InvalidStateError `failures` times in all.
      const wrapped = Object.create(real) as IDBFactory
      wrapped.open = (name: string, version?: number) => {
        const request = real.open(name, version)
        request.addEventListener('success', () => {
          const db = request.result
          const transaction = db.transaction.bind(db)
          db.transaction = ((...args: Parameters<IDBDatabase['transaction']>) => {
            if (failures > 0) {
              failures--
              throw new DOMException('The database connection is closing.', 'InvalidStateError')
            }
            return transaction(...args)
          }) as IDBDatabase['transaction']
        })
        return request
      }
      vi.stubGlobal('indexedDB', wrapped)
    })

    it('is reopened once', async () => {
      const storage = createIndexedDbStorage({ databaseName: freshName() })
      failures = 1
      await storage.set('k', { a: 1 }, keep)
      failures = 1
      expect(await storage.get('k')).toEqual({ a: 1 })
    })

    it('then a read is a miss, and a write fails (which the client reports)', async () => {
      const storage = createIndexedDbStorage({ databaseName: freshName() })
      await storage.set('k', { a: 1 }, keep)
      failures = 2
      expect(await storage.get('k')).toBeUndefined()
      failures = 2
      await expect(storage.set('k', { a: 2 }, keep)).rejects.toMatchObject({ name: 'InvalidStateError' })
      expect(await storage.get('k')).toEqual({ a: 1 })
    })
  })

  describe('a connection that stays closed (Safari: no close event)', () => {
    afterEach(() => {
      vi.restoreAllMocks()
    })

    it.each(['get', 'set'] as const)('is replaced by a new connection, which later operations keep using (first call after the close: %s)', async (first) => {
      const open = vi.spyOn(indexedDB, 'open')
      const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction')
      const storage = createIndexedDbStorage({ databaseName: freshName() })
      await storage.set('k', { a: 1 }, keep)
      expect(open).toHaveBeenCalledTimes(1)
      const closed = open.mock.results[0]!.value.result as IDBDatabase
      // Safari closes the connection on its own and fires no close event, so idb-keyval keeps
      // handing out the closed connection, and every transaction on it throws InvalidStateError,
      // for good. close() does the same (it fires no close event either).
      closed.close()
      expect(() => closed.transaction('categories')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }))
      transaction.mockClear()

      if (first === 'get') expect(await storage.get('k')).toEqual({ a: 1 })
      else await storage.set('k', { a: 1 }, keep)
      expect(open).toHaveBeenCalledTimes(2)
      const reopened = open.mock.results[1]!.value.result as IDBDatabase
      await storage.set('k', { a: 2 }, keep)
      expect(await storage.get('k')).toEqual({ a: 2 })
      await storage.delete('k')
      expect(await storage.get('k')).toBeUndefined()

      expect(open).toHaveBeenCalledTimes(2)
      const connection = (db: unknown): string => (db === closed ? 'closed' : db === reopened ? 'reopened' : 'other')
      expect(transaction.mock.contexts.map(connection)).toEqual(['closed', 'reopened', 'reopened', 'reopened', 'reopened', 'reopened'])
    })
  })

  it('reads back real envelopes after the values went through structured clone', async () => {
    const storage = createIndexedDbStorage({ databaseName: freshName() })
    const envelope = realEnvelope('controlnet')
    await storage.set('controlnet', envelope, keep)
    const back = (await storage.get('controlnet')) as typeof envelope
    expect(back.aliases).toEqual({ control_qr_sdxl: 'control_qr_xl' })
    expect(Object.keys(back.records)).toHaveLength(18)
  })
})

describe('reload path: two managers over one IndexedDB', () => {
  let server: ReferenceServer
  beforeAll(async () => {
    server = await startReferenceServer()
  })
  afterAll(() => server.close())
  useFakeClock()
  afterEach(() => {
    ModelReferenceManager.reset()
    server.reset()
  })

  it('answers from IndexedDB with zero requests while fresh, and serves stale with one background revalidation when not', async () => {
    const databaseName = freshName()
    const options = (events: ModelReferenceEvent[] = []) => ({
      primaryUrl: server.primaryUrl,
      githubUrl: server.githubUrl,
      storage: createIndexedDbStorage({ databaseName }),
      staleWhileRevalidate: true,
      broadcastChannel: false as const,
      onEvent: (event: ModelReferenceEvent) => events.push(event),
    })
    // The first visit.
    const first = await new ModelReferenceManager(options()).getModelReferenceResult('image_generation')
    expect(first.source).toBe('primary')
    await vi.waitFor(async () => expect(await createIndexedDbStorage({ databaseName }).get('horde-model-reference:image_generation')).toBeDefined())
    ModelReferenceManager.reset()
    server.reset()

    // A reload within the TTL: a new manager and a new adapter over the same database.
    vi.setSystemTime(Date.now() + 30_000)
    const reloaded = await new ModelReferenceManager(options()).getModelReferenceResult('image_generation')
    expect(reloaded.source).toBe('storage')
    expect(reloaded.stale).toBe(false)
    expect(Object.keys(reloaded.models)).toHaveLength(161)
    expect(server.requests).toHaveLength(0)
    ModelReferenceManager.reset()

    // A reload after the TTL: the stale copy at once, then one background revalidation.
    vi.setSystemTime(Date.now() + 120_000)
    const events: ModelReferenceEvent[] = []
    const manager = new ModelReferenceManager(options(events))
    const landed = new Promise((resolve) => manager.subscribe('image_generation', ({ result }) => result !== undefined && !result.stale && resolve(result)))
    const stale = await manager.getModelReferenceResult('image_generation')
    expect(stale.source).toBe('storage')
    expect(stale.stale).toBe(true)
    expect(Object.keys(stale.models)).toHaveLength(161)
    await landed
    expect(server.count('primary')).toBe(1)
    expect(server.count('github')).toBe(0)
  })

  it('a second tab over the same database fetches nothing the first one already fetched', async () => {
    const databaseName = freshName()
    const tab = () => createModelReferenceClient({ primaryUrl: server.primaryUrl, githubUrl: server.githubUrl, storage: createIndexedDbStorage({ databaseName }), broadcastChannel: false, locks: false })
    await tab().getModelReference('text_generation')
    await vi.waitFor(async () => expect(await createIndexedDbStorage({ databaseName }).get('horde-model-reference:text_generation')).toBeDefined())
    const second = await tab().getModelReferenceResult('text_generation')
    expect(second.source).toBe('storage')
    expect(server.count('primary')).toBe(1)
  })
})
