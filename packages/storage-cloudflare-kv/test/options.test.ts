import { describe, expect, it } from 'vitest'
import { createCloudflareKvStorage, type KvNamespaceLike } from '../src/index.js'

// A namespace that records the keys written (the contract suite runs the real one in workerd).
function recordingNamespace(): { kv: KvNamespaceLike; keys: string[] } {
  const keys: string[] = []
  const kv = {
    async get() {
      return null
    },
    async getWithMetadata() {
      return { value: null, metadata: null }
    },
    async put(key: string) {
      keys.push(key)
    },
    async delete() {},
    async list() {
      return { keys: [], list_complete: true }
    },
  } as unknown as KvNamespaceLike
  return { kv, keys }
}

describe('Cloudflare KV adapter options', () => {
  it('an unknown key or null is a TypeError naming the closest option', () => {
    const { kv } = recordingNamespace()
    expect(() => createCloudflareKvStorage(kv, { prefix: 'x' } as never)).toThrow(new TypeError('Unknown option "prefix" for createCloudflareKvStorage: did you mean "keyPrefix"? Known options: keyPrefix.'))
    expect(() => createCloudflareKvStorage(kv, { keyprefix: 'x' } as never)).toThrow('Unknown option "keyprefix" for createCloudflareKvStorage: did you mean "keyPrefix"?')
    expect(() => createCloudflareKvStorage(kv, null as never)).toThrow(new TypeError('createCloudflareKvStorage takes an options object (or nothing), got null.'))
  })

  it('keyPrefix: undefined is the default prefix', async () => {
    const { kv, keys } = recordingNamespace()
    await createCloudflareKvStorage(kv, { keyPrefix: undefined }).set('blip', { x: 1 }, { retentionSeconds: 600, metadata: { format: 2, category: 'blip', source: 'primary', fetchedAt: 0 } })
    expect(keys).toEqual(['horde-model-reference/blip'])
  })
})
