import { describe, expect, it } from 'vitest'
import { createModelReferenceClient, isSourcesUnavailableError, isUnknownCategoryError, MODEL_REFERENCE_CATEGORIES, ModelReferenceManager, type UnknownCategoryError } from '../src/index.js'
import { createStaticProvider } from '../src/providers/index.js'
import { query } from '../src/query/index.js'
import { getRawModel, getRawModelReference } from '../src/raw.js'
import { DEFAULT_LAST_UPDATED, SERVER_ONLY_CATEGORY } from '../../../e2e/reference-server.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()
const FETCHABLE = MODEL_REFERENCE_CATEGORIES.filter((category) => category !== 'lora' && category !== 'ti')

describe('GitHub-only mode (primaryUrl: null)', () => {
  it('reads GitHub only: no request ever goes to a primary', async () => {
    const client = ctx.client({ primaryUrl: null })
    const result = await client.getModelReferenceResult('image_generation')
    expect(result.source).toBe('github')
    expect(Object.keys(result.models)).toHaveLength(161)
    expect(client.options.primaryUrl).toBeNull()
    expect(ctx.server.requests.every((r) => r.source === 'github')).toBe(true)
  })

  it('a category with no GitHub file fails with a message that says so, asking nobody', async () => {
    const error = await ctx.client({ primaryUrl: null }).getModelReference('video_generation').catch((e: unknown) => e)
    expect(isSourcesUnavailableError(error)).toBe(true)
    expect((error as Error).message).toMatch(/"video_generation".*no GitHub file, and primaryUrl is null \(GitHub only\)/s)
    expect(ctx.server.requests).toHaveLength(0)
  })

  it('with githubFallback: false it would read nothing: refused at construction', () => {
    expect(() => createModelReferenceClient({ primaryUrl: null, githubFallback: false })).toThrow(/no source to read from/)
  })
})

describe('live categories', () => {
  it("getModelCategories() is the primary's list, cached like the records", async () => {
    const client = ctx.client()
    const categories = await client.getModelCategories()
    expect(categories).toEqual([...FETCHABLE, SERVER_ONLY_CATEGORY])
    expect(await client.getModelCategories()).toBe(categories)
    expect(ctx.server.requests.filter((r) => r.kind === 'categories')).toHaveLength(1)
  })

  it("falls back to the SDK's own list when the primary cannot say, or in GitHub-only mode", async () => {
    ctx.server.fault('/model_categories', { kind: 'status', status: 503 })
    expect(await ctx.client().getModelCategories()).toEqual(FETCHABLE)
    expect(await ctx.client({ primaryUrl: null }).getModelCategories()).toEqual(FETCHABLE)
    ctx.server.reset()
    ctx.server.fault('/model_categories', { kind: 'body', body: '{"not": "a list"}' })
    expect(await ctx.client().getModelCategories()).toEqual(FETCHABLE)
  })

  it('a category the server knows and the SDK does not is read as generic records', async () => {
    const client = ctx.client()
    const result = await client.getModelReferenceResult(SERVER_ONLY_CATEGORY)
    expect(Object.keys(result.models)).toEqual(['Mesh Maker', 'Voxel Forge'])
    expect(result.models['Voxel Forge']).toMatchObject({ name: 'Voxel Forge', record_type: SERVER_ONLY_CATEGORY, model_classification: { domain: 'rendered_3d', purpose: 'generation' } })
    expect(Object.isFrozen(result.models['Mesh Maker'])).toBe(true)
    // Learnt: the synchronous methods take it now.
    expect(client.peek(SERVER_ONLY_CATEGORY).status).toBe('success')
    expect(await client.getModelNames(SERVER_ONLY_CATEGORY)).toEqual(['Mesh Maker', 'Voxel Forge'])
  })

  it('a name neither knows still throws UnknownCategoryError, listing both lists', async () => {
    const client = ctx.client()
    // @ts-expect-error a literal that is no category is a compile error; the run-time check is tested here
    const error = (await client.getModelReference('made_up_category').catch((e: unknown) => e)) as UnknownCategoryError
    expect(isUnknownCategoryError(error)).toBe(true)
    expect(error.validCategories).toEqual([...MODEL_REFERENCE_CATEGORIES, SERVER_ONLY_CATEGORY])
    expect(() => ctx.client().peek(SERVER_ONLY_CATEGORY)).toThrow(/Unknown model reference category/)
    const githubOnly = await ctx.client({ primaryUrl: null }).getModelReference(SERVER_ONLY_CATEGORY).catch((e: unknown) => e)
    expect(isUnknownCategoryError(githubOnly)).toBe(true)
  })

  it("a server's category works through query() and the raw reads too; a name neither knows rejects at the terminal", async () => {
    const client = ctx.client()
    expect(await query(client, SERVER_ONLY_CATEGORY).whereClassification({ domain: 'rendered_3d' }).count()).toBe(2)
    const raw = await getRawModelReference(client, SERVER_ONLY_CATEGORY)
    expect(raw).toMatchObject({ source: 'primary', format: 'json' })
    expect(Object.keys(raw.data as object)).toEqual(['Mesh Maker', 'Voxel Forge'])
    // @ts-expect-error a literal that is no category is a compile error; the run-time check is tested here
    const unknown = query(client, 'made_up_category')
    await expect(unknown.toArray()).rejects.toSatisfy(isUnknownCategoryError)
    // @ts-expect-error a literal that is no category is a compile error; the run-time check is tested here
    await expect(getRawModelReference(client, 'made_up_category')).rejects.toSatisfy(isUnknownCategoryError)
  })

  it('a name that cannot be a category is refused without asking the server', async () => {
    const client = ctx.client()
    for (const name of ['__proto__', 'Not A Name', '../etc', 42, null]) {
      await expect(client.getModelReference(name as string)).rejects.toSatisfy(isUnknownCategoryError)
    }
    expect(ctx.server.requests).toEqual([])
  })

  it('names that cannot be a category (they go into URLs and keys) are not taken from the server', async () => {
    ctx.server.fault('/model_categories', { kind: 'body', body: JSON.stringify(['blip', '__proto__', '../etc', 'UPPER', 'a b', 'x'.repeat(100), 'fine_one']) })
    expect(await ctx.client().getModelCategories()).toEqual(['blip', 'fine_one'])
  })
})

describe('metadata', () => {
  it("lastUpdated(category) is the primary's last_updated", async () => {
    const client = ctx.client()
    expect(await client.lastUpdated('blip')).toBe(DEFAULT_LAST_UPDATED)
    ctx.server.setLastUpdated('blip', DEFAULT_LAST_UPDATED + 5)
    expect(await client.lastUpdated('blip')).toBe(DEFAULT_LAST_UPDATED + 5)
  })

  it('null when the primary cannot say: a replica (503), a value from the future, GitHub-only mode', async () => {
    ctx.server.fault('/last_updated', { kind: 'status', status: 503 }, 1)
    const client = ctx.client()
    expect(await client.lastUpdated('blip')).toBeNull()
    ctx.server.setLastUpdated('blip', Math.floor(Date.now() / 1000) + 86_400)
    expect(await client.lastUpdated('blip')).toBeNull()
    expect(await ctx.client({ primaryUrl: null }).lastUpdated('blip')).toBeNull()
  })

  it('a primary that cannot be reached is a SourcesUnavailableError, not "cannot say"', async () => {
    ctx.server.primaryDown({ kind: 'reset' })
    expect(isSourcesUnavailableError(await ctx.client().lastUpdated('blip').catch((e: unknown) => e))).toBe(true)
  })

  it('every result carries lastUpdated once the source gave one', async () => {
    const client = ctx.client({ ttlSeconds: 0 })
    expect((await client.getModelReferenceResult('blip')).lastUpdated).toBeUndefined()
    // A refresh asks last_updated before downloading, and records it.
    expect((await client.getModelReferenceResult('blip')).lastUpdated).toBe(DEFAULT_LAST_UPDATED)
  })
})

describe('getMetadata and isWarm', () => {
  it("getMetadata(category) is the primary's metadata of it, frozen, unknown fields kept", async () => {
    ctx.server.setLastUpdated('blip', DEFAULT_LAST_UPDATED + 9)
    const metadata = await ctx.client().getMetadata('blip')
    expect(metadata).toMatchObject({ category: 'blip', last_updated: DEFAULT_LAST_UPDATED + 9, total_models: 3, backend_type: 'FileSystemBackend', last_operation_type: 'update' })
    expect(Object.isFrozen(metadata)).toBe(true)
    expect(ctx.server.requests.map((r) => r.path)).toEqual(['/api/model_references/v2/metadata/blip'])
  })

  it('null when the server keeps none (a replica, 503), the answer is not metadata of that category, or GitHub only', async () => {
    ctx.server.fault('/metadata/blip', { kind: 'status', status: 503 }, 1)
    expect(await ctx.client().getMetadata('blip')).toBeNull()
    ctx.server.fault('/metadata/blip', { kind: 'body', body: JSON.stringify({ category: 'clip', last_updated: 1 }) }, 1)
    expect(await ctx.client().getMetadata('blip')).toBeNull()
    ctx.server.fault('/metadata/blip', { kind: 'body', body: JSON.stringify({ category: 'blip', last_updated: 'yesterday' }) }, 1)
    expect(await ctx.client().getMetadata('blip')).toBeNull()
    ctx.server.fault('/metadata/blip', { kind: 'body', body: '<html>busy</html>' }, 1)
    expect(await ctx.client().getMetadata('blip')).toBeNull()
    expect(await ctx.client({ primaryUrl: null }).getMetadata('blip')).toBeNull()
    ctx.server.primaryDown({ kind: 'reset' })
    expect(isSourcesUnavailableError(await ctx.client().getMetadata('blip').catch((e: unknown) => e))).toBe(true)
    // @ts-expect-error a literal that is no category is a compile error; the run-time check is tested here
    await expect(ctx.client().getMetadata('made_up_category')).rejects.toSatisfy(isUnknownCategoryError)
  })

  it('isWarm: true only while every category has a fresh copy in memory', async () => {
    const client = ctx.client()
    expect(client.isWarm).toBe(false)
    await client.getModelReference('blip')
    expect(client.isWarm).toBe(false)
    await client.getAllModelReferences()
    expect(client.isWarm).toBe(true)
    client.invalidate('clip')
    expect(client.isWarm).toBe(false)
  })
})

describe('getRawModel', () => {
  it('one record as the source sent it, by key or by name; null when it has none', async () => {
    const client = ctx.client()
    const albedo = await getRawModel(client, 'image_generation', 'AlbedoBase XL (SDXL)')
    expect(albedo).toMatchObject({ source: 'primary', key: 'AlbedoBase XL (SDXL)', data: { name: 'AlbedoBase XL (SDXL)', baseline: 'stable_diffusion_xl' } })
    // Found by its name although the file keys it otherwise.
    expect(await getRawModel(client, 'controlnet', 'control_qr_xl')).toMatchObject({ key: 'control_qr_sdxl', data: { name: 'control_qr_xl' } })
    expect(await getRawModel(client, 'image_generation', 'No Such Model')).toBeNull()
    expect(await getRawModel(client, 'image_generation', '__proto__')).toBeNull()
    expect(await getRawModel(client, 'image_generation', 'constructor')).toBeNull()
  })

  it("a text model from GitHub is its CSV row, cells by column", async () => {
    ctx.server.primaryDown({ kind: 'status', status: 503 })
    const client = ctx.client({ retries: 0 })
    const names = Object.keys(await client.getModelReference('text_generation'))
    const row = await getRawModel(client, 'text_generation', names[0]!)
    expect(row).toMatchObject({ source: 'github', key: names[0] })
    expect(row).not.toHaveProperty('format')
    expect((row!.data as Record<string, string>).name).toBe(names[0])
    expect(Object.getPrototypeOf(row!.data)).toBeNull()
    expect(await getRawModel(client, 'text_generation', 'no/such-model')).toBeNull()
  })
})

describe('counters', () => {
  it('count per source: requests, answers, bytes, updates, failures, fallbacks, revalidations', async () => {
    // No cooldown: the primary is asked first every time, so each step's requests are plain.
    const client = ctx.client({ ttlSeconds: 0, retries: 0, sourceCooldownSeconds: 0 })
    // A download; a revalidation that records last_updated, then a download; a revalidation that finds it unchanged.
    await client.getModelReference('blip')
    await client.getModelReference('blip')
    await client.getModelReference('blip')
    ctx.server.fault('/v2/clip', { kind: 'status', status: 500 })
    await client.getModelReference('clip')
    ctx.server.setLastUpdated('blip', DEFAULT_LAST_UPDATED + 1)
    await client.getModelReference('blip')
    client.registerProvider(createStaticProvider('lab', { blip: {} }))
    await client.getModelReference('blip', { source: 'lab' })
    const counters = client.getCounters()
    expect(counters.primary).toMatchObject({ requests: 7, responses: 6, updates: 4, failures: 1, fallbacks: 1, unchanged: 1, changed: 1 })
    expect(counters.primary!.bytes).toBeGreaterThan(2_000)
    expect(counters.github).toMatchObject({ requests: 1, responses: 1, updates: 1 })
    expect(counters.lab).toMatchObject({ updates: 1, requests: 0 })
    client.resetCounters()
    expect(client.getCounters()).toEqual({})
  })

  it('a new manager starts from zero', async () => {
    ModelReferenceManager.reset()
    try {
      await new ModelReferenceManager({ primaryUrl: ctx.server.primaryUrl }).getModelReference('blip')
      expect(ModelReferenceManager.getInstance().getCounters().primary?.requests).toBe(1)
      ModelReferenceManager.reset()
      expect(new ModelReferenceManager({ primaryUrl: ctx.server.primaryUrl }).getCounters()).toEqual({})
    } finally {
      ModelReferenceManager.reset()
    }
  })
})
