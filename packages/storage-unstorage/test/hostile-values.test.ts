import { describe, expect, it } from 'vitest'
import { createStorage } from 'unstorage'
import memoryDriver from 'unstorage/drivers/memory'
import type { StorageSetOptions } from '@horde-model-reference/core'
import { createUnstorageStorage } from '../src/index.js'

// Stored values are foreign data: whatever a driver holds under the adapter's keys (another
// program, a corrupt file) gives a rejected read, and never blocks replacing or deleting it.
const KEY = 'horde-model-reference:image_generation'
const RAW_KEY = 'horde-model-reference:v:horde-model-reference%3aimage_generation'
const SET: StorageSetOptions = { retentionSeconds: 60, metadata: { format: 2, category: 'image_generation', source: 'primary', fetchedAt: 0 } }

function setup() {
  const storage = createStorage({ driver: memoryDriver() })
  return { storage, adapter: createUnstorageStorage(storage, { maxValueLength: 100 }) }
}

describe('hostile stored values', () => {
  it('a parts marker naming millions of parts is refused at once (no allocation, no requests)', async () => {
    const { storage, adapter } = setup()
    for (const marker of ['~parts:{"id":"x","count":30000000}', '~parts:{"id":"../../etc","count":1}', '~parts:{"id":"x","count":-1}', '~parts:{"id":"x","count":1.5}', '~parts:null', '~parts:not json']) {
      await storage.setItemRaw(RAW_KEY, marker)
      const started = performance.now()
      await expect(adapter.get(KEY)).rejects.toThrow()
      expect(performance.now() - started).toBeLessThan(200)
    }
  })

  it('a value that cannot be read is still replaced and deleted', async () => {
    const { storage, adapter } = setup()
    for (const bad of [new Uint8Array([0xff, 0xfe, 0x41]), '~parts:{"id":"x","count":30000000}', '~parts:not json']) {
      await storage.setItemRaw(RAW_KEY, bad)
      await expect(adapter.get(KEY)).rejects.toThrow()
      await adapter.set(KEY, { ok: true, long: 'x'.repeat(300) }, SET)
      expect(await adapter.get(KEY)).toEqual({ ok: true, long: 'x'.repeat(300) })
      await storage.setItemRaw(RAW_KEY, bad)
      await adapter.delete(KEY)
      expect(await adapter.get(KEY)).toBeUndefined()
    }
  })
})
