import { describe, expect, it } from 'vitest'
import { isModelNotFoundError } from '../src/index.js'
import { createQuery, query } from '../src/query/index.js'
import { buildSearchIndex, searchIndex, suggestNames } from '../src/search/matcher.js'
import { isQuantizedModelName } from '../src/convert/text-names.js'
import { names, useReferenceServer, useRealRecords } from './helpers/setup.js'

// query().search() is the matcher (tested on its own in search-matcher.test.ts) composed with the
// builder: compared here with the matcher run by hand over the same real records.
const ctx = useReferenceServer()
const { images, texts } = useRealRecords(ctx)

describe('query().search()', () => {
  it('gives the matcher’s hits, best first', async () => {
    const expected = searchIndex(buildSearchIndex(images), 'pony xl').map((hit) => hit.record.name)
    expect(expected.length).toBeGreaterThan(3)
    expect(names(await query(ctx.client(), 'image_generation').search('pony xl').toArray())).toEqual(expected)
  })

  it('combines with every other method: filters, limit, offset, count, first', async () => {
    const client = ctx.client()
    const hits = searchIndex(buildSearchIndex(texts), 'llama 3 8b').map((hit) => hit.record)
    const q = query(client, 'text_generation').search('llama 3 8b')
    expect(names(await q.excludeQuantized().toArray())).toEqual(names(hits.filter((r) => !isQuantizedModelName(r.name))))
    expect(await q.count()).toBe(hits.length)
    expect((await q.first())?.name).toBe(hits[0]!.name)
    expect(names(await q.offset(2).limit(3).toArray())).toEqual(names(hits.slice(2, 5)))
    const sfw = images.filter((m) => !m.nsfw)
    const sdxl = searchIndex(buildSearchIndex(images), 'sdxl').map((h) => h.record).filter((m) => sfw.includes(m))
    expect(names(await query(client, 'image_generation').search('sdxl').excludeNsfw().toArray())).toEqual(names(sdxl))
  })

  it('with orderBy, sorts by the field and breaks ties by the match', async () => {
    const scores = new Map(searchIndex(buildSearchIndex(images), 'anime').map((hit) => [hit.record.name, hit.score]))
    const sorted = await query(ctx.client(), 'image_generation').search('anime').orderBy('baseline').toArray()
    expect(sorted.length).toBe(scores.size)
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1]!, sorted[i]!]
      expect(a.baseline <= b.baseline).toBe(true)
      if (a.baseline === b.baseline) expect(scores.get(a.name)!).toBeGreaterThanOrEqual(scores.get(b.name)!)
    }
  })

  it('a second search adds its words; an empty text keeps everything in order', async () => {
    const q = query(ctx.client(), 'image_generation')
    expect(names(await q.search('pony').search('xl').toArray())).toEqual(names(await q.search('pony xl').toArray()))
    expect(names(await q.search('   ').toArray())).toEqual(names(images))
    expect(await q.search('zzqqxxnotamodel').count()).toBe(0)
    expect(() => q.search(42 as never)).toThrow(TypeError)
  })

  it('builds the index once per copy: a refetched identical copy or another query reuses it', async () => {
    const client = ctx.client()
    const q = query(client, 'text_generation')
    await q.search('mistral').count()
    const started = performance.now()
    for (let i = 0; i < 50; i++) await q.search(`mistral ${'abcdefghij'[i % 10]}`).count()
    // 50 searches over 719 records without rebuilding: far less than 50 index builds (~8 ms each).
    expect(performance.now() - started).toBeLessThan(400)
  })

  it('on records given to createQuery or run(), and on a map that is not frozen (no stale index)', () => {
    const records: Record<string, { name: string; description: string; record_type: string; config: object }> = { a: { name: 'Alpha', description: 'first', record_type: 'blip', config: {} } }
    const q = createQuery('blip', () => records as never).search('alpha')
    expect(names(q.run(records as never))).toEqual(['Alpha'])
    records.b = { name: 'Alphabet', description: 'second', record_type: 'blip', config: {} }
    expect(names(q.run(records as never))).toEqual(['Alpha', 'Alphabet'])
  })

  it('keeps the first source’s record of a name even when a later duplicate scores higher', () => {
    const first = { name: 'Same', description: 'plain' }
    const second = { name: 'Same', description: 'pony pony pony' }
    const q = createQuery('blip', () => [] as never).search('same')
    expect(q.run([first, second] as never)[0]).toBe(first)
  })
})

describe('suggestions', () => {
  it('ModelNotFoundError.suggestions and suggestModelNames use the matcher', async () => {
    const client = ctx.client()
    const allNames = images.map((m) => m.name)
    for (const wanted of ['albedobase xl', 'Deliberat', 'pony diffusion']) {
      const expected = suggestNames(allNames, wanted)
      expect(expected.length).toBeGreaterThan(0)
      expect(await client.suggestModelNames('image_generation', wanted)).toEqual(expected)
      const error = await client.getModel('image_generation', wanted).catch((e: unknown) => e)
      expect(isModelNotFoundError(error)).toBe(true)
      expect((error as { suggestions: string[] }).suggestions).toEqual(expected)
    }
    expect(await client.suggestModelNames('image_generation', 'AlbedoBase XL', { limit: 1 })).toEqual([suggestNames(allNames, 'AlbedoBase XL')[0]])
    expect(await client.suggestModelNames('image_generation', '')).toEqual([])
    await expect(client.suggestModelNames('image_generation', 5 as never)).rejects.toThrow(TypeError)
  })
})
