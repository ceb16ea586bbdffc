// A hostile review of the providers and the rest of upstream's read side: each of the first
// tests demonstrated a defect (fixed since), and the others guard rules that mutation testing
// found unguarded.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it, vi } from 'vitest'
import {
  createMemoryStorage,
  isHordeModelReferenceError,
  isModelNotFoundError,
  isNotCachedError,
  MODEL_REFERENCE_CATEGORIES,
  type ModelReferenceCategory,
  type ModelReferenceEvent,
  type ModelMap,
  type ModelReferenceProvider,
  type StorageAdapter,
} from '../src/index.js'
import { createPendingProvider, createStaticProvider } from '../src/providers/index.js'
import { createQuery, query, queryAll } from '../src/query/index.js'
import { validateRecords } from '../src/convert/index.js'
import { getRawModel } from '../src/raw.js'
import { getPopularModels } from '../src/popular.js'
import { DEFAULT_LAST_UPDATED, PENDING_API_KEY, SERVER_ONLY_CATEGORY } from '../../../e2e/reference-server.js'
import { albedo, scripted } from './helpers/providers.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()

const labRecord = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ...albedo(), name, ...extra })
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))


describe('dispose() and providers', () => {
  it('a read of a provider started just before dispose() rejects and never loads the provider', async () => {
    const client = ctx.client()
    const provider = scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model') }))
    client.registerProvider(provider)
    const read = client.getModelReferenceResult('image_generation', { source: 'lab' })
    client.dispose()
    const outcome = await read.then(
      (result) => ({ resolved: Object.keys(result.models) }),
      (error: unknown) => ({ rejected: (error as Error).name }),
    )
    expect(outcome).toEqual({ rejected: 'AbortError' })
    expect(provider.loads).toBe(0)
  })

  it('a multi-source read in flight when dispose() is called rejects, not resolves with the providers’ part', async () => {
    ctx.server.fault('/v2/image_generation', { kind: 'hang' })
    ctx.server.fault('/stable_diffusion.json', { kind: 'hang' })
    const client = ctx.client()
    client.registerProvider(scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model') })))
    const read = client.getModelReferenceResult('image_generation', { source: 'any' })
    await sleep(100)
    client.dispose()
    const outcome = await read.then(
      (result) => ({ resolved: result.sources.map((s) => s.status) }),
      (error: unknown) => ({ rejected: (error as Error).name }),
    )
    expect(outcome).toEqual({ rejected: 'AbortError' })
  })
})

describe('live categories', () => {
  it('a refresh of the categories that fails keeps the last list the server gave (never worse)', async () => {
    const client = ctx.client({ ttlSeconds: 0 })
    const first = await client.getModelCategories()
    expect(first).toContain(SERVER_ONLY_CATEGORY)
    ctx.server.fault('/model_categories', { kind: 'status', status: 503 })
    const second = await client.getModelCategories()
    expect(second).toContain(SERVER_ONLY_CATEGORY)
  })

  it('a failed first answer is not cached as if it were the server’s list: the server’s list is taken once it answers', async () => {
    ctx.server.fault('/model_categories', { kind: 'status', status: 503 }, 1)
    const client = ctx.client()
    expect(await client.getModelCategories()).not.toContain(SERVER_ONLY_CATEGORY)
    // The primary answers again; the fallback was a stand-in, not a fresh copy.
    expect(await client.getModelCategories()).toContain(SERVER_ONLY_CATEGORY)
  })
})

describe('the pending provider’s key', () => {
  it('is not sent on to another origin when the pending route redirects', async () => {
    const stolen: (string | undefined)[] = []
    const thief: Server = createServer((req, res) => {
      stolen.push(req.headers.apikey as string | undefined)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
    await new Promise<void>((resolve) => thief.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = thief.address() as AddressInfo
      ctx.server.fault('/pending', { kind: 'status', status: 302, headers: { location: `http://127.0.0.1:${port}/elsewhere` } })
      const client = ctx.client({ retries: 0 })
      client.registerProvider(createPendingProvider({ apiKey: PENDING_API_KEY, categories: ['image_generation'] }))
      await client.getModelReferenceResult('image_generation', { source: 'any' })
      expect(stolen).not.toContain(PENDING_API_KEY)
    } finally {
      await new Promise<void>((resolve) => thief.close(() => resolve()))
    }
  })
})

describe('what a provider may answer', () => {
  it('one record behind a getter that throws is one issue; the provider’s other records are kept', async () => {
    const client = ctx.client()
    const answer: Record<string, unknown> = { Good: labRecord('Good') }
    Object.defineProperty(answer, 'Bad', { enumerable: true, get: () => { throw new Error('boom') } })
    client.registerProvider(scripted('lab', () => answer))
    const result = await client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    expect(result.sources[1]).toMatchObject({ id: 'lab', status: 'ok', recordCount: 1 })
    expect(result.models.Good).toBeDefined()
  })

  it('one record of a list whose name getter throws is one issue; the rest are kept', async () => {
    const client = ctx.client()
    const bad = {}
    Object.defineProperty(bad, 'name', { enumerable: true, get: () => { throw new Error('boom') } })
    client.registerProvider(scripted('lab', () => [labRecord('Good'), bad]))
    const result = await client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    expect(result.sources[1]).toMatchObject({ id: 'lab', status: 'ok', recordCount: 1 })
  })

  it('a list with a hole keeps its records (a hole is one skipped entry, not a TypeError for all)', async () => {
    const client = ctx.client()
    // eslint-disable-next-line no-sparse-arrays
    client.registerProvider(scripted('lab', () => [labRecord('One'), , labRecord('Two')]))
    const result = await client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    expect(result.sources[1]).toMatchObject({ id: 'lab', status: 'ok', recordCount: 2 })
  })

  it('a huge sparse list fails (or is cut) within totalTimeoutMs instead of blocking the event loop', async () => {
    const client = ctx.client({ totalTimeoutMs: 200 })
    await client.getModelReference('image_generation')
    const huge = new Array(2 ** 26)
    huge[0] = labRecord('Only')
    client.registerProvider(scripted('lab', () => huge))
    const started = performance.now()
    await client.getModelReferenceResult('image_generation', { source: 'any' })
    expect(performance.now() - started).toBeLessThan(400)
  })

  it('many broken records next to one good one are issues, not a RangeError that loses the canonical data too', async () => {
    const client = ctx.client()
    const answer: Record<string, unknown> = { Good: labRecord('Good') }
    for (let i = 0; i < 200_000; i++) answer[`bad ${i}`] = null
    client.registerProvider(scripted('lab', () => answer))
    const result = await client.getModelReferenceResult('image_generation', { source: 'any' })
    expect(result.sources.map((s) => s.status)).toEqual(['ok', 'ok'])
    expect(Object.keys(result.models)).toHaveLength(162)
  })
})

describe('provider ids', () => {
  it('a provider cannot take the id of a canonical source (its counters and events would be the primary’s)', async () => {
    const client = ctx.client()
    expect(() => client.registerProvider(createStaticProvider('primary', { image_generation: { 'Lab Model': labRecord('Lab Model') as never } }))).toThrow()
  })
})

describe('what the registry keeps of a provider', () => {
  it('a provider object changed after registration cannot hand its cached copy to another provider', async () => {
    const client = ctx.client()
    const first = { id: 'lab', categories: ['image_generation'], load: async () => ({ 'First Model': labRecord('First Model') }) }
    client.registerProvider(first)
    // The registry reads `id` live: the copy the next read makes is filed under "other".
    first.id = 'other'
    expect(Object.keys(await client.getModelReference('image_generation', { source: 'lab' }))).toEqual(['First Model'])
    client.registerProvider({ id: 'other', categories: ['image_generation'], load: async () => ({ 'Other Model': labRecord('Other Model') }) })
    expect(Object.keys(await client.getModelReference('image_generation', { source: 'other' }))).toEqual(['Other Model'])
  })

  it('a provider whose fields throw when read is refused with a ProviderRegistrationError', () => {
    const client = ctx.client()
    const hostile = {
      get id(): string {
        throw new Error('no id for you')
      },
      categories: [],
      load: async () => ({}),
    }
    const error = (() => {
      try {
        client.registerProvider(hostile)
      } catch (e) {
        return e
      }
    })()
    expect(error).toMatchObject({ code: 'PROVIDER_REGISTRATION' })
  })
})

describe('stored copies of a provider', () => {
  it('a write still in flight when the provider is unregistered does not bring its copy back for the next provider of that id', async () => {
    const memory = createMemoryStorage()
    const slowSet: StorageAdapter = { ...memory, get: (key) => memory.get(key), delete: (key) => memory.delete(key), set: async (key, value, options) => (await sleep(100), memory.set(key, value, options)) }
    const client = ctx.client({ storage: slowSet })
    client.registerProvider(scripted('lab', () => ({ 'Old Model': labRecord('Old Model') })))
    await client.getModelReference('image_generation', { source: 'lab' })
    client.unregisterProvider('lab')
    await sleep(200)
    const next = scripted('lab', () => ({ 'New Model': labRecord('New Model') }))
    client.registerProvider(next)
    const result = await client.getModelReferenceResult('image_generation', { source: 'lab' })
    expect(Object.keys(result.models)).toEqual(['New Model'])
  })
})

describe('finding a model by its key', () => {
  it('getModel finds a provider’s record by its original key, as it does a canonical one', async () => {
    const client = ctx.client()
    client.registerProvider(scripted('lab', () => ({ 'lab-key': labRecord('Lab Model') })))
    const byName = await client.getModel('image_generation', 'Lab Model', { source: 'lab' })
    const byKey = await client.getModel('image_generation', 'lab-key', { source: 'lab' }).catch((e: unknown) => e)
    expect(isModelNotFoundError(byKey)).toBe(false)
    expect(byKey).toBe(byName)
  })
})

describe('failures of providers are typed', () => {
  it('a read of a provider that fails rejects with a typed error, so getModelReferenceOrNull gives null', async () => {
    const client = ctx.client()
    client.registerProvider(scripted('lab', () => Promise.reject(new Error('lab is down'))))
    const error = await client.getModelReference('image_generation', { source: 'lab' }).catch((e: unknown) => e)
    expect(isHordeModelReferenceError(error)).toBe(true)
    expect(await client.getModelReferenceOrNull('image_generation', { source: 'lab' })).toBeNull()
  })
})

describe('headers a provider sends', () => {
  it('a header value that fetch refuses does not put the secret into the error (headers "appear in no error or event")', async () => {
    const client = ctx.client()
    const secret = 'hunter2-s3cret'
    // A line break inside a value (at either end it would be trimmed away).
    client.registerProvider({
      id: 'lab',
      categories: ['image_generation'],
      load: async (_category, { getJson }) => (await getJson(`${ctx.server.primaryUrl}/model_references/v2/image_generation`, { headers: { 'x-api-key': `${secret}\n${secret}` } })) as Record<string, unknown>,
    })
    const result = await client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    expect(result.sources[1]!.status).toBe('error')
    expect(result.sources[1]!.error!.message).not.toContain(secret)
    expect(JSON.stringify(ctx.events, (_key, value: unknown) => (value instanceof Error ? value.message : value))).not.toContain(secret)
  })
})

describe("a provider's getJson options", () => {
  it('a misspelt key (header for headers) fails the provider with a TypeError naming it, so no request goes out without its header', async () => {
    const client = ctx.client()
    client.registerProvider({
      id: 'lab',
      categories: ['image_generation'],
      load: async (_category, { getJson }) => (await getJson(`${ctx.server.primaryUrl}/model_references/v2/image_generation`, { header: { apikey: 'k' } } as never)) as Record<string, unknown>,
    })
    const result = await client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    expect(result.sources[1]!.status).toBe('error')
    expect(result.sources[1]!.error!.message).toContain('Unknown option "header" for getJson: did you mean "headers"?')
  })
})

describe('the categories a server lists', () => {
  it("under prefetchStrategy 'none' a read of a name the SDK does not know asks nobody", async () => {
    const client = ctx.client({ prefetchStrategy: 'none' })
    // @ts-expect-error a literal that is no category is a compile error; the run-time check is tested here
    await client.getModelReference('made_up_category').catch(() => undefined)
    expect(ctx.server.requests).toEqual([])
  })

  it('a list of names none of which can be a category is not an empty list of categories', async () => {
    ctx.server.fault('/model_categories', { kind: 'body', body: '["Not A Name", "../etc"]' })
    const categories = await ctx.client().getModelCategories()
    expect(categories.length).toBeGreaterThan(0)
  })
})

describe('counters', () => {
  it('bytes are the body’s bytes, not its UTF-16 length', async () => {
    const body = JSON.stringify({ 'Ünïcödé Model €': labRecord('Ünïcödé Model €') })
    ctx.server.fault('/lab.json', { kind: 'body', body })
    const client = ctx.client()
    client.registerProvider({ id: 'lab', categories: ['image_generation'], load: async (_c, { getJson }) => (await getJson(`${ctx.server.origin}/lab.json`)) as Record<string, unknown> })
    await client.getModelReference('image_generation', { source: 'lab' })
    expect(client.getCounters().lab!.bytes).toBe(Buffer.byteLength(body))
  })
})

// Compiles a snippet against the sources and returns the 1-based lines with type errors.
function typeErrorLines(snippet: string): number[] {
  const file = fileURLToPath(new URL('./__review_type_probe__.ts', import.meta.url))
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, noEmit: true, skipLibCheck: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] }
  const host = ts.createCompilerHost(options)
  const { getSourceFile, fileExists, readFile } = host
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, snippet, language) : getSourceFile.call(host, name, language, ...rest))
  host.fileExists = (name) => name === file || fileExists.call(host, name)
  host.readFile = (name) => (name === file ? snippet : readFile.call(host, name))
  const program = ts.createProgram([file], options, host)
  const source = program.getSourceFile(file)!
  return ts.getPreEmitDiagnostics(program, source).map((d) => source.getLineAndCharacterOfPosition(d.start!).line + 1)
}

describe('types', () => {
  it('a typo in the categories of createPendingProvider or the keys of staticProviderFromRaw fails to compile', () => {
    const lines = typeErrorLines(
      [
        "import { createPendingProvider, staticProviderFromRaw } from '../src/providers/index.js'",
        "createPendingProvider({ apiKey: 'k', categories: ['image_generaton'] })",
        "staticProviderFromRaw('raw', { image_generaton: { X: { baseline: 'flux_1' } } })",
      ].join('\n'),
    )
    expect(lines).toContain(2)
    expect(lines).toContain(3)
  }, 60_000)

  it('typos that already fail to compile: createStaticProvider keys, whereClassification keys', () => {
    const lines = typeErrorLines(
      [
        "import { createStaticProvider } from '../src/providers/index.js'",
        "import { query } from '../src/query/index.js'",
        "import { createModelReferenceClient } from '../src/index.js'",
        "createStaticProvider('lab', { image_generaton: {} })",
        "query(createModelReferenceClient(), 'image_generation').whereClassification({ domian: 'image' })",
        "query(createModelReferenceClient(), 'image_generation').whereClassification({ domain: 'image' })",
      ].join('\n'),
    )
    expect(lines).toEqual([4, 5])
  }, 60_000)
})

// ---------------------------------------------------------------------------------------------
// Rules mutation testing found unguarded: each test below passes today and kills a mutant.

/** A provider that never answers until its signal aborts, recording that. */
function hanging(id: string): ModelReferenceProvider & { aborted: unknown[]; started: number } {
  const provider = {
    id,
    categories: ['image_generation'],
    aborted: [] as unknown[],
    started: 0,
    load: (_category: string, { signal }: { signal: AbortSignal }) =>
      new Promise<never>((_, reject) => {
        provider.started++
        signal.addEventListener('abort', () => {
          provider.aborted.push(signal.reason)
          reject(signal.reason)
        })
      }),
  }
  return provider
}

describe('hostile providers that are handled well today (guards)', () => {
  it('a load that throws synchronously, or answers synchronously, is a failure of that provider, or its records', async () => {
    const client = ctx.client()
    client.registerProvider({ id: 'sync-throw', categories: ['image_generation'], load: () => { throw new Error('sync boom') } })
    client.registerProvider({ id: 'sync-value', categories: ['image_generation'], load: (() => ({ 'Sync Model': labRecord('Sync Model') })) as never })
    const result = await client.getModelReferenceResult('image_generation', { source: ['sync-throw', 'sync-value'] })
    expect(result.sources.map((s) => [s.id, s.status])).toEqual([
      ['sync-throw', 'error'],
      ['sync-value', 'ok'],
    ])
    expect(result.sources[0]!.error!.message).toBe('provider "sync-throw" failed: sync boom')
  })

  it('a Proxy answer is read through its traps; a Proxy record is one skipped record', async () => {
    const client = ctx.client()
    const answer = new Proxy({ Good: labRecord('Good'), Wrapped: new Proxy(labRecord('Wrapped'), {}) } as Record<string, unknown>, {})
    client.registerProvider(scripted('lab', () => answer))
    const result = await client.getModelReferenceResult('image_generation', { source: 'lab' })
    expect(Object.keys(result.models)).toEqual(['Good'])
    expect(result.issues).toEqual([expect.objectContaining({ key: 'Wrapped', severity: 'error' })])
  })

  it('an answer that lands after the provider was unregistered is dropped: not stored, not served to the next provider of that id', async () => {
    const memory = createMemoryStorage()
    const keys: string[] = []
    const spy: StorageAdapter = { ...memory, set: (key, value, options) => (keys.push(key), memory.set(key, value, options)) }
    const client = ctx.client({ storage: spy })
    let release!: () => void
    client.registerProvider(scripted('lab', () => new Promise((resolve) => (release = () => resolve({ 'Late Model': labRecord('Late Model') })))))
    const read = client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    await sleep(20)
    client.unregisterProvider('lab')
    release()
    expect((await read).sources[1]).toMatchObject({ id: 'lab', status: 'error' })
    await sleep(20)
    expect(keys.filter((key) => key.includes(':provider:'))).toEqual([])
    client.registerProvider(scripted('lab', () => ({ 'New Model': labRecord('New Model') })))
    expect(Object.keys(await client.getModelReference('image_generation', { source: 'lab' }))).toEqual(['New Model'])
  })

  it('a storage that throws synchronously on every call costs a provider read nothing but storage-error events', async () => {
    const boom = (): never => {
      throw new Error('storage boom')
    }
    const broken: StorageAdapter = { get: boom, set: boom, delete: boom, clear: boom }
    const client = ctx.client({ storage: broken })
    client.registerProvider(scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model') })))
    expect(Object.keys(await client.getModelReference('image_generation', { source: 'lab' }))).toEqual(['Lab Model'])
    expect(client.unregisterProvider('lab')).toBe(true)
    await sleep(10)
    expect(new Set(ctx.events.filter((e): e is Extract<ModelReferenceEvent, { type: 'storage-error' }> => e.type === 'storage-error').map((e) => e.operation))).toEqual(new Set(['get', 'set', 'delete']))
  })
})

describe('registration checks (mutation gaps)', () => {
  it('ttlSeconds 0 is accepted; Infinity and a numeric string are refused', () => {
    const client = ctx.client()
    expect(() => client.registerProvider({ ...createStaticProvider('zero', {}), ttlSeconds: 0 })).not.toThrow()
    expect(() => client.registerProvider({ ...createStaticProvider('inf', {}), ttlSeconds: Number.POSITIVE_INFINITY })).toThrow(/ttlSeconds/)
    expect(() => client.registerProvider({ ...createStaticProvider('text', {}), ttlSeconds: '60' as never })).toThrow(/ttlSeconds/)
  })

  it('createStaticProvider refuses records that are not an object', () => {
    expect(() => createStaticProvider('lab', null as never)).toThrow(TypeError)
    expect(() => createStaticProvider('lab', 42 as never)).toThrow(/records per category/)
  })

  it('createPendingProvider: a key with a line break is refused; id, TTL and a frozen copy of its categories', () => {
    expect(() => createPendingProvider({ apiKey: 'abc\ndef' })).toThrow(/apiKey/)
    const categories: ModelReferenceCategory[] = ['image_generation']
    const pending = createPendingProvider({ apiKey: 'k', categories })
    categories.push('text_generation')
    expect(pending.categories).toEqual(['image_generation'])
    expect(Object.isFrozen(pending.categories)).toBe(true)
    expect(pending.ttlSeconds).toBe(60)
    expect(createPendingProvider({ apiKey: 'k', id: 'beta', ttlSeconds: 5 })).toMatchObject({ id: 'beta', ttlSeconds: 5 })
  })
})

describe('selection (mutation gaps)', () => {
  it("source [] and ['horde'] are the canonical read itself, the very same result", async () => {
    const client = ctx.client()
    client.registerProvider(scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model') })))
    const canonical = await client.getModelReferenceResult('image_generation')
    expect(await client.getModelReferenceResult('image_generation', { source: [] })).toBe(canonical)
    expect(await client.getModelReferenceResult('image_generation', { source: ['horde'] })).toBe(canonical)
  })

  it('a source named twice is read once and is no collision with itself', async () => {
    const client = ctx.client()
    const lab = scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model') }))
    client.registerProvider(lab)
    const result = await client.getModelReferenceResult('image_generation', { source: ['lab', 'lab', 'any'] })
    expect(result.sources.map((s) => s.id)).toEqual(['lab', 'horde'])
    expect(result.collisions).toBeUndefined()
    expect(lab.loads).toBe(1)
  })

  it('recordSources is on every read of other sources than horde alone, absent on a canonical read', async () => {
    const client = ctx.client()
    client.registerProvider(scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model') })))
    client.registerProvider(scripted('empty', () => ({})))
    const one = await client.getModelReferenceResult('image_generation', { source: ['lab', 'empty'] })
    expect({ ...one.recordSources }).toEqual({ 'Lab Model': 'lab' })
    expect((await client.getModelReferenceResult('image_generation')).recordSources).toBeUndefined()
    const two = await client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    expect(two.recordSources?.['Lab Model']).toBe('lab')
  })

  it('the merged result: oldest fetchedAt, lastUpdated from the canonical part, frozen collision lists, a record named __proto__ kept', async () => {
    const client = ctx.client()
    await client.getModelReference('image_generation')
    ctx.server.setLastUpdated('image_generation', DEFAULT_LAST_UPDATED)
    const canonical = await client.refresh('image_generation')
    await sleep(5)
    client.registerProvider(scripted('lab', () => JSON.parse(`{"__proto__": ${JSON.stringify(labRecord('__proto__'))}, "AlbedoBase XL (SDXL)": ${JSON.stringify(albedo())}}`) as Record<string, unknown>))
    const result = await client.getModelReferenceResult('image_generation', { source: 'any' })
    expect(result.fetchedAt).toBe(canonical.fetchedAt)
    expect(result.sources[1]!.fetchedAt).toBeGreaterThan(canonical.fetchedAt)
    expect(result.lastUpdated).toBe(canonical.lastUpdated)
    expect(result.lastUpdated).toBeDefined()
    expect(Object.isFrozen(result.collisions!['AlbedoBase XL (SDXL)'])).toBe(true)
    expect(Object.prototype.hasOwnProperty.call(result.models, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(result.models)).toBeNull()
  })

  it('a read of providers none of which serves the category is empty, dated 0', async () => {
    const client = ctx.client()
    client.registerProvider(scripted('lab', () => ({}), ['text_generation']))
    const result = await client.getModelReferenceResult('image_generation', { source: 'lab' })
    expect(result).toMatchObject({ fetchedAt: 0, stale: false, sources: [{ id: 'lab', status: 'empty', recordCount: 0 }] })
  })

  it('a merged read with a stale part carries that part’s error at the top too', async () => {
    const client = ctx.client()
    let fail = false
    client.registerProvider({ ...scripted('lab', () => (fail ? Promise.reject(new Error('lab is down')) : { 'Lab Model': labRecord('Lab Model') })), ttlSeconds: 0 })
    await client.getModelReference('image_generation', { source: 'lab' })
    fail = true
    const result = await client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    expect(result.stale).toBe(true)
    expect(result.error?.message).toBe('provider "lab" failed: lab is down')
    // Within maxStaleSeconds even with the provider's own TTL.
    expect(result.models['Lab Model']).toBeDefined()
  })

  it('a merged read is not served from memory once a later part changed', async () => {
    const client = ctx.client()
    let version = 'one'
    client.registerProvider({ ...scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model', { version }) })), ttlSeconds: 0 })
    const first = await client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    expect(first.models['Lab Model']!.version).toBe('one')
    version = 'two'
    const second = await client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    expect(second.models['Lab Model']!.version).toBe('two')
  })
})

describe('provider loads (mutation gaps)', () => {
  it('refresh(category, { source }) loads the provider again although its copy is fresh', async () => {
    const client = ctx.client()
    const lab = scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model') }))
    client.registerProvider(lab)
    await client.getModelReference('image_generation', { source: 'lab' })
    const result = await client.refresh('image_generation', { source: 'lab' })
    expect(lab.loads).toBe(2)
    expect(result.sources).toEqual([expect.objectContaining({ id: 'lab', status: 'ok' })])
  })

  it('invalidate(category) makes the next read load the provider again', async () => {
    const client = ctx.client()
    const lab = { ...scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model') })), ttlSeconds: 3600 }
    let loads = 0
    client.registerProvider({ ...lab, load: async (c, context) => (loads++, lab.load(c, context)) })
    await client.getModelReference('image_generation', { source: 'lab' })
    await client.getModelReference('image_generation', { source: 'lab' })
    expect(loads).toBe(1)
    client.invalidate('image_generation')
    await client.getModelReference('image_generation', { source: 'lab' })
    expect(loads).toBe(2)
  })

  it('dispose() aborts a provider’s load in flight, and the read rejects', async () => {
    const client = ctx.client()
    const slow = hanging('slow')
    client.registerProvider(slow)
    const read = client.getModelReference('image_generation', { source: 'slow' }).catch((e: unknown) => e)
    await sleep(20)
    expect(slow.started).toBe(1)
    client.dispose()
    expect(((await read) as Error).name).toBe('AbortError')
    expect(slow.aborted).toHaveLength(1)
  })

  it('unregistering a provider aborts its load in flight', async () => {
    const client = ctx.client()
    const slow = hanging('slow')
    client.registerProvider(slow)
    const read = client.getModelReferenceResult('image_generation', { source: ['horde', 'slow'] })
    await sleep(20)
    client.unregisterProvider('slow')
    const result = await read
    expect(result.sources[1]).toMatchObject({ id: 'slow', status: 'error' })
    expect(slow.aborted).toHaveLength(1)
  })

  it('the caller’s abort reaches the provider’s signal and rejects the read, even when another part already answered', async () => {
    const client = ctx.client()
    const slow = hanging('slow')
    client.registerProvider(slow)
    client.registerProvider(scripted('quick', () => ({ 'Quick Model': labRecord('Quick Model') })))
    const controller = new AbortController()
    const read = client.getModelReference('image_generation', { source: ['quick', 'slow'], signal: controller.signal }).catch((e: unknown) => e)
    await sleep(20)
    controller.abort(new Error('caller left'))
    expect(((await read) as Error).message).toBe('caller left')
    expect(slow.aborted).toHaveLength(1)
  })

  it("under prefetchStrategy 'none' a provider is not loaded by a read", async () => {
    const client = ctx.client({ prefetchStrategy: 'none' })
    const lab = scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model') }))
    client.registerProvider(lab)
    const error = await client.getModelReference('image_generation', { source: 'lab' }).catch((e: unknown) => e)
    expect(isNotCachedError(error)).toBe(true)
    expect(lab.loads).toBe(0)
  })

  it('a provider’s broken records are reported in an issues event naming it; a list record’s issues are keyed by its name', async () => {
    const client = ctx.client()
    client.registerProvider(scripted('lab', () => [labRecord('Good'), { ...labRecord('Broken'), nsfw: 'sometimes' }]))
    const result = await client.getModelReferenceResult('image_generation', { source: 'lab' })
    expect(result.issues).toEqual([expect.objectContaining({ key: 'Broken', path: 'nsfw', severity: 'error' })])
    expect(ctx.events).toContainEqual(expect.objectContaining({ type: 'issues', source: 'lab', category: 'image_generation' }))
  })

  it('the provider’s deadline counts from the start of the read, storage included', async () => {
    const memory = createMemoryStorage()
    const slowGet: StorageAdapter = { ...memory, get: async (key) => (await sleep(250), memory.get(key)) }
    const client = ctx.client({ storage: slowGet, totalTimeoutMs: 300 })
    client.registerProvider(hanging('slow'))
    const started = performance.now()
    const result = await client.getModelReferenceResult('image_generation', { source: ['slow'] }).catch((e: unknown) => e)
    expect((result as Error).message).toMatch(/no answer within 300 ms/)
    expect(performance.now() - started).toBeLessThan(450)
  })

  it('a provider read leaves no timer behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const client = ctx.client()
      client.registerProvider(scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model') })))
      const read = client.getModelReference('image_generation', { source: 'lab' })
      for (let i = 0; i < 50; i++) await Promise.resolve()
      await read
      for (let i = 0; i < 50; i++) await Promise.resolve()
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('a load that ignores its signal leaves no timer behind once its reader aborted', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const client = ctx.client()
      client.registerProvider({ id: 'deaf', categories: ['image_generation'], load: () => new Promise<never>(() => {}) })
      const controller = new AbortController()
      const read = client.getModelReference('image_generation', { source: 'deaf', signal: controller.signal }).catch((e: unknown) => e)
      for (let i = 0; i < 50; i++) await Promise.resolve()
      controller.abort()
      expect(((await read) as Error).name).toBe('AbortError')
      for (let i = 0; i < 50; i++) await Promise.resolve()
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('a copy stored under a provider’s key by another source is not taken as the provider’s', async () => {
    const storage = createMemoryStorage()
    const canonical = ctx.client({ storage })
    await canonical.getModelReference('image_generation')
    await sleep(10)
    const stored = await storage.get('horde-model-reference:image_generation')
    expect(stored).toBeDefined()
    await storage.set('horde-model-reference:image_generation:provider:lab', stored, { retentionSeconds: 600, metadata: { format: 2, category: 'image_generation', source: 'primary', fetchedAt: Date.now() } })
    const client = ctx.client({ storage })
    const lab = scripted('lab', () => ({ 'Lab Model': labRecord('Lab Model') }))
    client.registerProvider(lab)
    expect(Object.keys(await client.getModelReference('image_generation', { source: 'lab' }))).toEqual(['Lab Model'])
    expect(lab.loads).toBe(1)
  })

  it('a provider whose id is __proto__ or constructor is a plain key everywhere', async () => {
    const client = ctx.client()
    client.registerProvider(scripted('__proto__', () => ({ 'Proto Model': labRecord('Proto Model') })))
    client.registerProvider(scripted('constructor', () => Promise.reject(new Error('down'))))
    const q = query(client, 'image_generation', { source: ['__proto__', 'constructor'] })
    expect(Object.entries(await q.sourceStatus())).toEqual([
      ['__proto__', 'ok'],
      ['constructor', 'error'],
    ])
    expect(await q.failedSources()).toEqual(['constructor'])
    expect(Object.prototype.hasOwnProperty.call(client.getCounters(), '__proto__')).toBe(true)
    // Two reads (sourceStatus, failedSources), two failed loads.
    expect(client.getCounters().constructor).toMatchObject({ failures: 2 })
  })
})

describe('server metadata (mutation gaps)', () => {
  it('GitHub-only mode asks nobody for the categories and reports nothing', async () => {
    const client = ctx.client({ primaryUrl: null })
    await client.getModelCategories()
    expect(ctx.server.requests).toHaveLength(0)
    expect(ctx.events).toEqual([])
  })

  it.each([
    ['an empty list', '[]'],
    ['a list with a number', '["blip", 5]'],
    ['an object', '{"categories": []}'],
  ])('%s is not the server’s list: the built-in one, reported as an error event', async (_, body) => {
    ctx.server.fault('/model_categories', { kind: 'body', body })
    const categories = await ctx.client().getModelCategories()
    expect(categories).toEqual(MODEL_REFERENCE_CATEGORIES.filter((c) => c !== 'lora' && c !== 'ti'))
    expect(ctx.events.filter((e) => e.type === 'error')).toHaveLength(1)
  })

  it('the list is frozen, and names with other characters than a-z, 0-9 and _ are left out', async () => {
    ctx.server.fault('/model_categories', { kind: 'body', body: '["blip", "a/b", "c.d", "e-f", "g h"]' })
    const categories = await ctx.client().getModelCategories()
    expect(categories).toEqual(['blip'])
    expect(Object.isFrozen(categories)).toBe(true)
  })

  it('an aborted getModelCategories rejects with the abort and reports no error', async () => {
    ctx.server.fault('/model_categories', { kind: 'hang' })
    const controller = new AbortController()
    const read = ctx.client().getModelCategories({ signal: controller.signal }).catch((e: unknown) => e)
    await sleep(20)
    controller.abort(new Error('caller left'))
    expect(((await read) as Error).message).toBe('caller left')
    await sleep(10)
    expect(ctx.events.filter((e) => e.type === 'error')).toEqual([])
  })

  it('lastUpdated accepts a value up to a minute ahead (clock skew)', async () => {
    const ahead = Math.floor(Date.now() / 1000) + 30
    ctx.server.setLastUpdated('blip', ahead)
    expect(await ctx.client().lastUpdated('blip')).toBe(ahead)
  })

  it('getMetadata with a negative or fractional count is not metadata', async () => {
    ctx.server.fault('/v2/metadata/blip', { kind: 'body', body: JSON.stringify({ category: 'blip', last_updated: 1, total_models: -1 }) }, 1)
    expect(await ctx.client().getMetadata('blip')).toBeNull()
    ctx.server.fault('/v2/metadata/blip', { kind: 'body', body: JSON.stringify({ category: 'blip', last_updated: 1, total_models: 1.5 }) }, 1)
    expect(await ctx.client().getMetadata('blip')).toBeNull()
  })

  it('an aborted getMetadata rejects with the abort, not null', async () => {
    ctx.server.fault('/v2/metadata/blip', { kind: 'hang' })
    const controller = new AbortController()
    const read = ctx.client().getMetadata('blip', { signal: controller.signal }).catch((e: unknown) => e)
    await sleep(20)
    controller.abort(new Error('caller left'))
    expect(((await read) as Error).message).toBe('caller left')
  })
})

describe('counters (mutation gaps)', () => {
  it('a provider’s failures are counted, and a snapshot is frozen and does not move', async () => {
    const client = ctx.client()
    client.registerProvider(scripted('lab', () => Promise.reject(new Error('down'))))
    await client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    const snapshot = client.getCounters()
    expect(snapshot.lab).toMatchObject({ failures: 1 })
    expect(Object.isFrozen(snapshot)).toBe(true)
    expect(Object.isFrozen(snapshot.lab)).toBe(true)
    await client.getModelReferenceResult('image_generation', { source: ['horde', 'lab'] })
    expect(snapshot.lab!.failures).toBe(1)
    expect(client.getCounters().lab!.failures).toBe(2)
  })
})

describe('queries (mutation gaps)', () => {
  const blip = validateRecords('blip', { One: { name: 'One' }, constructor: { name: 'constructor' } }).models as ModelMap<'blip'>

  it('whereClassification skips records with no model_classification instead of throwing', async () => {
    const records = { Plain: { name: 'Plain' }, Tagged: { name: 'Tagged', model_classification: { domain: 'image', purpose: 'miscellaneous' } } } as unknown as ModelMap<'blip'>
    expect((await createQuery('blip', () => records).whereClassification({ domain: 'image' }).toArray()).map((r) => r.name)).toEqual(['Tagged'])
  })

  it('duplicateNames lists every name several sources had', async () => {
    const q = createQuery('blip', () => ({ models: blip, sources: [{ id: 'a', status: 'ok', recordCount: 2 }, { id: 'b', status: 'ok', recordCount: 2 }], collisions: { One: ['a', 'b'], constructor: ['a', 'b'] } }))
    expect(await q.duplicateNames()).toEqual(['One', 'constructor'])
  })

  it('a plain recordSources table: a record named constructor takes the single source, not Object', async () => {
    const q = createQuery('blip', () => ({ models: blip, sources: [{ id: 'a', status: 'ok', recordCount: 2 }, { id: 'b', status: 'ok', recordCount: 1 }], recordSources: { One: 'b' } }))
    expect(await q.toArrayWithSource()).toEqual([
      { record: blip.One, source: 'b' },
      { record: blip.constructor, source: 'a' },
    ])
  })

  it('an empty sources list counts as horde', async () => {
    expect(await createQuery('blip', () => ({ models: blip, sources: [] })).sources()).toEqual(['horde'])
  })

  it('queryAll: plain maps are horde\'s, nothing read is empty', async () => {
    const reader = { getModelReferenceResult: async (category: string) => ({ models: category === 'blip' ? blip : Object.create(null) }) as never }
    expect(await queryAll(reader, { source: [] }).sources()).toEqual(['horde'])
    const none = { getModelReferenceResult: async () => ({ models: Object.create(null) }) as never }
    expect({ ...(await queryAll(none).sourceStatus()) }).toEqual({ horde: 'empty' })
  })
})

describe('raw and popular (mutation gaps)', () => {
  it('getRawModel of a body that is JSON null is null, not a TypeError', async () => {
    ctx.server.fault('/v2/video_generation', { kind: 'body', body: 'null' })
    expect(await getRawModel(ctx.client({ retries: 0 }), 'video_generation', 'Anything')).toBeNull()
  })

  it('a CSV row keeps only titled cells it has', async () => {
    ctx.server.primaryDown()
    ctx.server.fault('/models.csv', { kind: 'body', body: 'name,,parameters,description\nFoo,x,7\n', contentType: 'text/plain' })
    const row = await getRawModel(ctx.client({ retries: 0 }), 'text_generation', 'Foo')
    expect({ ...(row!.data as Record<string, string>) }).toEqual({ name: 'Foo', parameters: '7' })
  })

  it('includeWorkers: false never asks /v2/workers', async () => {
    ctx.server.setHordeApi({ status: { image: [{ name: 'AlbedoBase XL (SDXL)', count: 1 }] }, workers: { image: [] } })
    const client = ctx.client({ hordeApiUrl: ctx.server.hordeApiUrl })
    const popular = await getPopularModels(client, 'image_generation', { includeWorkers: false })
    expect(popular.map((m) => m.name)).toEqual(['AlbedoBase XL (SDXL)'])
    expect(ctx.server.requests.filter((r) => r.source === 'horde-api').map((r) => r.path)).toEqual(['/horde/api/v2/status/models'])
  })
})
