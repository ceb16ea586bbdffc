import { describe, expect, it } from 'vitest'
import { isSourcesUnavailableError, type ModelReferenceEvent } from '../src/index.js'
import { getModelAvailability } from '../src/availability.js'
import { getPopularModels } from '../src/popular.js'
import { createStaticProvider } from '../src/providers/index.js'
import { createQuery, query } from '../src/query/index.js'
import { diffModelReferences, fingerprintRecords, recordsEqual } from '../src/diff/index.js'
import { normalizeSearchText } from '../src/search/matcher.js'
import { fixtureJson } from '../../../e2e/fixtures.js'
import { useReferenceServer } from './helpers/setup.js'

// What an independent review of the model-picker features found, each case fixed and kept.
const ctx = useReferenceServer()
const client = (extra = {}) => ctx.client({ hordeApiUrl: ctx.server.hordeApiUrl, retries: 0, ...extra })
const issuesOf = (events: readonly ModelReferenceEvent[]) => events.flatMap((e) => (e.type === 'issues' && e.source === 'horde-api' ? e.issues : []))

describe('the AI Horde’s entries are read field by field', () => {
  it('keeps an entry with a bad number (read as 0), repairs negatives and fractions of counts, keeps the first of a repeated name, and reports each', async () => {
    ctx.server.setHordeApi({
      status: {
        image: [
          { name: 'Deliberate', count: 9, jobs: -1 },
          { name: 'Anything Diffusion', count: 3, performance: null, eta: 'soon' },
          { name: 'Dreamshaper', count: 0.5, queued: 1e400 },
          { name: 'Deliberate', count: 2 },
          { name: '', count: 4 },
          'not an entry',
        ],
      },
    })
    const availability = await getModelAvailability(client(), 'image_generation')
    expect(availability.byName['Deliberate']).toMatchObject({ workerCount: 9, jobs: 0, served: true, available: true })
    expect(availability.byName['Anything Diffusion']).toMatchObject({ workerCount: 3, performance: 0, eta: 0, served: true, available: true })
    expect(availability.byName['Dreamshaper']).toMatchObject({ workerCount: 0, queued: 0, served: true, available: false })
    const issues = issuesOf(ctx.events)
    expect(issues.map((i) => `${i.key} ${i.path} ${i.severity}`).sort()).toEqual(
      ['Anything Diffusion eta warning', 'Anything Diffusion performance warning', 'Deliberate  warning', 'Deliberate jobs warning', 'Dreamshaper count warning', 'Dreamshaper queued warning', '#4 name error', '#5 name error'].sort(),
    )
  })

  it('skips a bad count in the usage stats instead of failing the whole answer', async () => {
    ctx.server.setHordeApi({
      status: { image: [{ name: 'Deliberate', count: 9 }, { name: 'Dreamshaper', count: 1 }] },
      stats: { img: { day: { Deliberate: 5, Dreamshaper: null }, month: 'nope', total: {} } },
    })
    const popular = await getPopularModels(client(), 'image_generation', { sortBy: 'usage_day' })
    expect(popular.map((m) => m.name)).toContain('Deliberate')
    expect(issuesOf(ctx.events).map((i) => `${i.key} ${i.path}`)).toEqual(expect.arrayContaining(['Dreamshaper day', 'month ']))
  })

  it('a failure of the Horde names the Horde and hordeApiUrl, not the reference', async () => {
    ctx.server.fault((path) => path.startsWith('/horde/'), { kind: 'status', status: 500 })
    const error = await getModelAvailability(client(), 'image_generation').catch((e: unknown) => e)
    expect(isSourcesUnavailableError(error)).toBe(true)
    expect((error as Error).message).toMatch(/AI Horde's live numbers/)
    expect((error as Error).message).toMatch(/hordeApiUrl/)
    expect((error as Error).message).not.toMatch(/primaryUrl/)
  })
})

describe('the unknown-field check knows the schema', () => {
  it('a field the schema declares is no error on a read whose few records lack it', async () => {
    const c = client()
    c.registerProvider(createStaticProvider('lab', { image_generation: { 'Lab Model': { name: 'Lab Model', baseline: 'stable_diffusion_xl', nsfw: false } as never } }))
    const lab = query(c, 'image_generation', { source: 'lab' })
    expect(await lab.where('size_on_disk_bytes', '>', 0).count()).toBe(0)
    expect(await lab.where('requirements', '!=', null).count()).toBe(0)
    expect(await lab.orderBy('metadata.schema_version').count()).toBe(1)
    // A key inside a map field is known only from the records.
    await expect(lab.where('requirements.clip_skip', '=', 2).count()).rejects.toMatchObject({ name: 'UnknownFieldError' })
    await expect(lab.where('basline' as never, '=', 'x').count()).rejects.toMatchObject({ suggestions: ['baseline'] })
  })

  it('hasShowcase and hasTrigger match nothing on a category without the fields, as /compat says', async () => {
    expect(await query(client(), 'text_generation').hasShowcase().count()).toBe(0)
    expect(await query(client(), 'controlnet').hasTrigger().count()).toBe(0)
  })

  it('where refuses what would silently filter nothing: `in` with a non-list, a `__proto__` literal, a branch of another query', () => {
    const q = query(client(), 'image_generation')
    expect(() => q.where('name', 'in', 'Deliberate')).toThrow(/needs an array/)
    expect(() => q.where({ __proto__: { nsfw: true } } as never)).toThrow(/plain object/)
    expect(() => q.whereAny(() => query(client(), 'text_generation').where('nsfw', '=', true) as never)).toThrow(/must return the query it was given/)
    const other = createQuery('image_generation', () => ({}))
    expect(() => q.not(() => other.onlyNsfw() as never)).toThrow(/must return the query it was given/)
  })
})

describe('structural sharing keeps the order the source gives', () => {
  it('the same records in another order are a new models object in that order', async () => {
    const c = client()
    const before = await c.getModelReferenceResult('image_generation')
    const reversed = Object.fromEntries(Object.entries(fixtureJson('derived-v2/stable_diffusion.json') as object).reverse())
    ctx.server.fault('/api/model_references/v2/image_generation', { kind: 'body', body: JSON.stringify(reversed), contentType: 'application/json' })
    ctx.server.setLastUpdated('image_generation', 1_900_000_000)
    const after = await c.refresh('image_generation')
    expect(after.models).not.toBe(before.models)
    expect(Object.keys(after.models)).toEqual(Object.keys(before.models).reverse())
    expect(after.fingerprint).toBe(before.fingerprint)
  })
})

describe('the diff and the fingerprint are bounded', () => {
  it('refuses data that shares objects exponentially, within a second', () => {
    // Two chains of 40 objects each, every level holding the one below twice: 2^40 paths.
    const chain = (): Record<string, unknown> => {
      let dag: Record<string, unknown> = { leaf: 1 }
      for (let i = 0; i < 40; i++) dag = { a: dag, b: dag }
      return dag
    }
    const [one, two] = [chain(), chain()]
    const started = performance.now()
    expect(() => fingerprintRecords({ d: { name: 'd', x: one } })).toThrow(/more than 2000000 objects/)
    expect(() => recordsEqual({ x: one }, { x: two })).toThrow(TypeError)
    expect(() => diffModelReferences({ d: { name: 'd', x: one, y: 1 } }, { d: { name: 'd', x: two, y: 2 } })).toThrow(TypeError)
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})

describe('search folds letters that do not decompose', () => {
  it('ß, æ, ø and friends are written out', () => {
    expect(normalizeSearchText('Straße Æther Øre')).toBe('strasse aether ore')
  })
})
