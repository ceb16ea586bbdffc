import { beforeAll, describe, expect, it } from 'vitest'
import { isSourcesUnavailableError, MODEL_REFERENCE_CATEGORIES, type AnyModelRecord, type ImageGenerationModelRecord, type ModelMap, type ModelReferenceResult, type ReadOptions, type SourceOutcome } from '../src/index.js'
import { createQuery, query, queryAll } from '../src/query/index.js'
import { staticProviderFromRaw } from '../src/providers/index.js'
import { validateRecords } from '../src/convert/index.js'
import { fixtureJson } from '../../../e2e/fixtures.js'
import { useReferenceServer } from './helpers/setup.js'

// The records are real (../shared/fixtures); no provider has published data, so the second and
// third sources, their collision and their failure are arranged here by hand.
const horde = validateRecords('image_generation', fixtureJson('derived-v2/stable_diffusion.json') as Record<string, unknown>).models
const pending = validateRecords('image_generation', {
  // A name the canonical data has (a collision), with a description of its own to tell them apart.
  Deliberate: { name: 'Deliberate', baseline: 'stable_diffusion_1', nsfw: false, description: 'the pending copy' },
  'Pending Model XL': { name: 'Pending Model XL', baseline: 'stable_diffusion_xl', nsfw: false },
}).models
const hordeNames = Object.keys(horde)

const outcomes = (first: string, second: string): SourceOutcome[] => [
  { id: first, status: 'ok', recordCount: first === 'horde' ? hordeNames.length : 2, fetchedAt: 1 },
  { id: second, status: 'ok', recordCount: second === 'horde' ? hordeNames.length : 2, fetchedAt: 1 },
  { id: 'community', status: 'error', recordCount: 0, error: new Error('community provider down') },
  { id: 'nothing-here', status: 'empty', recordCount: 0, fetchedAt: 1 },
]

/** The result a read with `source: [first, second, 'community', 'nothing-here']` gives, by the rules of `ModelReferenceResult`. */
function merged(first: 'horde' | 'pending', second: 'horde' | 'pending'): Pick<ModelReferenceResult<'image_generation'>, 'models' | 'sources' | 'recordSources' | 'collisions'> {
  const bySource = { horde, pending }
  const models: Record<string, ImageGenerationModelRecord> = Object.create(null)
  const recordSources: Record<string, string> = Object.create(null)
  const collisions: Record<string, string[]> = Object.create(null)
  for (const id of [first, second]) {
    for (const [name, record] of Object.entries(bySource[id])) {
      if (name in models) {
        collisions[name] = [first, second]
        continue
      }
      models[name] = record
      recordSources[name] = id
    }
  }
  return { models, sources: outcomes(first, second), recordSources, collisions }
}

const hordeFirst = () => createQuery('image_generation', async () => merged('horde', 'pending'))
const pendingFirst = () => createQuery('image_generation', async () => merged('pending', 'horde'))
const names = (records: readonly { name: string }[]): string[] => records.map((r) => r.name)

describe('provenance of a query over several sources', () => {
  it('toArrayWithSource pairs every matching record with the source that gave it, the first source winning a shared name', async () => {
    const pairs = await hordeFirst().toArrayWithSource()
    expect(pairs).toHaveLength(hordeNames.length + 1)
    const sourceOf = Object.fromEntries(pairs.map(({ record, source }) => [record.name, source]))
    expect(sourceOf['Pending Model XL']).toBe('pending')
    expect(sourceOf['Deliberate']).toBe('horde')
    expect(pairs.find((p) => p.record.name === 'Deliberate')!.record.description).not.toBe('the pending copy')
    expect(pairs.filter((p) => p.source === 'horde')).toHaveLength(hordeNames.length)
    // Reversed precedence: the pending copy is the one kept, and says so.
    const reversed = (await pendingFirst().toArrayWithSource()).find((p) => p.record.name === 'Deliberate')!
    expect(reversed).toMatchObject({ source: 'pending', record: { description: 'the pending copy' } })
  })

  it('whereSource keeps records of the given sources, as precedence attributed them, before offset and limit', async () => {
    expect(names(await hordeFirst().whereSource('pending').toArray())).toEqual(['Pending Model XL'])
    expect(names(await pendingFirst().whereSource('pending').orderBy('name').toArray())).toEqual(['Deliberate', 'Pending Model XL'])
    expect(await hordeFirst().whereSource('horde').count()).toBe(hordeNames.length)
    expect(await hordeFirst().whereSource('horde', 'pending').count()).toBe(hordeNames.length + 1)
    expect(await hordeFirst().whereSource('community').count()).toBe(0)
    // A filter: applied before limit, so the one pending record is found, not cut off first.
    expect(names(await hordeFirst().whereSource('pending').limit(1).toArray())).toEqual(['Pending Model XL'])
    expect(() => hordeFirst().whereSource()).toThrow(TypeError)
  })

  it('sources() lists the distinct sources of the matching records, in the order the records come', async () => {
    const both = hordeFirst().where('name', 'in', ['Deliberate', 'Pending Model XL', 'Dreamshaper'])
    expect(await both.orderBy('name').sources()).toEqual(['horde', 'pending'])
    expect(await both.orderBy('name', 'desc').sources()).toEqual(['pending', 'horde'])
    expect(await hordeFirst().forBaseline('SD1.5').sources()).toEqual(['horde'])
  })

  it('groupBySource groups the matching records by source, groups in order of first appearance', async () => {
    const groups = await pendingFirst().where('name', 'in', ['Deliberate', 'Pending Model XL', 'Dreamshaper']).orderBy('name').groupBySource()
    expect([...groups.keys()]).toEqual(['pending', 'horde'])
    expect(names(groups.get('pending')!)).toEqual(['Deliberate', 'Pending Model XL'])
    expect(names(groups.get('horde')!)).toEqual(['Dreamshaper'])
  })

  it('duplicateNames names the matching records more than one selected source had; hasDuplicateNames says whether any', async () => {
    expect(await hordeFirst().duplicateNames()).toEqual(['Deliberate'])
    expect(await hordeFirst().hasDuplicateNames()).toBe(true)
    // Only matching records count.
    const withoutIt = hordeFirst().filter((m) => m.name !== 'Deliberate')
    expect(await withoutIt.duplicateNames()).toEqual([])
    expect(await withoutIt.hasDuplicateNames()).toBe(false)
  })

  it('sourceStatus and failedSources report how every selected source answered, whatever the filters', async () => {
    const narrowed = hordeFirst().whereSource('pending').limit(0)
    expect({ ...(await narrowed.sourceStatus()) }).toEqual({ horde: 'ok', pending: 'ok', community: 'error', 'nothing-here': 'empty' })
    expect(await narrowed.failedSources()).toEqual(['community'])
    // A failed source costs nothing else: the others' records are all there.
    expect(await hordeFirst().count()).toBe(hordeNames.length + 1)
  })

  it('records with sources but no recordSources all come from the source that gave records', async () => {
    const result = { models: pending, sources: [{ id: 'horde', status: 'error', recordCount: 0, error: new Error('down') }, { id: 'pending', status: 'ok', recordCount: 2 }] as SourceOutcome[] }
    const q = createQuery('image_generation', async () => result)
    expect(await q.sources()).toEqual(['pending'])
    expect(await q.failedSources()).toEqual(['horde'])
  })

  it('a loader that returns a plain records map counts as one source, horde (a record named "models" included)', async () => {
    const models = validateRecords('image_generation', { models: { name: 'models', baseline: 'flux_1', nsfw: false }, Deliberate: horde.Deliberate }).models
    const q = createQuery('image_generation', async () => models)
    expect(names(await q.orderBy('name').toArray())).toEqual(['Deliberate', 'models'])
    expect(await q.sources()).toEqual(['horde'])
    expect({ ...(await q.sourceStatus()) }).toEqual({ horde: 'ok' })
    expect(await q.duplicateNames()).toEqual([])
    expect(q.whereSource('horde').run(models)).toHaveLength(2)
  })

  it('query(reader, category, { source }) reads getModelReferenceResult with that selector', async () => {
    const calls: [string, ReadOptions | undefined][] = []
    const reader = {
      getModelReferenceResult: async (category: string, options?: ReadOptions) => {
        calls.push([category, options])
        return merged('horde', 'pending') as ModelReferenceResult
      },
    } as Parameters<typeof query>[0]
    const q = query(reader, 'image_generation', { source: ['horde', 'pending', 'community', 'nothing-here'] })
    expect(calls).toEqual([]) // lazy: nothing read before a terminal
    expect(await q.whereSource('pending').count()).toBe(1)
    expect(await q.failedSources()).toEqual(['community'])
    expect(calls).toEqual([
      ['image_generation', { source: ['horde', 'pending', 'community', 'nothing-here'] }],
      ['image_generation', { source: ['horde', 'pending', 'community', 'nothing-here'] }],
    ])
    expect(() => query({ getModelReference: async () => ({}) } as never, 'image_generation')).toThrow(/needs a client/)
  })
})

describe('provenance through a real client', () => {
  const ctx = useReferenceServer()

  it('the default read is one source, horde, holding every record', async () => {
    const client = ctx.client()
    const pairs = await query(client, 'blip').toArrayWithSource()
    expect(pairs.map((p) => p.source)).toEqual(pairs.map(() => 'horde'))
    expect(pairs.map((p) => p.record.name)).toEqual(Object.keys(fixtureJson('derived-v2/blip.json') as object))
    expect({ ...(await query(client, 'blip').sourceStatus()) }).toEqual({ horde: 'ok' })
    expect(await query(client, 'blip').failedSources()).toEqual([])
  })
})

describe('queryAll', () => {
  const ctx = useReferenceServer()
  const byCategory = new Map<string, AnyModelRecord[]>()
  beforeAll(async () => {
    const client = ctx.client()
    for (const category of MODEL_REFERENCE_CATEGORIES) byCategory.set(category, Object.values(await client.getModelReference(category)))
  })
  const recordsOf = (...categories: string[]) => categories.flatMap((c) => byCategory.get(c)!)

  it('queries every category’s real records, in upstream’s category order', async () => {
    const all = await queryAll(ctx.client()).toArray()
    expect(names(all)).toEqual(names(recordsOf(...MODEL_REFERENCE_CATEGORIES)))
    expect(all.length).toBeGreaterThan(900)
  })

  it('whereClassification matches model_classification on the real data: by domain, by purpose, by both', async () => {
    const client = ctx.client()
    expect(names(await queryAll(client).whereClassification({ domain: 'text' }).toArray())).toEqual(names(recordsOf('text_generation')))
    expect(names(await queryAll(client).whereClassification({ purpose: 'post_processing' }).toArray())).toEqual(names(recordsOf('codeformer', 'esrgan', 'gfpgan')))
    expect(names(await queryAll(client).whereClassification({ domain: 'image', purpose: 'feature_extractor' }).toArray())).toEqual(names(recordsOf('blip', 'clip')))
    // A part left undefined is not filtered on.
    expect(await queryAll(client).whereClassification({ domain: 'text', purpose: undefined }).count()).toBe(recordsOf('text_generation').length)
    expect(await query(client, 'image_generation').whereClassification({ domain: 'text' }).count()).toBe(0)
    expect(await query(client, 'controlnet').whereClassification({ purpose: 'auxiliary_or_patch' }).count()).toBe(recordsOf('controlnet').length)
  })

  it('whereClassification refuses keys other than domain and purpose', () => {
    const criteria = { domain: 'image', kind: 'generation' }
    expect(() => queryAll(ctx.client()).whereClassification(criteria)).toThrow(/not "kind"/)
  })

  it('a name in two categories keeps the record of the earlier category in upstream’s order, whatever order the reads settle in', async () => {
    const blip = validateRecords('blip', { Shared: { name: 'Shared' } }).models
    const text = validateRecords('text_generation', { Shared: { name: 'Shared', parameters: 7e9, nsfw: false }, Other: { name: 'Other', parameters: 1e9, nsfw: false } }).models
    const byCategory: Record<string, unknown> = { text_generation: text, blip }
    const reader = {
      getModelReferenceResult: async (category: string) => {
        // text settles first
        if (category === 'blip') await new Promise((resolve) => setTimeout(resolve, 5))
        return { models: byCategory[category] ?? Object.create(null) } as unknown as ModelReferenceResult
      },
    }
    const all = await queryAll(reader).toArray()
    expect(all.map((r) => [r.name, r.record_type])).toEqual([
      ['Shared', 'blip'],
      ['Other', 'text_generation'],
    ])
    // Filters come first: with the blip record filtered out, the text record of that name is kept.
    expect((await queryAll(reader).where({ record_type: 'text_generation' }).toArray()).map((r) => r.name)).toEqual(['Shared', 'Other'])
  })

  it('passes its options to every category\'s read; each record has its category result\'s source; a source that failed any category is an error', async () => {
    const calls: [string, ReadOptions | undefined][] = []
    const blip = validateRecords('blip', { One: { name: 'One' }, Two: { name: 'Two' } }).models as ModelMap<'blip'>
    const clip = validateRecords('clip', { Three: { name: 'Three' }, One: { name: 'One' } }).models as ModelMap<'clip'>
    const failure = new Error('lab is down')
    const reader = {
      getModelReferenceResult: async (category: string, options?: ReadOptions) => {
        calls.push([category, options])
        if (options?.source === undefined) return { models: category === 'blip' ? blip : Object.create(null) } as unknown as ModelReferenceResult
        // blip: both sources gave records; clip: the lab failed; gfpgan: nobody answered.
        if (category === 'blip') return { models: blip, sources: [{ id: 'horde', status: 'ok', recordCount: 1 }, { id: 'lab', status: 'ok', recordCount: 1 }], recordSources: { One: 'horde', Two: 'lab' } } as unknown as ModelReferenceResult
        if (category === 'clip') return { models: clip, sources: [{ id: 'horde', status: 'ok', recordCount: 2 }, { id: 'lab', status: 'error', recordCount: 0, error: failure }] } as unknown as ModelReferenceResult
        if (category === 'gfpgan') throw Object.assign(new Error('nobody'), { attempts: [{ source: 'primary' }, { source: 'lab' }] })
        return { models: Object.create(null), sources: [{ id: 'horde', status: 'empty', recordCount: 0 }] } as unknown as ModelReferenceResult
      },
    }
    expect(await queryAll(reader).sources()).toEqual(['horde'])
    expect(calls.map(([category]) => category)).toEqual(MODEL_REFERENCE_CATEGORIES.filter((c) => c !== 'lora' && c !== 'ti'))
    const any = queryAll(reader, { source: 'any' })
    expect(await any.count()).toBe(3)
    expect((await any.toArrayWithSource()).map(({ record, source }) => [record.name, record.record_type, source])).toEqual([
      ['One', 'blip', 'horde'],
      ['Two', 'blip', 'lab'],
      ['Three', 'clip', 'horde'],
    ])
    expect((await any.whereSource('lab').toArray()).map((r) => r.name)).toEqual(['Two'])
    expect({ ...(await any.sourceStatus()) }).toEqual({ horde: 'error', lab: 'error' })
    expect(await any.failedSources()).toEqual(['horde', 'lab'])
    expect(calls.slice(13).every(([, options]) => options?.source === 'any')).toBe(true)
    expect(queryAll(reader).category).toBeUndefined()
  })

  it('a category that cannot be read makes its source an error; none readable rejects with the first failure', async () => {
    ctx.server.fault('/v2/blip', { kind: 'status', status: 503 })
    ctx.server.fault('/blip.json', { kind: 'status', status: 503 })
    const client = ctx.client({ retries: 0 })
    const all = queryAll(client)
    expect(await all.count()).toBeGreaterThan(0)
    expect(await all.failedSources()).toEqual(['horde'])
    ctx.server.primaryDown({ kind: 'reset' })
    ctx.server.githubDown({ kind: 'reset' })
    await expect(queryAll(ctx.client({ retries: 0 })).count()).rejects.toSatisfy(isSourcesUnavailableError)
  })

  it('through a real client with a provider: whereSource and sourceStatus over every category', async () => {
    const client = ctx.client()
    client.registerProvider(staticProviderFromRaw('lab', { blip: { 'Lab Captioner': { name: 'Lab Captioner' } }, clip: {} }))
    const all = queryAll(client, { source: 'any' })
    expect(await all.whereSource('lab').toArray()).toEqual([expect.objectContaining({ name: 'Lab Captioner', record_type: 'blip' })])
    expect({ ...(await all.sourceStatus()) }).toEqual({ horde: 'ok', lab: 'ok' })
    expect((await all.sources()).sort()).toEqual(['horde', 'lab'])
  })
})
