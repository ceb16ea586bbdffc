import { describe, expect, it } from 'vitest'
import { isNotCachedError, isSourcesUnavailableError } from '../src/index.js'
import { getModelAvailability, joinAvailability, pickAvailableModel, type ModelAvailability } from '../src/availability.js'
import { getPopularModels } from '../src/popular.js'
import { validateRecords } from '../src/convert/index.js'
import { fixtureJson } from '../../../e2e/fixtures.js'
import { useFakeClock } from './helpers/clock.js'
import { useReferenceServer } from './helpers/setup.js'

// What the reference server's AI Horde imitation answers here: written by hand from the API's
// documented shape of /v2/status/models ([{ name, count, jobs, performance, queued, eta, type }]),
// not captured from the live service.
const STATUS = {
  image: [
    { name: 'AlbedoBase XL (SDXL)', count: 14, jobs: 3, performance: 1.8, queued: 600000, eta: 12, type: 'image' },
    { name: 'Deliberate', count: 9, jobs: 0, performance: 2.5, queued: 0, eta: 0, type: 'image' },
    // Listed with no worker right now.
    { name: 'Dreamshaper', count: 0, jobs: 1, performance: 0, queued: 5000, eta: 100, type: 'image' },
    // Served by workers, missing from the reference.
    { name: 'Brand New Model', count: 2, jobs: 0, performance: 1, queued: 0, eta: 0, type: 'image' },
    { name: '__proto__', count: 1, jobs: 0, performance: 1, queued: 0, eta: 0, type: 'image' },
    { name: 42, count: 'not an entry' },
  ],
  text: [
    { name: 'aphrodite/ReadyArt/Broken-Tutu-24B', count: 2, jobs: 1, performance: 10, queued: 300, eta: 5, type: 'text' },
    { name: 'koboldcpp/Broken-Tutu-24B', count: 3, jobs: 2, performance: 12, queued: 100, eta: 9, type: 'text' },
    { name: 'koboldcpp/Not-In-The-Reference-7B', count: 1, jobs: 0, performance: 30, queued: 0, eta: 0, type: 'text' },
  ],
}

const ctx = useReferenceServer()
const { advance } = useFakeClock()
const client = (extra = {}) => ctx.client({ hordeApiUrl: ctx.server.hordeApiUrl, retries: 0, ...extra })
const statusRequests = () => ctx.server.requests.filter((r) => r.path === '/horde/api/v2/status/models').length
const images = Object.keys(fixtureJson('derived-v2/stable_diffusion.json') as object)

describe('getModelAvailability', () => {
  it('every model of the reference, in its order, with its live numbers: zeros when nobody serves it', async () => {
    ctx.server.setHordeApi({ status: STATUS })
    const { models, byName, availableCount, category, stale } = await getModelAvailability(client(), 'image_generation')
    expect(category).toBe('image_generation')
    expect(stale).toBe(false)
    expect(models.map((m) => m.name)).toEqual(images)
    expect(byName['AlbedoBase XL (SDXL)']).toMatchObject({ workerCount: 14, jobs: 3, queued: 600000, performance: 1.8, eta: 12, served: true, available: true, servedAs: ['AlbedoBase XL (SDXL)'] })
    // Listed by the Horde with no worker: served, not available.
    expect(byName.Dreamshaper).toMatchObject({ workerCount: 0, queued: 5000, served: true, available: false })
    const idle = models.find((m) => !m.served)!
    expect(idle).toMatchObject({ workerCount: 0, jobs: 0, queued: 0, performance: 0, eta: 0, available: false, servedAs: [] })
    expect(byName[idle.name]!.record.name).toBe(idle.name)
    expect(availableCount).toBe(2)
    expect(Object.getPrototypeOf(byName)).toBeNull()
    expect(Object.isFrozen(models[0])).toBe(true)
  })

  it('lists what the Horde serves that the reference does not have, apart, most workers first', async () => {
    ctx.server.setHordeApi({ status: STATUS })
    const { unlisted, byName } = await getModelAvailability(client(), 'image_generation')
    expect(unlisted.map((m) => [m.name, m.workerCount])).toEqual([
      ['Brand New Model', 2],
      ['__proto__', 1],
    ])
    expect(Object.prototype.hasOwnProperty.call(byName, '__proto__')).toBe(false)
    expect(({} as Record<string, unknown>).workerCount).toBeUndefined()
  })

  it("a text model's backend variants count as the model; unlisted text names stay as the Horde names them", async () => {
    ctx.server.setHordeApi({ status: STATUS })
    const { byName, unlisted } = await getModelAvailability(client(), 'text_generation')
    expect(byName['ReadyArt/Broken-Tutu-24B']).toMatchObject({ workerCount: 5, jobs: 3, queued: 400, performance: 12, eta: 9, servedAs: ['aphrodite/ReadyArt/Broken-Tutu-24B', 'koboldcpp/Broken-Tutu-24B'] })
    expect(unlisted.map((m) => m.name)).toEqual(['koboldcpp/Not-In-The-Reference-7B'])
  })

  it('cached with a TTL of its own (hordeApiTtlSeconds): one request for concurrent readers, again once stale, the reference untouched', async () => {
    ctx.server.setHordeApi({ status: STATUS })
    const c = client({ ttlSeconds: 3600, hordeApiTtlSeconds: 10 })
    const [a, b] = await Promise.all([getModelAvailability(c, 'image_generation'), getModelAvailability(c, 'image_generation')])
    expect(a).toBe(b)
    expect(statusRequests()).toBe(1)
    // Nothing changed: the same object.
    expect(await getModelAvailability(c, 'image_generation')).toBe(a)
    advance(11)
    const later = await getModelAvailability(c, 'image_generation')
    expect(statusRequests()).toBe(2)
    expect(later).not.toBe(a)
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('stale-if-error: the last good numbers, marked stale, with the reason; nothing cached is a SourcesUnavailableError', async () => {
    ctx.server.setHordeApi({ status: STATUS })
    const c = client({ hordeApiTtlSeconds: 10 })
    const fresh = await getModelAvailability(c, 'image_generation')
    advance(11)
    ctx.server.fault((path) => path.startsWith('/horde/'), { kind: 'status', status: 503 })
    const stale = await getModelAvailability(c, 'image_generation')
    expect(stale.stale).toBe(true)
    expect(stale.error?.message).toMatch(/503/)
    expect(stale.byName['AlbedoBase XL (SDXL)']!.workerCount).toBe(14)
    expect(stale.fetchedAt).toBe(fresh.fetchedAt)
    const error = await getModelAvailability(client(), 'image_generation').catch((e: unknown) => e)
    expect(isSourcesUnavailableError(error)).toBe(true)
  })

  it("a malformed answer is a failure, never silent zeros; under prefetchStrategy 'none' nothing is asked", async () => {
    ctx.server.setHordeApi({ status: { image: { not: 'a list' } } })
    expect(isSourcesUnavailableError(await getModelAvailability(client(), 'image_generation').catch((e: unknown) => e))).toBe(true)
    ctx.server.requests.length = 0
    expect(isNotCachedError(await getModelAvailability(client({ prefetchStrategy: 'none' }), 'image_generation').catch((e: unknown) => e))).toBe(true)
    expect(ctx.server.requests).toEqual([])
  })

  it('only image and text: another category is a TypeError; a wrong category is an UnknownCategoryError', async () => {
    await expect(getModelAvailability(client(), 'controlnet' as never)).rejects.toThrow(TypeError)
    await expect(getModelAvailability(client(), 'nope' as never)).rejects.toThrow(/Unknown model reference category/)
  })

  it('getPopularModels is built on the same join: served models only, ranked', async () => {
    ctx.server.setHordeApi({ status: STATUS })
    const popular = await getPopularModels(client(), 'image_generation')
    expect(popular.map((m) => [m.name, m.workerCount])).toEqual([
      ['AlbedoBase XL (SDXL)', 14],
      ['Deliberate', 9],
      ['Dreamshaper', 0],
    ])
  })
})

describe('joinAvailability and pickAvailableModel', () => {
  const models = validateRecords('image_generation', fixtureJson('derived-v2/stable_diffusion.json') as Record<string, unknown>).models as never
  const joined = joinAvailability(models, [
    { name: 'AlbedoBase XL (SDXL)', count: 3, jobs: 0, performance: 1, queued: 0, eta: 0 },
    { name: 'Deliberate', count: 1, jobs: 0, performance: 1, queued: 0, eta: 0 },
    { name: 'Dreamshaper', count: 0, jobs: 0, performance: 0, queued: 0, eta: 0 },
  ])

  it('picks among available models only, uniformly, or by workers; filtered; none is undefined', () => {
    const names = (random: number, options = {}) => pickAvailableModel(joined, { random: () => random, ...options })?.name
    // In the reference's order, Deliberate comes before AlbedoBase XL.
    expect(names(0)).toBe('Deliberate')
    expect(names(0.99)).toBe('AlbedoBase XL (SDXL)')
    // By workers: 1 of 4 weight on Deliberate, 3 on AlbedoBase.
    expect(names(0.2, { byWorkers: true })).toBe('Deliberate')
    expect(names(0.3, { byWorkers: true })).toBe('AlbedoBase XL (SDXL)')
    expect(names(0, { filter: (m: ModelAvailability) => m.name !== 'Deliberate' })).toBe('AlbedoBase XL (SDXL)')
    expect(names(0, { filter: () => false })).toBeUndefined()
    // A random source out of range is clamped.
    expect(names(1)).toBe('AlbedoBase XL (SDXL)')
    expect(names(-5)).toBe('Deliberate')
    const counts = new Map<string, number>()
    for (let i = 0; i < 2000; i++) {
      const name = pickAvailableModel(joined)!.name
      counts.set(name, (counts.get(name) ?? 0) + 1)
    }
    expect([...counts.keys()].sort()).toEqual(['AlbedoBase XL (SDXL)', 'Deliberate'])
  })
})
