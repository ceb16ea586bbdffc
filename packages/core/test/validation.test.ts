import { describe, expect, it } from 'vitest'
import {
  isModelNotFoundError,
  isUnknownCategoryError,
  isValidationError,
  MODEL_REFERENCE_CATEGORIES,
  ModelNotFoundError,
  UnknownCategoryError,
  ValidationError,
} from '../src/index.js'
import { fixtureJson } from '../../../e2e/fixtures.js'
import { SERVER_ONLY_CATEGORY } from '../../../e2e/reference-server.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()
const imageV2 = (): Record<string, Record<string, unknown>> => fixtureJson('derived-v2/stable_diffusion.json') as Record<string, Record<string, unknown>>

function servePrimary(path: string, body: unknown): void {
  ctx.server.fault(path, { kind: 'body', body: typeof body === 'string' ? body : JSON.stringify(body) })
}

describe('per-record validation', () => {
  it('skips one broken record, reports it, and serves the rest', async () => {
    const data = imageV2()
    data['AlbedoBase XL (SDXL)'] = { ...data['AlbedoBase XL (SDXL)'], nsfw: 'maybe' }
    servePrimary('/v2/image_generation', data)
    const result = await ctx.client().getModelReferenceResult('image_generation')
    expect(result.source).toBe('primary')
    expect(Object.keys(result.models)).toHaveLength(160)
    expect(result.models['AlbedoBase XL (SDXL)']).toBeUndefined()
    expect(result.issues).toEqual([
      expect.objectContaining({ category: 'image_generation', severity: 'error', key: 'AlbedoBase XL (SDXL)', path: 'nsfw', message: expect.stringContaining('record skipped') }),
    ])
    expect(ctx.events.some((e) => e.type === 'issues')).toBe(true)
  })

  it('accepts an unknown baseline and style as strings, with warnings', async () => {
    const data = imageV2()
    data['AlbedoBase XL (SDXL)'] = { ...data['AlbedoBase XL (SDXL)'], baseline: 'flux_3_ultra', style: 'vaporwave' }
    servePrimary('/v2/image_generation', data)
    const result = await ctx.client().getModelReferenceResult('image_generation')
    expect(Object.keys(result.models)).toHaveLength(161)
    expect(result.models['AlbedoBase XL (SDXL)']!.baseline).toBe('flux_3_ultra')
    expect(result.issues.map((i) => [i.severity, i.path])).toEqual([
      ['warning', 'baseline'],
      ['warning', 'style'],
    ])
  })

  it('keeps fields it does not know', async () => {
    const data = imageV2()
    data['AlbedoBase XL (SDXL)'] = { ...data['AlbedoBase XL (SDXL)'], future_field: { nested: [1, 2] } }
    servePrimary('/v2/image_generation', data)
    const model = await ctx.client().getModel('image_generation', 'AlbedoBase XL (SDXL)')
    expect((model as unknown as Record<string, unknown>).future_field).toEqual({ nested: [1, 2] })
  })

  it('fills record_type, model_classification, metadata and defaults from the category', async () => {
    const model = await ctx.client().getModel('image_generation', 'AlbedoBase XL (SDXL)')
    expect(model.record_type).toBe('image_generation')
    expect(model.model_classification).toEqual({ domain: 'image', purpose: 'generation' })
    expect(model.metadata).toEqual({ schema_version: '2.0.0' })
    expect(model.inpainting).toBe(false)
    expect(model.baseline).toBe('stable_diffusion_xl')
  })

  it('strict: true skips a source with issues and uses GitHub', async () => {
    const data = imageV2()
    data.broken = { name: 'broken' }
    servePrimary('/v2/image_generation', data)
    const result = await ctx.client({ strict: true }).getModelReferenceResult('image_generation')
    expect(result.source).toBe('github')
    expect(result.issues).toEqual([])
  })

  it('strict: true throws ValidationError when every source has issues', async () => {
    servePrimary('/v2/blip', { a: { name: 'a', description: 5 } })
    ctx.server.githubDown({ kind: 'body', body: JSON.stringify({ b: { name: 7 } }) })
    const error = await ctx.client({ strict: true }).getModelReference('blip').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect(isValidationError(error)).toBe(true)
    expect((error as ValidationError).issues.map((i) => [i.key, i.path])).toEqual([
      ['a', 'description'],
      ['b', 'name'],
    ])
    expect((error as ValidationError).message).toContain('strict')
  })
})

describe('hostile input', () => {
  it('keys such as __proto__ and constructor never touch a prototype', async () => {
    const record = (name: string): Record<string, unknown> => ({ name, baseline: 'stable_diffusion_1', nsfw: false })
    const longName = 'x'.repeat(10_000)
    const body =
      '{"__proto__": ' + JSON.stringify(record('__proto__')) +
      ', "constructor": ' + JSON.stringify(record('constructor')) +
      ', "hasOwnProperty": ' + JSON.stringify(record('hasOwnProperty')) +
      ', "polluter": {"name": "polluter", "baseline": "flux_1", "nsfw": false, "__proto__": {"polluted": true}, "requirements": {"__proto__": {"polluted": true}}}' +
      `, ${JSON.stringify(longName)}: ${JSON.stringify(record(longName))}}`
    servePrimary('/v2/image_generation', body)
    const client = ctx.client()
    const models = await client.getModelReference('image_generation')
    expect(Object.keys(models).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', longName, 'polluter'].sort())
    expect(Object.getPrototypeOf(models)).toBeNull()
    expect(models.__proto__!.name).toBe('__proto__')
    expect((await client.getModel('image_generation', 'constructor')).name).toBe('constructor')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
    expect((models.polluter as unknown as Record<string, unknown>).polluted).toBeUndefined()
    await expect(client.getModel('image_generation', 'toString')).rejects.toBeInstanceOf(ModelNotFoundError)
  })

  it('nesting deep enough to overflow a recursive walk is kept, frozen, and crashes nothing', async () => {
    const depth = 300_000
    const deep = '['.repeat(depth) + ']'.repeat(depth)
    servePrimary('/v2/image_generation', `{"m": {"name": "m", "baseline": "flux_1", "nsfw": false, "deep": ${deep}}}`)
    const model = (await ctx.client().getModel('image_generation', 'm')) as unknown as { deep: unknown[] }
    let level: unknown = model.deep
    for (let i = 0; i < depth - 1; i++) level = (level as unknown[])[0]
    expect(level).toEqual([])
    expect(Object.isFrozen(level)).toBe(true)
  })

  it('a GitHub legacy file with hostile keys is converted without pollution', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    ctx.server.githubDown({ kind: 'body', body: '{"__proto__": {"name": "__proto__", "baseline": "stable diffusion 1", "config": {"files": [{"path": "a.ckpt"}], "download": [{"file_name": "a.ckpt", "file_url": "https://x"}]}, "requirements": {"__proto__": 1}}}' })
    const models = await ctx.client().getModelReference('image_generation')
    expect(Object.keys(models)).toEqual(['__proto__'])
    expect(models.__proto__!.baseline).toBe('stable_diffusion_1')
    // valibot leaves prototype keys out of records it builds: dropped, never assigned.
    expect(Object.keys(models.__proto__!.requirements!)).toEqual([])
    expect(Object.prototype).not.toHaveProperty('name')
  })
})

describe('lookups and errors', () => {
  it('maps are keyed by record name; getModel also finds the original key', async () => {
    const client = ctx.client()
    const controlnet = await client.getModelReference('controlnet')
    expect(controlnet.control_qr_xl?.name).toBe('control_qr_xl')
    expect(controlnet.control_qr_sdxl).toBeUndefined()
    expect((await client.getModel('controlnet', 'control_qr_sdxl')).name).toBe('control_qr_xl')
    expect(await client.getModelNames('controlnet')).toContain('control_qr_xl')
  })

  it('getModel throws ModelNotFoundError with suggestions; getModelOrNull gives null', async () => {
    const client = ctx.client()
    const error = await client.getModel('image_generation', 'albedobase xl (sdxl)').catch((e: unknown) => e)
    expect(isModelNotFoundError(error)).toBe(true)
    expect((error as ModelNotFoundError).suggestions).toEqual(['AlbedoBase XL (SDXL)'])
    expect((error as Error).message).toContain('Did you mean "AlbedoBase XL (SDXL)"')
    expect(await client.getModelOrNull('image_generation', 'nope')).toBeNull()
  })

  it('getModelReferenceOrNull and getModelOrNull give null when no source answers', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    ctx.server.githubDown({ kind: 'status', status: 404 })
    const client = ctx.client()
    expect(await client.getModelReferenceOrNull('blip')).toBeNull()
    expect(await client.getModelOrNull('blip', 'BLIP')).toBeNull()
  })

  it('an unknown category asks only the primary\'s list of categories (once), then throws UnknownCategoryError listing the valid ones (the server\'s own included)', async () => {
    const client = ctx.client()
    // @ts-expect-error a literal that is no category is a compile error; the run-time check is tested here
    const error = await client.getModelReference('stable_diffusion').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnknownCategoryError)
    expect(isUnknownCategoryError(error)).toBe(true)
    expect((error as UnknownCategoryError).validCategories).toEqual([...MODEL_REFERENCE_CATEGORIES, SERVER_ONLY_CATEGORY])
    expect((error as Error).message).toContain('image_generation, text_generation')
    expect((error as Error).message).toContain(SERVER_ONLY_CATEGORY)
    // @ts-expect-error a literal that is no category is a compile error; the run-time check is tested here
    expect(() => client.peek('nope')).toThrow(UnknownCategoryError)
    // @ts-expect-error a literal that is no category is a compile error; the run-time check is tested here
    await expect(client.getModelReferenceOrNull('__proto__')).rejects.toBeInstanceOf(UnknownCategoryError)
    expect(ctx.server.requests.map((r) => r.path)).toEqual(['/api/model_references/v2/model_categories'])
  })

  it('a plain string works as a category', async () => {
    const category: string = 'blip'
    expect(Object.keys(await ctx.client().getModelReference(category))).toHaveLength(2)
  })

  it('guards recognise errors from another copy of the package (same registered brand)', () => {
    const foreign = Object.assign(new Error('x'), { name: 'ModelNotFoundError', [Symbol.for('@horde-model-reference/core:error')]: true })
    expect(isModelNotFoundError(foreign)).toBe(true)
    expect(isModelNotFoundError(Object.assign(new Error('x'), { name: 'ModelNotFoundError' }))).toBe(false)
  })
})

describe('strict mode on the real data', () => {
  it('accepts every real category from GitHub: repeated CSV names are info, not issues', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    const result = await ctx.client({ strict: true }).getModelReferenceResult('text_generation')
    expect(result.source).toBe('github')
    expect(Object.keys(result.models)).toHaveLength(719)
    expect(result.issues.map((i) => i.severity)).toEqual(['info', 'info', 'info', 'info'])
  })
})

describe('text records by upstream field name', () => {
  it('accepts parameters_count (as upstream’s own JSON helper writes it) as parameters; a record with neither is skipped', async () => {
    const body = { a: { name: 'a/Model-7B', parameters_count: 7_000_000_000 }, b: { name: 'b/Model-8B', parameters: 8_000_000_000 }, c: { name: 'c/NoSize' } }
    servePrimary('/v2/text_generation', body)
    const result = await ctx.client().getModelReferenceResult('text_generation')
    expect(result.models['a/Model-7B']?.parameters).toBe(7_000_000_000)
    expect(result.models['b/Model-8B']?.parameters).toBe(8_000_000_000)
    expect(result.models['c/NoSize']).toBeUndefined()
    expect(result.issues).toEqual([expect.objectContaining({ key: 'c', path: 'parameters', severity: 'error' })])
  })
})
