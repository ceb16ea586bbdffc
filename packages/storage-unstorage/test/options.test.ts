import { describe, expect, it } from 'vitest'
import { createStorage } from 'unstorage'
import memoryDriver from 'unstorage/drivers/memory'
import { createUnstorageStorage } from '../src/index.js'

describe('unstorage adapter options', () => {
  it('an unknown key or null is a TypeError naming the closest option', () => {
    const storage = createStorage({ driver: memoryDriver() })
    expect(() => createUnstorageStorage(storage, { keyPrefix: 'x' } as never)).toThrow(new TypeError('Unknown option "keyPrefix" for createUnstorageStorage: did you mean "prefix"? Known options: prefix, maxValueLength.'))
    expect(() => createUnstorageStorage(storage, { maxValueLenght: 10 } as never)).toThrow('Unknown option "maxValueLenght" for createUnstorageStorage: did you mean "maxValueLength"?')
    expect(() => createUnstorageStorage(storage, null as never)).toThrow(new TypeError('createUnstorageStorage takes an options object (or nothing), got null.'))
  })

  it('undefined options are the defaults (the default prefix, no length limit on memory)', async () => {
    const storage = createStorage({ driver: memoryDriver() })
    const adapter = createUnstorageStorage(storage, { prefix: undefined, maxValueLength: undefined })
    await adapter.set('blip', 'x'.repeat(100_000), { retentionSeconds: 600, metadata: { format: 2, category: 'blip', source: 'primary', fetchedAt: 0 } })
    const keys = await storage.getKeys()
    expect(keys.length).toBeGreaterThan(0)
    expect(keys.every((key) => key.startsWith('horde-model-reference:'))).toBe(true)
    expect(await createUnstorageStorage(storage).get('blip')).toBe('x'.repeat(100_000))
  })
})
