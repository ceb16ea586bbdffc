import { describe, expect, it } from 'vitest'
import { createQuery, isUnknownFieldError, query, queryAll, UnknownFieldError } from '../src/query/index.js'
import { names, useReferenceServer, useRealRecords } from './helpers/setup.js'

// Dotted paths, the unknown-field check and OR/NOT, each compared with a plain filter over the
// same real records.
const ctx = useReferenceServer()
const { images, texts } = useRealRecords(ctx)
const own = (value: unknown, key: string): boolean => typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, key)

describe('where on a dotted path', () => {
  it('compares a nested value (requirements.clip_skip), missing parents being false', async () => {
    const q = query(ctx.client(), 'image_generation')
    const expected = images.filter((m) => own(m.requirements, 'clip_skip') && m.requirements!.clip_skip === 2)
    expect(expected.length).toBeGreaterThan(0)
    expect(names(await q.where('requirements.clip_skip', '=', 2).toArray())).toEqual(names(expected))
    expect(names(await q.where({ 'requirements.clip_skip': 2 }).toArray())).toEqual(names(expected))
    const withSteps = images.filter((m) => own(m.requirements, 'min_steps'))
    if (withSteps.length > 0) expect(await q.where('requirements.min_steps', '>=', 0).count()).toBe(withSteps.length)
  })

  it('orders, groups and lists distinct values by a dotted path', async () => {
    const q = query(ctx.client(), 'text_generation')
    const sorted = await q.where('settings', '!=', null).orderBy('metadata.schema_version').orderBy('name').toArray()
    expect(sorted.length).toBeGreaterThan(0)
    const versions = await q.distinct('metadata.schema_version')
    expect(versions).toEqual([...new Set(texts.map((t) => t.metadata.schema_version).filter((v) => v !== undefined && v !== null))])
    const groups = await query(ctx.client(), 'image_generation').groupBy('requirements.clip_skip')
    expect(groups.get(2)?.length).toBe(images.filter((m) => own(m.requirements, 'clip_skip') && m.requirements!.clip_skip === 2).length)
  })

  it('reads own properties only: a path through __proto__ or constructor finds nothing inherited', () => {
    const records = { a: { name: 'a', record_type: 'blip', config: { download: [] } }, b: JSON.parse('{"name":"b","__proto__":{"x":1},"config":{"download":[]}}') }
    const q = createQuery('blip', () => records as never)
    expect(names(q.where('__proto__.x' as never, '=', 1).run(records as never))).toEqual(['b'])
    expect(() => q.where('constructor.name' as never, '=', 'Object').run(records as never)).toThrow(UnknownFieldError)
  })
})

describe('a field no record has', () => {
  it('throws UnknownFieldError naming the known fields and the closest one, for where, orderBy, distinct and groupBy', async () => {
    const q = query(ctx.client(), 'image_generation')
    const error = await q.where('basline' as never, '=', 'x').toArray().catch((e: unknown) => e)
    expect(isUnknownFieldError(error)).toBe(true)
    const unknown = error as UnknownFieldError
    expect(unknown.field).toBe('basline')
    expect(unknown.category).toBe('image_generation')
    expect(unknown.suggestions[0]).toBe('baseline')
    expect(unknown.knownFields).toContain('requirements.clip_skip')
    expect(unknown.knownFields).toContain('baseline')
    expect(unknown.message).toContain('Did you mean "baseline"')
    await expect(q.where('requirements.clip_skp' as never, '=', 2).count()).rejects.toMatchObject({ field: 'requirements.clip_skp', suggestions: ['requirements.clip_skip'] })
    await expect(q.orderBy('sizee' as never).toArray()).rejects.toBeInstanceOf(UnknownFieldError)
    await expect(q.distinct('stlye' as never)).rejects.toMatchObject({ suggestions: ['style'] })
    await expect(q.groupBy('nope' as never)).rejects.toBeInstanceOf(UnknownFieldError)
    await expect(q.where({ nsfw: false, basline: 'x' } as never).first()).rejects.toMatchObject({ field: 'basline' })
  })

  it('throws from inside whereAny and not, and from run()', async () => {
    const q = query(ctx.client(), 'image_generation')
    await expect(q.whereAny((b) => b.where('nsfw', '=', true), (b) => b.where('trigers' as never, '=', 1)).count()).rejects.toMatchObject({ field: 'trigers', suggestions: ['trigger'] })
    await expect(q.not((b) => b.where('inpaint' as never, '=', true)).count()).rejects.toMatchObject({ field: 'inpaint' })
    expect(() => q.where('nsfww' as never, '=', true).run(images)).toThrow(/No record of category "image_generation" has a field "nsfww"/)
  })

  it('is not an error for a field some records have, or for a category with no records', async () => {
    const withRequirements = images.filter((m) => m.requirements !== undefined && m.requirements !== null)
    expect(withRequirements.length).toBeLessThan(images.length)
    expect(await query(ctx.client(), 'image_generation').where('requirements', '!=', null).count()).toBe(withRequirements.length)
    // lora has no records upstream: nothing to check against, nothing to match.
    expect(await query(ctx.client(), 'lora').where('baseline', '=', 'x').count()).toBe(0)
  })

  it('queryAll knows the fields of every category', async () => {
    expect(await queryAll(ctx.client()).where('baseline' as never, '=', 'stable_diffusion_xl').count()).toBe(images.filter((m) => m.baseline === 'stable_diffusion_xl').length)
    await expect(queryAll(ctx.client()).where('baselien' as never, '=', 'x').count()).rejects.toMatchObject({ category: undefined, suggestions: ['baseline'] })
  })
})

describe('whereAny and not', () => {
  it('OR of branches, each an AND of its filters', async () => {
    const q = query(ctx.client(), 'image_generation')
    const picked = await q.whereAny((b) => b.forBaseline('SDXL').excludeNsfw(), (b) => b.where('style', '=', 'anime')).toArray()
    expect(names(picked)).toEqual(names(images.filter((m) => (m.baseline === 'stable_diffusion_xl' && !m.nsfw) || m.style === 'anime')))
  })

  it('NOT of a branch; composes with the outer filters and with itself', async () => {
    const q = query(ctx.client(), 'image_generation')
    expect(names(await q.not((b) => b.onlyNsfw()).toArray())).toEqual(names(images.filter((m) => !m.nsfw)))
    expect(names(await q.excludeInpainting().not((b) => b.forBaseline('SD1.5').where('nsfw', '=', true)).toArray())).toEqual(
      names(images.filter((m) => !m.inpainting && !(m.baseline === 'stable_diffusion_1' && m.nsfw))),
    )
    expect(names(await q.not((b) => b.not((c) => c.onlyNsfw())).toArray())).toEqual(names(images.filter((m) => m.nsfw)))
    expect(names(await q.whereAny((b) => b.not((c) => c.tagsAny('anime')), (b) => b.hasTrigger()).toArray())).toEqual(names(images.filter((m) => !m.tags.includes('anime') || m.trigger.length > 0)))
  })

  it('refuses branches that sort, limit, search or are not functions', () => {
    const q = query(ctx.client(), 'image_generation')
    expect(() => q.whereAny()).toThrow(TypeError)
    expect(() => q.whereAny((b) => b.limit(3))).toThrow(/can only filter/)
    expect(() => q.not((b) => b.orderBy('name'))).toThrow(/can only filter/)
    expect(() => q.not((b) => b.search('xl'))).toThrow(/can only filter/)
    expect(() => q.whereAny('nsfw' as never)).toThrow(TypeError)
    expect(() => q.not(() => ({}) as never)).toThrow(/must return the query/)
  })

  it('refuses a comparison or direction that does not exist', () => {
    const q = query(ctx.client(), 'image_generation')
    expect(() => q.where('nsfw', '==' as never, true)).toThrow(TypeError)
    expect(() => q.orderBy('name', 'up' as never)).toThrow(TypeError)
  })
})

describe('hasShowcase and hasTrigger', () => {
  it('keep records with a showcase image, or a trigger word', async () => {
    const q = query(ctx.client(), 'image_generation')
    const showcased = images.filter((m) => m.showcases.length > 0)
    const triggered = images.filter((m) => m.trigger.length > 0)
    expect(showcased.length).toBeGreaterThan(0)
    expect(triggered.length).toBeGreaterThan(0)
    expect(names(await q.hasShowcase().toArray())).toEqual(names(showcased))
    expect(names(await q.hasTrigger().toArray())).toEqual(names(triggered))
    expect(await q.hasShowcase().hasTrigger().count()).toBe(images.filter((m) => m.showcases.length > 0 && m.trigger.length > 0).length)
  })
})
