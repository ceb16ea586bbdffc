import { afterEach, describe, expect, it } from 'vitest'
import {
  isNoInstanceError,
  isNotCachedError,
  isSingletonConflictError,
  ModelReferenceClient,
  ModelReferenceManager,
  NotCachedError,
  PrefetchStrategy,
  SingletonConflictError,
  SourcesUnavailableError,
  type ModelReferenceEvent,
} from '../src/index.js'
import { query } from '../src/query/index.js'
import { getLegacyModelReference } from '../src/legacy.js'
import { getPopularModels } from '../src/popular.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()
afterEach(() => ModelReferenceManager.reset())

function options(extra: ConstructorParameters<typeof ModelReferenceManager>[0] = {}) {
  return { primaryUrl: ctx.server.primaryUrl, githubUrl: ctx.server.githubUrl, ...extra }
}

describe('singleton', () => {
  it('returns the existing instance for equal options, and for omitted ones', () => {
    const a = new ModelReferenceManager(options({ prefetchStrategy: PrefetchStrategy.LAZY }))
    expect(new ModelReferenceManager(options({ prefetchStrategy: 'lazy' }))).toBe(a)
    expect(new ModelReferenceManager()).toBe(a)
    expect(ModelReferenceManager.getInstance()).toBe(a)
    expect(ModelReferenceManager.hasInstance()).toBe(true)
  })

  it('throws SingletonConflictError naming each differing option', () => {
    new ModelReferenceManager(options({ ttlSeconds: 60 }))
    const error = (() => {
      try {
        new ModelReferenceManager(options({ ttlSeconds: 5, prefetchStrategy: 'none', strict: false }))
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(SingletonConflictError)
    expect(isSingletonConflictError(error)).toBe(true)
    expect((error as SingletonConflictError).conflicts).toEqual([
      { option: 'ttlSeconds', existing: 60, requested: 5 },
      { option: 'prefetchStrategy', existing: 'lazy', requested: 'none' },
    ])
    expect((error as Error).message).toContain('ttlSeconds (existing 60, requested 5)')
  })

  it('compares URLs after normalisation and functions by identity', () => {
    const onEvent = (): void => {}
    new ModelReferenceManager(options({ onEvent }))
    expect(() => new ModelReferenceManager({ primaryUrl: `${ctx.server.primaryUrl}/`, onEvent })).not.toThrow()
    expect(() => new ModelReferenceManager({ onEvent: () => {} })).toThrow(/onEvent/)
  })

  it('getInstance() throws before creation; reset() drops the instance', () => {
    expect(ModelReferenceManager.hasInstance()).toBe(false)
    expect(() => ModelReferenceManager.getInstance()).toThrow(/has been created/)
    expect(isNoInstanceError((() => { try { ModelReferenceManager.getInstance() } catch (e) { return e } })())).toBe(true)
    const a = new ModelReferenceManager(options())
    ModelReferenceManager.reset()
    expect(new ModelReferenceManager(options({ ttlSeconds: 1 }))).not.toBe(a)
  })

  it('rejects invalid options with a clear message', () => {
    expect(() => new ModelReferenceManager({ ttlSeconds: -1 })).toThrow(/ttlSeconds/)
    expect(() => new ModelReferenceManager({ primaryUrl: 'models.aihorde.net' })).toThrow(/primaryUrl/)
    expect(() => new ModelReferenceManager({ prefetchStrategy: 'eager' as never })).toThrow(/lazy, sync, async, deferred, none/)
    expect(ModelReferenceManager.hasInstance()).toBe(false)
  })

  it('is a client: reads, and the feature entry points take it like any client', async () => {
    const manager = new ModelReferenceManager(options())
    const models = await manager.getModelReference('image_generation')
    expect(Object.keys(models)).toHaveLength(161)
    expect(manager.peek('image_generation').result?.models).toBe(models)
    expect(manager).toBeInstanceOf(ModelReferenceClient)
    expect(await query(manager, 'image_generation').forBaseline('SDXL').count()).toBe(Object.values(models).filter((m) => m.baseline === 'stable_diffusion_xl').length)
    const category: string = 'blip'
    expect(await query(manager, category).count()).toBe(2)
    expect((await getLegacyModelReference(manager, 'blip')).records.BLIP?.name).toBe('BLIP')
    expect(await getPopularModels(manager, 'blip')).toEqual([])
  })
})

describe('prefetch strategies', () => {
  it('LAZY fetches nothing at construction, then on first read', async () => {
    const manager = new ModelReferenceManager(options({ prefetchStrategy: 'lazy' }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(ctx.server.requests).toHaveLength(0)
    await manager.getModelReference('blip')
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('SYNC starts every category at once; ready resolves when all loaded; reads wait for it', async () => {
    const manager = new ModelReferenceManager(options({ prefetchStrategy: 'sync' }))
    const read = manager.getModelReference('text_generation')
    await manager.ready
    expect(ctx.server.count('primary')).toBe(13)
    expect(manager.peek('image_generation')).toBeDefined()
    expect(Object.keys(await read)).toHaveLength(719)
    expect(ctx.server.count('primary')).toBe(13)
  })

  it('SYNC: ready rejects if any category fails, with no unhandled rejection', async () => {
    ctx.server.fault('/v2/audio_generation', { kind: 'status', status: 500 })
    const manager = new ModelReferenceManager(options({ prefetchStrategy: 'sync', retries: 0 }))
    await expect(manager.ready).rejects.toBeInstanceOf(SourcesUnavailableError)
    // Reads still work for the categories that loaded.
    expect(Object.keys(await manager.getModelReference('blip'))).toHaveLength(2)
  })

  it('ASYNC warms in the background and never delays a read; errors go to onEvent', async () => {
    ctx.server.fault('/v2/video_generation', { kind: 'status', status: 500 })
    const events: ModelReferenceEvent[] = []
    const manager = new ModelReferenceManager(options({ prefetchStrategy: 'async', retries: 0, onEvent: (e) => events.push(e) }))
    expect(ctx.server.requests).toHaveLength(0)
    const models = await manager.getModelReference('blip')
    expect(Object.keys(models)).toHaveLength(2)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(ctx.server.count('primary')).toBe(13)
    expect(events.some((e) => e.type === 'error' && e.error instanceof SourcesUnavailableError)).toBe(true)
  })

  it('DEFERRED fetches nothing until run(); the handle can be awaited', async () => {
    const manager = new ModelReferenceManager(options({ prefetchStrategy: 'deferred' }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(ctx.server.requests).toHaveLength(0)
    expect(manager.deferredPrefetch).toBeDefined()
    await manager.deferredPrefetch
    expect(ctx.server.count('primary')).toBe(13)
    await manager.deferredPrefetch!.run()
    // Everything is fresh: a second run costs no request.
    expect(ctx.server.count('primary')).toBe(13)
  })

  it('NONE never fetches by itself; reads say to call refresh()', async () => {
    const manager = new ModelReferenceManager(options({ prefetchStrategy: 'none' }))
    const error = await manager.getModelReference('blip').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotCachedError)
    expect(isNotCachedError(error)).toBe(true)
    expect((error as Error).message).toContain('refresh("blip")')
    expect(await manager.getModelReferenceOrNull('blip')).toBeNull()
    expect(ctx.server.requests).toHaveLength(0)
    await manager.refresh('blip')
    expect(Object.keys(await manager.getModelReference('blip'))).toHaveLength(2)
    expect(ctx.server.count('primary')).toBe(1)
    expect(manager.deferredPrefetch).toBeUndefined()
  })
})
