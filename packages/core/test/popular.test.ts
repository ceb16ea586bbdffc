import { beforeEach, describe, expect, it } from 'vitest'
import { isSourcesUnavailableError } from '../src/index.js'
import { getPopularModels } from '../src/popular.js'
import { useFakeClock } from './helpers/clock.js'
import { useReferenceServer } from './helpers/setup.js'

// What the reference server's AI Horde imitation answers here. The responses are written by hand
// from the API's documented shapes (they are not captured from the live service):
//   GET /v2/status/models?type=image|text -> [{ name, count, jobs, performance, queued, eta, type }]
//   GET /v2/stats/img/models, /v2/stats/text/models -> { day: {name: n}, month: {...}, total: {...} }
const STATUS = {
  image: [
    { name: 'AlbedoBase XL (SDXL)', count: 14, jobs: 3, performance: 1.8, queued: 600000, eta: 12, type: 'image' },
    { name: 'Deliberate', count: 9, jobs: 0, performance: 2.5, queued: 0, eta: 0, type: 'image' },
    { name: 'Flux.1-Schnell fp8 (Compact)', count: 22, jobs: 7, performance: 0.9, queued: 2200000, eta: 40, type: 'image' },
    { name: 'A model the reference does not have', count: 99, jobs: 1, performance: 1, queued: 1, eta: 1, type: 'image' },
    { name: 42, count: 'broken entry' },
  ],
  text: [
    { name: 'aphrodite/ReadyArt/Broken-Tutu-24B', count: 2, jobs: 1, performance: 10, queued: 300, eta: 5, type: 'text' },
    { name: 'koboldcpp/Broken-Tutu-24B', count: 3, jobs: 2, performance: 12, queued: 100, eta: 9, type: 'text' },
    { name: 'koboldcpp/Marx-3B-V3', count: 1, jobs: 0, performance: 20, queued: 0, eta: 0, type: 'text' },
  ],
}
const STATS = {
  img: { day: { Deliberate: 500, 'AlbedoBase XL (SDXL)': 40 }, month: { Deliberate: 9000, 'AlbedoBase XL (SDXL)': 12000 }, total: { Deliberate: 1e6, 'AlbedoBase XL (SDXL)': 2e6 } },
  text: { day: { 'koboldcpp/Marx-3B-V3': 70, 'aphrodite/ReadyArt/Broken-Tutu-24B': 5 }, month: {}, total: {} },
}

const ctx = useReferenceServer()
const { advance } = useFakeClock()
// The reference server's AI Horde imitation, answering this file's bodies; a request's path as
// the AI Horde sees it (below its /api) with its query, and its Client-Agent.
const hordeRequests = (): { path: string; clientAgent: string | undefined }[] =>
  ctx.server.requests.filter((r) => r.source === 'horde-api').map((r) => ({ path: `${r.path.slice('/horde'.length)}${r.search}`, clientAgent: r.headers['client-agent'] as string | undefined }))
const hordeDown = (): void => ctx.server.fault((path) => path.startsWith('/horde/'), { kind: 'status', status: 503, body: 'down' })
beforeEach(() => ctx.server.setHordeApi({ status: STATUS, stats: STATS }))

const client = (extra = {}) => ctx.client({ hordeApiUrl: ctx.server.hordeApiUrl, retries: 0, ...extra })

describe('getPopularModels', () => {
  it('ranks image models by workers, joined with the reference (others left out)', async () => {
    const popular = await getPopularModels(client({ clientAgent: 'test:1:me' }), 'image_generation', { limit: 2 })
    expect(popular.map((m) => [m.name, m.workerCount])).toEqual([
      ['Flux.1-Schnell fp8 (Compact)', 22],
      ['AlbedoBase XL (SDXL)', 14],
    ])
    expect(popular[0]!.record.baseline).toBe('flux_1')
    expect(popular[0]).toMatchObject({ jobs: 7, queued: 2200000, eta: 40, usage: undefined })
    expect(hordeRequests()).toEqual([{ path: '/api/v2/status/models?type=image', clientAgent: 'test:1:me' }])
  })

  it('counts a text model’s backend variants as the model', async () => {
    const popular = await getPopularModels(client(), 'text_generation')
    expect(popular.map((m) => [m.name, m.workerCount, m.jobs, m.performance, m.eta])).toEqual([
      ['ReadyArt/Broken-Tutu-24B', 5, 3, 12, 9],
      ['acrastt/Marx-3B-V3', 1, 0, 20, 0],
    ])
  })

  it('sorts by usage from the stats endpoint', async () => {
    const byDay = await getPopularModels(client(), 'image_generation', { sortBy: 'usage_day' })
    expect(byDay.map((m) => m.name).slice(0, 2)).toEqual(['Deliberate', 'AlbedoBase XL (SDXL)'])
    expect(byDay[0]!.usage).toEqual({ day: 500, month: 9000, total: 1e6 })
    const byMonth = await getPopularModels(client(), 'image_generation', { sortBy: 'usage_month' })
    expect(byMonth[0]!.name).toBe('AlbedoBase XL (SDXL)')
    const text = await getPopularModels(client(), 'text_generation', { sortBy: 'usage_day' })
    expect(text.map((m) => [m.name, m.usage!.day])).toEqual([
      ['acrastt/Marx-3B-V3', 70],
      ['ReadyArt/Broken-Tutu-24B', 5],
    ])
    expect(hordeRequests().map((r) => r.path)).toContain('/api/v2/stats/img/models')
  })

  it('caches like the reference: one request within the TTL, one for concurrent readers', async () => {
    const c = client()
    await Promise.all([getPopularModels(c, 'image_generation'), getPopularModels(c, 'image_generation'), getPopularModels(c, 'image_generation', { limit: 1 })])
    await getPopularModels(c, 'image_generation')
    expect(hordeRequests()).toHaveLength(1)
    advance(61)
    await getPopularModels(c, 'image_generation')
    expect(hordeRequests()).toHaveLength(2)
  })

  it('serves the last good answer when the Horde fails, and a typed error when there is none', async () => {
    const c = client()
    const good = await getPopularModels(c, 'image_generation')
    advance(61)
    hordeDown()
    expect(await getPopularModels(c, 'image_generation')).toEqual(good)
    const error = await getPopularModels(client(), 'image_generation').catch((e: unknown) => e)
    expect(isSourcesUnavailableError(error)).toBe(true)
    expect((error as { attempts: unknown[] }).attempts).toEqual([expect.objectContaining({ source: 'horde-api', kind: 'http', status: 503 })])
  })

  it('other categories give [] without a request; bad options are refused', async () => {
    expect(await getPopularModels(client(), 'controlnet')).toEqual([])
    expect(hordeRequests()).toHaveLength(0)
    await expect(getPopularModels(client(), 'image_generation', { limit: -1 })).rejects.toThrow(RangeError)
    await expect(getPopularModels(client(), 'image_generation', { sortBy: 'fame' as never })).rejects.toThrow(/worker_count/)
  })
})
