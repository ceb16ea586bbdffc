import { afterEach, describe, expect, it } from 'vitest'
import {
  checkOptions,
  createMemoryStorage,
  createModelReferenceClient,
  ModelReferenceManager,
  registerImageBaseline,
  type KnownOptions,
} from '../src/index.js'
import { DEFAULT_OPTIONS, type ModelReferenceOptions, type NormalizedOptions } from '../src/options.js'
import { READ_OPTION_NAMES } from '../src/cache/result.js'
import { getModelAvailability, pickAvailableModel } from '../src/availability.js'
import { createCategoryObserver } from '../src/observer.js'
import { getPopularModels } from '../src/popular.js'
import { createPendingProvider } from '../src/providers/index.js'
import { buildSearchIndex, query, queryAll, searchIndex, suggestNames } from '../src/query/index.js'
import { getLegacyModelReference } from '../src/legacy.js'
import { getRawModel, getRawModelReference } from '../src/raw.js'

// Options with every known key set to `undefined`: "use the default" for each.
const allUndefined = (known: object): Record<string, undefined> => Object.fromEntries(Object.keys(known).map((key) => [key, undefined]))
// Each call passes an options object the type would refuse (`as never`): the run-time check is what is tested.

const CLIENT_OPTIONS = 'primaryUrl, githubUrl, githubOwner, githubBranch, hordeApiUrl, githubFallback, ttlSeconds, maxStaleSeconds, hordeApiTtlSeconds, timeoutMs, totalTimeoutMs, fallbackAfterMs, sourceCooldownSeconds, storageTimeoutMs, maxBodyBytes, retries, prefetchStrategy, storage, initialData, strict, fetch, clientAgent, onEvent, staleWhileRevalidate, waitUntil, conditionalRequests, broadcastChannel, locks'

describe('checkOptions', () => {
  it('names the unknown key, the closest known option (case and typos aside) and every known option', () => {
    const known = { primaryUrl: 1, githubUrl: 1, timeoutMs: 1 } satisfies KnownOptions<{ primaryUrl?: string; githubUrl?: string; timeoutMs?: number }>
    expect(() => checkOptions('f', { primaryURL: 'x' }, known)).toThrow(new TypeError('Unknown option "primaryURL" for f: did you mean "primaryUrl"? Known options: primaryUrl, githubUrl, timeoutMs.'))
    expect(() => checkOptions('f', { timeotMs: 1 }, known)).toThrow('did you mean "timeoutMs"?')
    expect(() => checkOptions('f', { githubUlr: 1 }, known)).toThrow('did you mean "githubUrl"?')
    // Nothing close: no guess.
    expect(() => checkOptions('f', { colour: 'red' }, known)).toThrow(new TypeError('Unknown option "colour" for f. Known options: primaryUrl, githubUrl, timeoutMs.'))
    // A key that needs quoting is shown as JSON.
    expect(() => checkOptions('f', { 'a"b': 1 }, known)).toThrow('Unknown option "a\\"b" for f.')
  })

  it('accepts undefined, an empty object, known keys set to undefined, and ignores inherited and symbol keys', () => {
    const known = { a: 1 }
    expect(() => checkOptions('f', undefined, known)).not.toThrow()
    expect(() => checkOptions('f', {}, known)).not.toThrow()
    expect(() => checkOptions('f', { a: undefined }, known)).not.toThrow()
    expect(() => checkOptions('f', Object.create({ inherited: 1 }), known)).not.toThrow()
    expect(() => checkOptions('f', { [Symbol('s')]: 1 }, known)).not.toThrow()
    // A key of Object.prototype's is not known because an object has it.
    expect(() => checkOptions('f', { toString: 1 }, known)).toThrow('Unknown option "toString" for f.')
  })

  it('suggests a name the key starts or is part of, the same name in another spelling, and nothing for a key mostly replaced', () => {
    const known = { ttlSeconds: 1, keyPrefix: 1, id: 1, prefetchStrategy: 1, stdout: 1, stderr: 1, env: 1 }
    expect(() => checkOptions('f', { ttl: 1 }, known)).toThrow('did you mean "ttlSeconds"?')
    expect(() => checkOptions('f', { prefix: 1 }, known)).toThrow('did you mean "keyPrefix"?')
    expect(() => checkOptions('f', { prefetch: 1 }, known)).toThrow('did you mean "prefetchStrategy"?')
    expect(() => checkOptions('f', { err: 1 }, known)).toThrow('did you mean "stderr"?')
    expect(() => checkOptions('f', { ttl_seconds: 1 }, known)).toThrow('did you mean "ttlSeconds"?')
    expect(() => checkOptions('f', { TTLSECONDS: 1 }, known)).toThrow('did you mean "ttlSeconds"?')
    for (const key of ['x', 'ab', '_']) expect(() => checkOptions('f', { [key]: 1 }, known)).toThrow(`Unknown option "${key}" for f. Known options:`)
    // A huge key is cut in the message.
    const long = 'k'.repeat(100_000)
    let message = ''
    try {
      checkOptions('f', { [long]: 1 }, known)
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/^Unknown option "k{80}…" for f\. Known options: /)
    expect(message.length).toBeLessThan(300)
  })

  it('refuses null, arrays and values that are not objects, saying what it got', () => {
    expect(() => checkOptions('f', null, {})).toThrow(new TypeError('f takes an options object (or nothing), got null.'))
    expect(() => checkOptions('f', [], {})).toThrow(new TypeError('f takes an options object (or nothing), got an array.'))
    expect(() => checkOptions('f', 'fast', {})).toThrow(new TypeError('f takes an options object (or nothing), got string.'))
    expect(() => checkOptions('f', () => ({}), {})).toThrow(new TypeError('f takes an options object (or nothing), got function.'))
    expect(() => checkOptions('f', 3, {})).toThrow(TypeError)
  })
})

describe('options are own properties only', () => {
  afterEach(() => {
    for (const key of ['primaryUrl', 'fetch', 'ttlSeconds']) delete (Object.prototype as Record<string, unknown>)[key]
  })

  it('ignores an option inherited from a polluted Object.prototype or a prototype object', () => {
    const spy = (): never => {
      throw new Error('the polluted fetch was called')
    }
    Object.defineProperty(Object.prototype, 'primaryUrl', { value: 'https://evil.example/api', configurable: true, writable: true })
    Object.defineProperty(Object.prototype, 'fetch', { value: spy, configurable: true, writable: true })
    const client = createModelReferenceClient({ ttlSeconds: 5 })
    expect(client.options.primaryUrl).toBe(DEFAULT_OPTIONS.primaryUrl)
    expect(client.options.fetch).toBeUndefined()
    expect(createModelReferenceClient().options.primaryUrl).toBe(DEFAULT_OPTIONS.primaryUrl)
    expect(createModelReferenceClient(Object.create({ ttlSeconds: 3 }) as never).options.ttlSeconds).toBe(DEFAULT_OPTIONS.ttlSeconds)
    // JSON.parse makes "__proto__" an own key: an unknown option.
    expect(() => createModelReferenceClient(JSON.parse('{"__proto__": {"ttlSeconds": 1}}') as never)).toThrow('Unknown option "__proto__" for createModelReferenceClient.')
  })

  it('still reads own options of an object with no prototype', () => {
    expect(createModelReferenceClient(Object.assign(Object.create(null), { ttlSeconds: 7 }) as never).options.ttlSeconds).toBe(7)
  })
})

describe('unknown option keys at every entry point', () => {
  afterEach(() => {
    ModelReferenceManager.reset()
  })

  it('createModelReferenceClient and new ModelReferenceManager: the documented message', () => {
    expect(() => createModelReferenceClient(({ primaryURL: 'https://mirror.example/api' } as never))).toThrow(
      new TypeError(`Unknown option "primaryURL" for createModelReferenceClient: did you mean "primaryUrl"? Known options: ${CLIENT_OPTIONS}.`),
    )
    expect(Object.keys(createModelReferenceClient().options).join(', ')).toBe(CLIENT_OPTIONS)
    expect(() => new ModelReferenceManager(({ ttl: 5 } as never))).toThrow(/^Unknown option "ttl" for new ModelReferenceManager: did you mean "ttlSeconds"\? Known options: primaryUrl/)
    expect(() => new ModelReferenceManager(({ ttlSecond: 5 } as never))).toThrow('Unknown option "ttlSecond" for new ModelReferenceManager: did you mean "ttlSeconds"?')
    // Also once the manager exists.
    new ModelReferenceManager()
    expect(() => new ModelReferenceManager(({ stict: true } as never))).toThrow('Unknown option "stict" for new ModelReferenceManager: did you mean "strict"?')
    expect(() => createModelReferenceClient(null as never)).toThrow(new TypeError('createModelReferenceClient takes an options object (or nothing), got null.'))
    expect(() => new ModelReferenceManager(null as never)).toThrow(new TypeError('new ModelReferenceManager takes an options object (or nothing), got null.'))
  })

  it('the client methods', async () => {
    const client = createModelReferenceClient({ prefetchStrategy: 'none' })
    const read = /for a read: did you mean "signal"\? Known options: source, signal, waitUntil\.$/
    await expect(client.getModelReference('lora', ({ singal: undefined } as never))).rejects.toThrow(read)
    await expect(client.getModelReferenceResult('lora', ({ singal: undefined } as never))).rejects.toThrow(read)
    await expect(client.getModelReferenceOrNull('lora', ({ singal: undefined } as never))).rejects.toThrow(read)
    await expect(client.getModel('lora', 'x', ({ singal: undefined } as never))).rejects.toThrow(read)
    await expect(client.getModelOrNull('lora', 'x', ({ singal: undefined } as never))).rejects.toThrow(read)
    await expect(client.getModelNames('lora', ({ singal: undefined } as never))).rejects.toThrow(read)
    await expect(client.getAllModelReferences(({ singal: undefined } as never))).rejects.toThrow(read)
    await expect(client.getAllModelReferenceResults(({ sources: 'any' } as never))).rejects.toThrow('Unknown option "sources" for a read: did you mean "source"?')
    await expect(client.getModelReference('lora', null as never)).rejects.toThrow('a read takes an options object (or nothing), got null.')
    await expect(client.refresh('lora', ({ wait: undefined } as never))).rejects.toThrow('Unknown option "wait" for refresh: did you mean "waitUntil"?')
    await expect(client.refresh(undefined, ({ singal: undefined } as never))).rejects.toThrow('Unknown option "singal" for refresh: did you mean "signal"?')
    await expect(client.suggestModelNames('lora', 'x', ({ limt: 3 } as never))).rejects.toThrow('Unknown option "limt" for suggestModelNames: did you mean "limit"? Known options: source, signal, waitUntil, limit.')
    await expect(client.getModelCategories(({ source: 'any' } as never))).rejects.toThrow('Unknown option "source" for getModelCategories. Known options: signal, waitUntil.')
    await expect(client.lastUpdated('blip', ({ waitUntil: undefined } as never))).rejects.toThrow('Unknown option "waitUntil" for lastUpdated. Known options: signal.')
    await expect(client.getMetadata('blip', ({ sigal: undefined } as never))).rejects.toThrow('Unknown option "sigal" for getMetadata: did you mean "signal"?')
    expect(() => client.dehydrate(undefined, ({ lastresort: true } as never))).toThrow('Unknown option "lastresort" for dehydrate: did you mean "lastResort"?')
    expect(() => client.hydrate(client.dehydrate(), ({ last_resort: true } as never))).toThrow('Unknown option "last_resort" for hydrate: did you mean "lastResort"?')
    expect(() => client.registerProvider(createPendingProvider({ apiKey: 'k' }), ({ replaced: true } as never))).toThrow('Unknown option "replaced" for registerProvider: did you mean "replace"?')
    client.dispose()
  })

  it('the feature entry points: query, queryAll, search, popular, availability, raw, legacy, providers, observer, storage, vocabulary', async () => {
    const client = createModelReferenceClient({ prefetchStrategy: 'none' })
    expect(() => query(client, 'blip', ({ sources: 'any' } as never))).toThrow('Unknown option "sources" for query: did you mean "source"? Known options: source.')
    expect(() => queryAll(client, ({ sources: 'any' } as never))).toThrow('Unknown option "sources" for queryAll: did you mean "source"?')
    expect(() => searchIndex(buildSearchIndex([]), 'x', ({ limits: 1 } as never))).toThrow('Unknown option "limits" for searchIndex: did you mean "limit"?')
    expect(() => suggestNames([], 'x', ({ max: 1 } as never))).toThrow('Unknown option "max" for suggestNames. Known options: limit.')
    await expect(getPopularModels(client, 'image_generation', ({ sort: 'usage_day' } as never))).rejects.toThrow('Unknown option "sort" for getPopularModels: did you mean "sortBy"? Known options: source, signal, waitUntil, limit, sortBy, includeWorkers.')
    await expect(getModelAvailability(client, 'image_generation', ({ singal: undefined } as never))).rejects.toThrow('Unknown option "singal" for getModelAvailability: did you mean "signal"?')
    expect(() => pickAvailableModel({ models: [] }, ({ byWorker: true } as never))).toThrow('Unknown option "byWorker" for pickAvailableModel: did you mean "byWorkers"?')
    await expect(getRawModelReference(client, 'blip', ({ singal: undefined } as never))).rejects.toThrow('for getRawModelReference: did you mean "signal"?')
    await expect(getRawModel(client, 'blip', 'x', ({ singal: undefined } as never))).rejects.toThrow('for getRawModel: did you mean "signal"?')
    await expect(getLegacyModelReference(client, 'blip', ({ singal: undefined } as never))).rejects.toThrow('for getLegacyModelReference: did you mean "signal"?')
    expect(() => createPendingProvider(({ apikey: 'k' } as never))).toThrow('Unknown option "apikey" for createPendingProvider: did you mean "apiKey"?')
    expect(() => createPendingProvider(null as never)).toThrow('createPendingProvider takes an options object (or nothing), got null.')
    // No options at all: the apiKey it needs is missing.
    expect(() => createPendingProvider(undefined as never)).toThrow('createPendingProvider needs an apiKey')
    expect(() => createCategoryObserver(client, 'blip', ({ enable: false } as never))).toThrow('Unknown option "enable" for createCategoryObserver: did you mean "enabled"? Known options: enabled, select.')
    const observer = createCategoryObserver(client, 'blip')
    expect(() => observer.setOptions(({ selector: undefined } as never))).toThrow('Unknown option "selector" for setOptions: did you mean "select"?')
    expect(() => observer.getSnapshotFor(({ selct: undefined } as never))).toThrow('Unknown option "selct" for getSnapshotFor: did you mean "select"?')
    expect(() => observer.getServerSnapshot(undefined, ({ enabledd: true } as never))).toThrow('Unknown option "enabledd" for getServerSnapshot: did you mean "enabled"?')
    expect(() => createMemoryStorage(({ clock: Date.now } as never))).toThrow('Unknown option "clock" for createMemoryStorage. Known options: now.')
    expect(() => registerImageBaseline('test_baseline_options', ({ nativeResolutions: 1024 } as never))).toThrow('Unknown option "nativeResolutions" for registerImageBaseline: did you mean "nativeResolution"?')
    client.dispose()
  })
})

describe('undefined means the default, at every entry point', () => {
  afterEach(() => {
    ModelReferenceManager.reset()
  })

  it('client and manager: every option undefined gives the default options', () => {
    const options = allUndefined(createModelReferenceClient().options satisfies NormalizedOptions) as ModelReferenceOptions
    expect(Object.keys(options)).toEqual(expect.arrayContaining(Object.keys(DEFAULT_OPTIONS)))
    expect(Object.keys(options)).toHaveLength(28)
    expect(createModelReferenceClient(options).options).toEqual(createModelReferenceClient().options)
    const manager = new ModelReferenceManager(options)
    expect(manager.options).toEqual(createModelReferenceClient().options)
    // Undefined options are never a conflict with the singleton's.
    expect(new ModelReferenceManager({ ttlSeconds: undefined, primaryUrl: undefined })).toBe(manager)
  })

  it('reads, refresh, suggestions, hydrate and dehydrate', async () => {
    const client = createModelReferenceClient({ prefetchStrategy: 'none' })
    const read = allUndefined(READ_OPTION_NAMES)
    // `source: undefined` is the canonical data ('horde').
    const result = await client.getModelReferenceResult('lora', read)
    expect(result.sources.map(({ id }) => id)).toEqual(['horde'])
    expect(await client.refresh('ti', read)).toBe(await client.getModelReferenceResult('ti'))
    expect(await client.getModelNames('lora', read)).toEqual([])
    expect(await client.suggestModelNames('lora', 'x', { ...read, limit: undefined })).toEqual([])
    expect(await query(client, 'lora', { source: undefined }).count()).toBe(0)
    const snapshot = client.dehydrate(undefined, { lastResort: undefined })
    expect(snapshot.lastResort).toBeUndefined()
    expect(client.hydrate(snapshot, { lastResort: undefined })).toEqual({ installed: [], skipped: [] })
    client.dispose()
  })

  it('popular, availability picking, the pending provider, the observer, memory storage, search and a baseline', async () => {
    const client = createModelReferenceClient({ prefetchStrategy: 'none' })
    // sortBy undefined is 'worker_count' (an undefined that overwrote the default would be refused).
    expect(await getPopularModels(client, 'controlnet', { limit: undefined, sortBy: undefined, includeWorkers: undefined, signal: undefined })).toEqual([])
    expect(pickAvailableModel({ models: [] }, { filter: undefined, byWorkers: undefined, random: undefined })).toBeUndefined()
    const pending = createPendingProvider({ apiKey: 'k', id: undefined, categories: undefined, ttlSeconds: undefined })
    expect(pending).toMatchObject({ id: 'pending', ttlSeconds: 60 })
    expect(pending.categories).toHaveLength(15)
    const observer = createCategoryObserver(client, 'lora', { enabled: undefined, select: undefined })
    expect(observer.getSnapshot()).toMatchObject({ status: 'success', data: {} })
    const storage = createMemoryStorage({ now: undefined })
    await storage.set('k', 1, { retentionSeconds: 60, metadata: { format: 2, category: 'blip', source: 'primary', fetchedAt: 0 } })
    expect(await storage.get('k')).toBe(1)
    expect(searchIndex(buildSearchIndex([{ name: 'Alpha' }]), 'alpha', { limit: undefined })).toHaveLength(1)
    expect(suggestNames(['Alpha', 'Alpah', 'Beta'], 'alpha', { limit: undefined })).toEqual(['Alpha', 'Alpah'])
    const baseline = registerImageBaseline('test_baseline_undefined', { nativeResolution: undefined, alternativeNames: undefined })
    expect(baseline).toMatchObject({ nativeResolution: null, alternativeNames: [] })
    client.dispose()
  })
})
