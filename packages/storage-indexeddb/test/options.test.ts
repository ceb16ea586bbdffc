import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createIndexedDbStorage, DEFAULT_INDEXEDDB_STORAGE_OPTIONS } from '../src/index.js'

const keep = { retentionSeconds: 600, metadata: { format: 2, category: 'blip', source: 'primary', fetchedAt: 0 } }

describe('IndexedDB adapter options', () => {
  it('an unknown key or null is a TypeError naming the closest option', () => {
    expect(() => createIndexedDbStorage({ database: 'x' } as never)).toThrow(new TypeError('Unknown option "database" for createIndexedDbStorage: did you mean "databaseName"? Known options: databaseName, storeName.'))
    expect(() => createIndexedDbStorage({ storename: 'x' } as never)).toThrow('Unknown option "storename" for createIndexedDbStorage: did you mean "storeName"?')
    expect(() => createIndexedDbStorage(null as never)).toThrow(new TypeError('createIndexedDbStorage takes an options object (or nothing), got null.'))
  })

  it('undefined options are the defaults (the default database and store)', async () => {
    const storage = createIndexedDbStorage({ databaseName: undefined, storeName: undefined })
    await storage.set('undefined-options', 'kept', keep)
    const names = (await indexedDB.databases()).map((d) => d.name)
    expect(names).toContain(DEFAULT_INDEXEDDB_STORAGE_OPTIONS.databaseName)
    expect(await createIndexedDbStorage().get('undefined-options')).toBe('kept')
    await storage.delete('undefined-options')
  })
})
