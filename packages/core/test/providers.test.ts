import { describe, expect, it } from 'vitest'
import {
  createMemoryStorage,
  isProviderRegistrationError,
  isSourcesUnavailableError,
  isUnknownSourceError,
  ModelReferenceManager,
  ModelNotFoundError,
  type ModelReferenceResult,
  type SourcesUnavailableError,
} from '../src/index.js'
import { createPendingProvider, createStaticProvider, staticProviderFromRaw } from '../src/providers/index.js'
import { envelopeKey } from '../src/cache/envelope.js'
import { PENDING_API_KEY, PENDING_IMAGE_RECORDS } from '../../../e2e/reference-server.js'
import { useFakeClock } from './helpers/clock.js'
import { albedo, scripted } from './helpers/providers.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()
const { advance } = useFakeClock()


const mine = (): Record<string, unknown> => ({ 'Lab Model': { ...albedo(), name: 'Lab Model', version: 'lab' } })

describe('registering providers', () => {
  it.each([
    ['an empty id', { id: ' ', categories: [], load: async () => ({}) }, 'empty'],
    ['the reserved id horde', { id: 'horde', categories: [], load: async () => ({}) }, 'reserved'],
    ['the reserved id any', { id: 'any', categories: [], load: async () => ({}) }, 'reserved'],
    ['no load function', { id: 'x', categories: [] }, 'invalid'],
    ['categories that are not names', { id: 'x', categories: [1], load: async () => ({}) }, 'invalid'],
    ['a negative TTL', { id: 'x', categories: [], ttlSeconds: -1, load: async () => ({}) }, 'invalid'],
    ['not an object', null, 'invalid'],
  ])('%s is a ProviderRegistrationError', (_, provider, reason) => {
    const client = ctx.client()
    const error = (() => {
      try {
        client.registerProvider(provider as never)
      } catch (e) {
        return e
      }
    })()
    expect(isProviderRegistrationError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'PROVIDER_REGISTRATION', reason })
  })

  it('a duplicate id is refused unless replace is asked; list, get and unregister', () => {
    const client = ctx.client()
    const first = createStaticProvider('lab', {})
    const second = createStaticProvider('lab', {})
    client.registerProvider(first)
    client.registerProvider(createStaticProvider('other', {}))
    expect(() => client.registerProvider(second)).toThrow(/replace: true/)
    client.registerProvider(second, { replace: true })
    expect(client.getProvider('lab')).toBe(second)
    expect(client.listProviders()).toEqual(['lab', 'other'])
    expect(client.unregisterProvider('lab')).toBe(true)
    expect(client.unregisterProvider('lab')).toBe(false)
    expect(client.listProviders()).toEqual(['other'])
    expect(client.getProvider('lab')).toBeUndefined()
  })

  it('the manager has the same registry (it is a client)', () => {
    ModelReferenceManager.reset()
    try {
      const manager = new ModelReferenceManager({ primaryUrl: ctx.server.primaryUrl })
      manager.registerProvider(createStaticProvider('lab', {}))
      expect(ModelReferenceManager.getInstance().listProviders()).toEqual(['lab'])
    } finally {
      ModelReferenceManager.reset()
    }
  })
})

describe('selecting sources', () => {
  it("by default ('horde') reads never ask a provider", async () => {
    const client = ctx.client()
    const provider = scripted('lab', mine)
    client.registerProvider(provider)
    const result = await client.getModelReferenceResult('image_generation')
    expect(result.sources).toEqual([expect.objectContaining({ id: 'horde', status: 'ok', recordCount: 161 })])
    expect(result.models).not.toHaveProperty('Lab Model')
    expect(provider.loads).toBe(0)
  })

  it('a provider alone: its records, validated, with its status', async () => {
    const client = ctx.client()
    client.registerProvider(scripted('lab', mine))
    const result = await client.getModelReferenceResult('image_generation', { source: 'lab' })
    expect(Object.keys(result.models)).toEqual(['Lab Model'])
    expect(result.source).toBe('provider')
    expect(result.sources).toEqual([expect.objectContaining({ id: 'lab', status: 'ok', recordCount: 1, stale: false })])
    expect(Object.isFrozen(result.models['Lab Model'])).toBe(true)
    expect(ctx.server.requests).toHaveLength(0)
  })

  it("'any' is the canonical data first, then providers in registration order; the earliest wins a name, as an info issue", async () => {
    const client = ctx.client()
    client.registerProvider(scripted('first', () => ({ ...mine(), 'AlbedoBase XL (SDXL)': { ...albedo(), version: 'from first' } })))
    client.registerProvider(scripted('second', () => ({ 'Lab Model': { ...albedo(), name: 'Lab Model', version: 'from second' }, 'Second Only': { ...albedo(), name: 'Second Only' } })))
    const result = await client.getModelReferenceResult('image_generation', { source: 'any' })
    expect(result.sources.map((s) => [s.id, s.status, s.recordCount])).toEqual([
      ['horde', 'ok', 161],
      ['first', 'ok', 2],
      ['second', 'ok', 2],
    ])
    expect(Object.keys(result.models)).toHaveLength(163)
    expect(result.models['AlbedoBase XL (SDXL)']!.version).not.toBe('from first')
    expect(result.models['Lab Model']!.version).toBe('lab')
    expect(result.recordSources).toMatchObject({ 'AlbedoBase XL (SDXL)': 'horde', 'Lab Model': 'first', 'Second Only': 'second' })
    expect(result.collisions).toEqual({ 'AlbedoBase XL (SDXL)': ['horde', 'first'], 'Lab Model': ['first', 'second'] })
    const infos = result.issues.filter((issue) => issue.severity === 'info')
    expect(infos.map((issue) => issue.key).sort()).toEqual(['AlbedoBase XL (SDXL)', 'Lab Model'])
    expect(infos.find((issue) => issue.key === 'Lab Model')!.message).toMatch(/first and second; first's record is kept/)
  })

  it('a list sets the precedence: a provider before horde wins the name', async () => {
    const client = ctx.client()
    client.registerProvider(scripted('lab', () => ({ 'AlbedoBase XL (SDXL)': { ...albedo(), version: 'lab build' } })))
    const result = await client.getModelReferenceResult('image_generation', { source: ['lab', 'horde'] })
    expect(result.models['AlbedoBase XL (SDXL)']!.version).toBe('lab build')
    expect(result.recordSources?.['AlbedoBase XL (SDXL)']).toBe('lab')
    expect(result.source).toBe('primary')
  })

  it('a source that is not registered is an UnknownSourceError naming the valid ones', async () => {
    const client = ctx.client()
    client.registerProvider(createStaticProvider('lab', {}))
    const error = await client.getModelReference('image_generation', { source: ['horde', 'labb'] }).catch((e: unknown) => e)
    expect(isUnknownSourceError(error)).toBe(true)
    expect(error).toMatchObject({ source: 'labb', validSources: ['horde', 'any', 'lab'] })
    expect(ctx.server.requests).toHaveLength(0)
  })

  it('a provider that does not serve the category is empty, never an error', async () => {
    const client = ctx.client()
    const provider = scripted('lab', mine, ['text_generation'])
    client.registerProvider(provider)
    const result = await client.getModelReferenceResult('image_generation', { source: 'any' })
    expect(result.sources.map((s) => [s.id, s.status])).toEqual([
      ['horde', 'ok'],
      ['lab', 'empty'],
    ])
    expect(provider.loads).toBe(0)
  })

  it("getModel finds a canonical record by its source key in a merged read, and never a provider's record by a canonical key", async () => {
    const client = ctx.client()
    client.registerProvider(staticProviderFromRaw('lab', { controlnet: { control_qr_xl: { name: 'control_qr_xl', style: 'control_qr_xl', version: 'lab' }, 'Lab Net': { style: 'control_canny' } } }))
    expect((await client.getModel('controlnet', 'control_qr_sdxl', { source: 'any' })).version).not.toBe('lab')
    // The lab's record of that name comes first: the canonical key does not reach it.
    await expect(client.getModel('controlnet', 'control_qr_sdxl', { source: ['lab', 'horde'] })).rejects.toBeInstanceOf(ModelNotFoundError)
    await expect(client.getModel('controlnet', 'control_qr_sdxl', { source: 'lab' })).rejects.toBeInstanceOf(ModelNotFoundError)
    expect((await client.getModel('controlnet', 'control_qr_xl', { source: ['lab', 'horde'] })).version).toBe('lab')
  })
})

describe('a provider that fails', () => {
  it.each([
    ['throws', () => Promise.reject(new Error('lab is down'))],
    ['answers garbage', () => Promise.resolve('not records')],
    ['answers null', () => Promise.resolve(null)],
  ])('%s: the read is served by the others, the failure reported, the canonical copy untouched', async (_, load) => {
    const client = ctx.client()
    const canonical = await client.getModelReferenceResult('image_generation')
    client.registerProvider({ id: 'lab', categories: ['image_generation'], load: load as never })
    const result = await client.getModelReferenceResult('image_generation', { source: 'any' })
    expect(Object.keys(result.models)).toEqual(Object.keys(canonical.models))
    const [, lab] = result.sources
    expect(lab).toMatchObject({ id: 'lab', status: 'error', recordCount: 0 })
    expect(lab!.error).toBeInstanceOf(Error)
    expect(await client.getModelReferenceResult('image_generation')).toBe(canonical)
    expect(client.peek('image_generation').result).toBe(canonical)
    expect(ctx.server.count('primary')).toBe(1)
    expect(ctx.events.some((e) => e.type === 'provider-failed' && e.provider === 'lab')).toBe(true)
  })

  it('a provider that hangs fails within totalTimeoutMs, and its signal is aborted', async () => {
    const client = ctx.client({ totalTimeoutMs: 200 })
    let aborted = false
    client.registerProvider({
      id: 'slow',
      categories: ['blip'],
      load: (_category, { signal }) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (aborted = true))
        }),
    })
    const started = performance.now()
    const result = await client.getModelReferenceResult('blip', { source: 'any' })
    expect(performance.now() - started).toBeLessThan(800)
    expect(result.sources[1]).toMatchObject({ id: 'slow', status: 'error' })
    expect(result.sources[1]!.error!.message).toMatch(/no answer within 200 ms \(totalTimeoutMs\)/)
    expect(aborted).toBe(true)
  })

  it('when every selected source fails, the read fails with a SourcesUnavailableError listing every attempt', async () => {
    ctx.server.primaryDown()
    ctx.server.githubDown()
    const client = ctx.client({ retries: 0 })
    client.registerProvider(scripted('lab', () => Promise.reject(new Error('lab is down'))))
    for (const source of [['horde', 'lab'], ['lab', 'horde']]) {
      const error = (await client.getModelReference('image_generation', { source }).catch((e: unknown) => e)) as SourcesUnavailableError
      expect(isSourcesUnavailableError(error)).toBe(true)
      expect(error.attempts.map((a) => [a.source, a.kind])).toEqual(
        source[0] === 'lab'
          ? [['lab', 'provider'], ['primary', 'http'], ['github', 'http']]
          : [['primary', 'http'], ['github', 'http'], ['lab', 'provider']],
      )
      expect(error.message).toContain('provider "lab" failed: lab is down')
    }
    // A provider alone: the same typed error, so the ...OrNull reads give null.
    expect(isSourcesUnavailableError(await client.getModelReference('image_generation', { source: 'lab' }).catch((e: unknown) => e))).toBe(true)
    expect(await client.getModelReferenceOrNull('image_generation', { source: 'lab' })).toBeNull()
  })
})

describe('provider copies follow the canonical rules', () => {
  it('fresh for the provider’s ttlSeconds, one load for concurrent readers, then loaded again', async () => {
    const client = ctx.client()
    const provider = { ...scripted('lab', mine), ttlSeconds: 300 }
    let loads = 0
    client.registerProvider({ ...provider, load: async (category, context) => (loads++, provider.load(category, context)) })
    const reads = await Promise.all(Array.from({ length: 10 }, () => client.getModelReferenceResult('image_generation', { source: 'lab' })))
    expect(new Set(reads.map((r) => r.models)).size).toBe(1)
    expect(loads).toBe(1)
    advance(299)
    await client.getModelReference('image_generation', { source: 'lab' })
    expect(loads).toBe(1)
    advance(2)
    await client.getModelReference('image_generation', { source: 'lab' })
    expect(loads).toBe(2)
  })

  it('stale-if-error: a failing refresh keeps serving its last good copy, marked stale, with the error', async () => {
    const client = ctx.client()
    let fail = false
    client.registerProvider(scripted('lab', () => (fail ? Promise.reject(new Error('lab is down')) : mine())))
    await client.getModelReference('image_generation', { source: 'lab' })
    advance(61)
    fail = true
    const result = await client.getModelReferenceResult('image_generation', { source: 'lab' })
    expect(Object.keys(result.models)).toEqual(['Lab Model'])
    expect(result.stale).toBe(true)
    expect(result.sources[0]).toMatchObject({ id: 'lab', status: 'ok', stale: true })
    expect(result.sources[0]!.error?.message).toBe('provider "lab" failed: lab is down')
  })

  it('never worse: an empty answer does not replace a copy that has records', async () => {
    const client = ctx.client()
    let empty = false
    client.registerProvider(scripted('lab', () => (empty ? {} : mine())))
    await client.getModelReference('image_generation', { source: 'lab' })
    advance(61)
    empty = true
    const result = await client.getModelReferenceResult('image_generation', { source: 'lab' })
    expect(Object.keys(result.models)).toEqual(['Lab Model'])
    expect(result.stale).toBe(true)
  })

  it('stored through the client’s storage under its own key: a second client reads it with no load', async () => {
    const storage = createMemoryStorage()
    const first = ctx.client({ storage })
    const provider = scripted('lab', mine)
    first.registerProvider(provider)
    await first.getModelReference('image_generation', { source: 'lab' })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(await storage.get(envelopeKey('image_generation'))).toBeUndefined()
    const second = ctx.client({ storage })
    const again = scripted('lab', mine)
    second.registerProvider(again)
    const result = await second.getModelReferenceResult('image_generation', { source: 'lab' })
    expect(Object.keys(result.models)).toEqual(['Lab Model'])
    expect(again.loads).toBe(0)
    // Unregistering drops the stored copy too.
    second.unregisterProvider('lab')
    await new Promise((resolve) => setTimeout(resolve, 10))
    const third = ctx.client({ storage })
    const fresh = scripted('lab', mine)
    third.registerProvider(fresh)
    await third.getModelReference('image_generation', { source: 'lab' })
    expect(fresh.loads).toBe(1)
  })
})

describe('static providers', () => {
  it('createStaticProvider serves typed records, validated, leaving the given objects as they are', async () => {
    const record = { ...albedo(), name: 'Lab Model' }
    const client = ctx.client()
    client.registerProvider(createStaticProvider('lab', { image_generation: { 'Lab Model': record as never } }))
    const result = await client.getModelReferenceResult('image_generation', { source: 'lab' })
    expect(result.models['Lab Model']!.baseline).toBe('stable_diffusion_xl')
    expect(Object.isFrozen(result.models['Lab Model'])).toBe(true)
    expect(Object.isFrozen(record)).toBe(false)
    expect(result.models['Lab Model']).not.toBe(record)
  })

  it('staticProviderFromRaw fills in a missing name from its key and reports a broken record, keeping the rest', async () => {
    const client = ctx.client()
    client.registerProvider(staticProviderFromRaw('raw', { image_generation: { 'Named By Key': { baseline: 'flux_1', nsfw: false }, Broken: { baseline: 'flux_1', nsfw: 'sometimes' } } }))
    const result = await client.getModelReferenceResult('image_generation', { source: 'raw' })
    expect(Object.keys(result.models)).toEqual(['Named By Key'])
    expect(result.models['Named By Key']!.name).toBe('Named By Key')
    expect(result.issues).toEqual([expect.objectContaining({ severity: 'error', key: 'Broken', path: 'nsfw' })])
  })
})

describe('the pending (beta) models provider', () => {
  it('reads the pending route with the apikey header, sent there and nowhere else', async () => {
    const client = ctx.client()
    client.registerProvider(createPendingProvider({ apiKey: PENDING_API_KEY, categories: ['image_generation'] }))
    const result = await client.getModelReferenceResult('image_generation', { source: ['horde', 'pending'] })
    expect(result.sources.map((s) => [s.id, s.status, s.recordCount])).toEqual([
      ['horde', 'ok', 161],
      ['pending', 'ok', 2],
    ])
    expect(result.models['Beta Diffusion XL']).toBeDefined()
    expect(result.models['AlbedoBase XL (SDXL)']!.version).not.toBe(PENDING_IMAGE_RECORDS['AlbedoBase XL (SDXL)'].version)
    const withKey = ctx.server.requests.filter((r) => r.headers.apikey !== undefined)
    expect(withKey.map((r) => [r.path, r.headers.apikey])).toEqual([['/api/model_references/v2/image_generation/pending', PENDING_API_KEY]])
    const preferred = await client.getModelReferenceResult('image_generation', { source: ['pending', 'horde'] })
    expect(preferred.models['AlbedoBase XL (SDXL)']!.version).toBe('beta-next')
  })

  it('its key appears in no error, event or stored copy', async () => {
    const storage = createMemoryStorage()
    const stored: unknown[] = []
    const spy = { ...storage, set: async (key: string, value: unknown, options: Parameters<typeof storage.set>[2]) => (stored.push(value), storage.set(key, value, options)) }
    const secret = 'wrong-key-s3cret'
    const client = ctx.client({ storage: spy, retries: 0 })
    client.registerProvider(createPendingProvider({ apiKey: secret, categories: ['image_generation'] }))
    const result = await client.getModelReferenceResult('image_generation', { source: 'any' })
    expect(result.sources[1]).toMatchObject({ id: 'pending', status: 'error' })
    client.registerProvider(createPendingProvider({ apiKey: PENDING_API_KEY, categories: ['image_generation'] }), { replace: true })
    await client.getModelReference('image_generation', { source: 'pending' })
    await new Promise((resolve) => setTimeout(resolve, 10))
    for (const text of [JSON.stringify(result.sources[1]!.error?.message), JSON.stringify(ctx.events), JSON.stringify(stored)]) {
      expect(text).not.toContain(secret)
      expect(text).not.toContain(PENDING_API_KEY)
    }
    expect(stored.length).toBeGreaterThan(0)
  })

  it('in GitHub-only mode it has nothing to read, and says so', async () => {
    const client = ctx.client({ primaryUrl: null })
    client.registerProvider(createPendingProvider({ apiKey: PENDING_API_KEY }))
    const result: ModelReferenceResult = await client.getModelReferenceResult('image_generation', { source: 'any' })
    expect(result.sources[1]!.error?.message).toMatch(/primaryUrl is null/)
    expect(result.sources[0]).toMatchObject({ id: 'horde', status: 'ok' })
  })

  it('needs a key', () => {
    expect(() => createPendingProvider({ apiKey: '' })).toThrow(/apiKey/)
  })
})
