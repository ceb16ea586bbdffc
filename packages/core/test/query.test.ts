import { describe, expect, it } from 'vitest'
import { type ImageGenerationModelRecord, type ModelMap, type TextGenerationModelRecord } from '../src/index.js'
import { createQuery, query } from '../src/query/index.js'
import { getBaseModelName, isQuantizedModelName } from '../src/convert/text-names.js'
import { fixtureJson } from '../../../e2e/fixtures.js'
import { names, useReferenceServer, useRealRecords } from './helpers/setup.js'

// Every query method is compared with a plain filter/sort over the same real records.
const ctx = useReferenceServer()
const { images, texts } = useRealRecords(ctx)

describe('ModelQuery on image_generation', () => {
  it('where with equalities and each comparison', async () => {
    const q = query(ctx.client(), 'image_generation')
    expect(names(await q.where({ nsfw: false, style: 'anime' }).toArray())).toEqual(names(images.filter((m) => !m.nsfw && m.style === 'anime')))
    expect(names(await q.where('baseline', '=', 'flux_1').toArray())).toEqual(names(images.filter((m) => m.baseline === 'flux_1')))
    expect(names(await q.where('baseline', '!=', 'flux_1').toArray())).toEqual(names(images.filter((m) => m.baseline !== 'flux_1')))
    const size = 2 * 1024 ** 3
    expect(names(await q.where('size_on_disk_bytes', '<', size).toArray())).toEqual(names(images.filter((m) => typeof m.size_on_disk_bytes === 'number' && m.size_on_disk_bytes < size)))
    expect(names(await q.where('size_on_disk_bytes', '>=', size).toArray())).toEqual(names(images.filter((m) => typeof m.size_on_disk_bytes === 'number' && m.size_on_disk_bytes >= size)))
    expect(await q.where('size_on_disk_bytes', '<=', size).count()).toBe(images.filter((m) => typeof m.size_on_disk_bytes === 'number' && m.size_on_disk_bytes <= size).length)
    expect(await q.where('size_on_disk_bytes', '>', size).count()).toBe(images.filter((m) => typeof m.size_on_disk_bytes === 'number' && m.size_on_disk_bytes > size).length)
    expect(names(await q.where('style', 'in', ['anime', 'furry']).toArray())).toEqual(names(images.filter((m) => m.style === 'anime' || m.style === 'furry')))
    expect(names(await q.where('name', 'contains', 'XL').toArray())).toEqual(names(images.filter((m) => m.name.includes('XL'))))
    expect(names(await q.where('tags', 'contains', 'anime').toArray())).toEqual(names(images.filter((m) => m.tags.includes('anime'))))
  })

  it('comparisons with a missing value are false (one real record has no size)', async () => {
    const missing = images.filter((m) => typeof m.size_on_disk_bytes !== 'number')
    expect(missing.length).toBeGreaterThan(0)
    const all = await query(ctx.client(), 'image_generation').where('size_on_disk_bytes', '>=', 0).count()
    expect(all).toBe(images.length - missing.length)
  })

  it('filter, tagsAny, tagsAll, tagsNone', async () => {
    const q = query(ctx.client(), 'image_generation')
    expect(names(await q.filter((m) => m.showcases.length > 1).toArray())).toEqual(names(images.filter((m) => m.showcases.length > 1)))
    expect(names(await q.tagsAny('anime', 'furry').toArray())).toEqual(names(images.filter((m) => m.tags.includes('anime') || m.tags.includes('furry'))))
    expect(names(await q.tagsAll('anime', 'cartoon').toArray())).toEqual(names(images.filter((m) => m.tags.includes('anime') && m.tags.includes('cartoon'))))
    expect(names(await q.tagsNone('anime').toArray())).toEqual(names(images.filter((m) => !m.tags.includes('anime'))))
  })

  it('orderBy (missing values last in both directions, a second key for ties), offset then limit', async () => {
    const q = query(ctx.client(), 'image_generation')
    const bySize = (a: ImageGenerationModelRecord, b: ImageGenerationModelRecord, dir: 1 | -1) => {
      const x = a.size_on_disk_bytes
      const y = b.size_on_disk_bytes
      if (typeof x !== 'number' || typeof y !== 'number') return typeof x === typeof y ? 0 : typeof x !== 'number' ? 1 : -1
      return dir * (x - y)
    }
    const asc = [...images].sort((a, b) => bySize(a, b, 1))
    const desc = [...images].sort((a, b) => bySize(a, b, -1))
    expect(names(await q.orderBy('size_on_disk_bytes').toArray())).toEqual(names(asc))
    expect(names(await q.orderBy('size_on_disk_bytes', 'desc').toArray())).toEqual(names(desc))
    expect((await q.orderBy('size_on_disk_bytes', 'desc').toArray()).at(-1)!.size_on_disk_bytes).toBeUndefined()
    const twoKeys = [...images].sort((a, b) => (a.baseline < b.baseline ? -1 : a.baseline > b.baseline ? 1 : a.name < b.name ? 1 : a.name > b.name ? -1 : 0))
    expect(names(await q.orderBy('baseline').orderBy('name', 'desc').toArray())).toEqual(names(twoKeys))
    expect(names(await q.orderBy('name').offset(10).limit(5).toArray())).toEqual(names([...images].sort((a, b) => (a.name < b.name ? -1 : 1)).slice(10, 15)))
    expect((await q.orderBy('name').first())!.name).toBe([...images].sort((a, b) => (a.name < b.name ? -1 : 1))[0]!.name)
  })

  it('distinct and groupBy', async () => {
    const q = query(ctx.client(), 'image_generation')
    expect(await q.distinct('baseline')).toEqual([...new Set(images.map((m) => m.baseline))])
    const groups = await q.groupBy('baseline')
    expect([...groups.keys()]).toEqual([...new Set(images.map((m) => m.baseline))])
    for (const [baseline, members] of groups) expect(names(members)).toEqual(names(images.filter((m) => m.baseline === baseline)))
  })

  it('forBaseline accepts alternative names; NSFW and inpainting shortcuts', async () => {
    const q = query(ctx.client(), 'image_generation')
    const sdxl = names(images.filter((m) => m.baseline === 'stable_diffusion_xl'))
    expect(sdxl.length).toBeGreaterThan(0)
    for (const spelling of ['SDXL', 'stable diffusion xl', 'stable_diffusion_xl']) expect(names(await q.forBaseline(spelling).toArray())).toEqual(sdxl)
    expect(names(await q.forBaseline('SD1.5').toArray())).toEqual(names(images.filter((m) => m.baseline === 'stable_diffusion_1')))
    expect(names(await q.onlyNsfw().toArray())).toEqual(names(images.filter((m) => m.nsfw)))
    expect(names(await q.excludeNsfw().toArray())).toEqual(names(images.filter((m) => !m.nsfw)))
    expect(names(await q.onlyInpainting().toArray())).toEqual(names(images.filter((m) => m.inpainting)))
    expect(names(await q.excludeInpainting().toArray())).toEqual(names(images.filter((m) => !m.inpainting)))
    expect(await q.onlyInpainting().count()).toBeGreaterThan(0)
  })

  it('is immutable: each call returns a new query, the base stays as it was', async () => {
    const base = query(ctx.client(), 'image_generation')
    const narrowed = base.excludeNsfw()
    expect(narrowed).not.toBe(base)
    expect(await base.count()).toBe(images.length)
    expect(await narrowed.count()).toBe(images.filter((m) => !m.nsfw).length)
  })

  it('evaluates lazily: nothing is fetched until a terminal runs', async () => {
    const client = ctx.client()
    const blip = query(client, 'blip').where({ name: 'BLIP' }).orderBy('name')
    expect(ctx.server.requests).toHaveLength(0)
    expect(names(await blip.toArray())).toEqual(['BLIP'])
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('de-duplicates by name, the first occurrence winning, before sorting and limiting', () => {
    const records = [
      { name: 'b', nsfw: false, baseline: 'flux_1' },
      { name: 'a', nsfw: true, baseline: 'flux_1' },
      { name: 'b', nsfw: true, baseline: 'flux_1' },
    ] as unknown as ImageGenerationModelRecord[]
    const query = createQuery('image_generation', async () => ({}) as ModelMap<'image_generation'>).orderBy('name')
    expect(query.run(records).map((r) => [r.name, r.nsfw])).toEqual([
      ['a', true],
      ['b', false],
    ])
    expect(query.limit(1).run(records).map((r) => r.name)).toEqual(['a'])
  })
})

describe('TextGenerationQuery', () => {
  it('quantised or not, by the name parser', async () => {
    const q = query(ctx.client(), 'text_generation')
    expect(names(await q.onlyQuantized().toArray())).toEqual(names(texts.filter((m) => isQuantizedModelName(m.name))))
    expect(names(await q.excludeQuantized().toArray())).toEqual(names(texts.filter((m) => !isQuantizedModelName(m.name))))
    expect(await q.onlyQuantized().count()).toBeGreaterThan(0)
  })

  it('groupByBaseModel groups like text_model_group (419 groups in the real data)', async () => {
    const groups = await query(ctx.client(), 'text_generation').groupByBaseModel()
    expect(groups.size).toBe(419)
    for (const [base, members] of groups) for (const m of members) expect(m.text_model_group).toBe(base)
    expect(groups.get('Qwen1.5')).toHaveLength(16)
  })

  it('forBackend finds nothing in canonical v2 data (no prefixed names), and the legacy names in db.json', async () => {
    const q = query(ctx.client(), 'text_generation')
    expect(await q.forBackend('aphrodite').count()).toBe(0)
    expect(await q.excludeBackendVariations().count()).toBe(texts.length)
    const legacy = Object.values(fixtureJson('legacy/text/db.json') as Record<string, { name: string }>) as unknown as TextGenerationModelRecord[]
    expect(q.forBackend('koboldcpp').run(legacy).every((m) => m.name.startsWith('koboldcpp/'))).toBe(true)
    expect(q.forBackend('koboldcpp').run(legacy)).toHaveLength(719)
    expect(q.excludeBackendVariations().run(legacy)).toHaveLength(719)
    expect(() => q.forBackend('vllm')).toThrow(/aphrodite, koboldcpp/)
  })

  it('tag filters work on text records', async () => {
    const q = query(ctx.client(), 'text_generation')
    expect(names(await q.tagsAny('roleplay').toArray())).toEqual(names(texts.filter((m) => m.tags?.includes('roleplay'))))
  })
})

describe('ControlNetQuery', () => {
  it('forStyle and groupByStyle', async () => {
    const client = ctx.client()
    const all = Object.values(await client.getModelReference('controlnet'))
    expect(names(await query(client, 'controlnet').forStyle('control_canny').toArray())).toEqual(names(all.filter((m) => m.controlnet_style === 'control_canny')))
    const groups = await query(client, 'controlnet').groupByStyle()
    expect([...groups.keys()]).toEqual([...new Set(all.map((m) => m.controlnet_style))])
  })
})

describe('getBaseModelName on every real name', () => {
  it('agrees with text_model_group', () => {
    expect(texts.filter((m) => getBaseModelName(m.name) !== m.text_model_group)).toEqual([])
  })
})
