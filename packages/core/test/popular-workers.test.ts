import { beforeEach, describe, expect, it } from 'vitest'
import { isSourcesUnavailableError } from '../src/index.js'
import { getPopularModels, type PopularModel } from '../src/popular.js'
import { useFakeClock } from './helpers/clock.js'
import { useReferenceServer } from './helpers/setup.js'

// What the reference server's AI Horde imitation answers here, with the workers route. Every
// response is written by hand from the API's documented shapes; none is captured from the live
// service:
//   GET /v2/status/models?type=image|text -> [{ name, count, jobs, performance, queued, eta, type }]
//   GET /v2/workers?type=image|text -> [WorkerDetails: { type, name, id, online, requests_fulfilled,
//       kudos_rewards, performance (text), threads, uptime (seconds), trusted, models, bridge_agent, ... }]
const STATUS = {
  image: [
    { name: 'AlbedoBase XL (SDXL)', count: 14, jobs: 3, performance: 1.8, queued: 600000, eta: 12, type: 'image' },
    { name: 'Deliberate', count: 9, jobs: 0, performance: 2.5, queued: 0, eta: 0, type: 'image' },
    { name: 'Dreamshaper', count: 1, jobs: 0, performance: 1, queued: 0, eta: 0, type: 'image' },
  ],
  text: [
    { name: 'aphrodite/ReadyArt/Broken-Tutu-24B', count: 2, jobs: 1, performance: 10, queued: 300, eta: 5, type: 'text' },
    { name: 'koboldcpp/Broken-Tutu-24B', count: 3, jobs: 2, performance: 12, queued: 100, eta: 9, type: 'text' },
    { name: 'koboldcpp/Marx-3B-V3', count: 1, jobs: 0, performance: 20, queued: 0, eta: 0, type: 'text' },
  ],
}
const detail = { requests_fulfilled: 1200, kudos_rewards: 5000.5, threads: 1, maintenance_mode: false, nsfw: true, flagged: false, uncompleted_jobs: 0, bridge_agent: 'AI Horde Worker reGen:9.0.0:https://github.com/Haidra-Org/horde-worker-reGen' }
const WORKERS = {
  image: [
    { type: 'image', name: 'GPU One', id: '00000000-0000-4000-8000-000000000001', online: true, trusted: true, uptime: 86400, performance: '1.5 megapixelsteps per second', models: ['AlbedoBase XL (SDXL)', 'Deliberate'], ...detail },
    // Only the two fields a worker entry needs: the rest are left out of the answer, and of ours.
    { name: 'Sparse Worker', id: '00000000-0000-4000-8000-000000000002', models: ['Deliberate'] },
    { type: 'image', name: 'Numeric Id', id: 3, online: true, models: ['Deliberate'] },
    { type: 'image', name: 'Online As Text', id: '00000000-0000-4000-8000-000000000004', online: 'yes', models: ['Deliberate'] },
    'not a worker',
    { type: 'image', name: 'Off Reference', id: '00000000-0000-4000-8000-000000000005', online: false, trusted: false, uptime: 5, performance: '0.4 megapixelsteps per second', models: ['A model the reference does not have'], ...detail },
  ],
  text: [
    { type: 'text', name: 'Kobold Box', id: '00000000-0000-4000-8000-000000000011', online: true, trusted: false, uptime: 100, performance: '10.0 tokens per second', models: ['koboldcpp/Broken-Tutu-24B'], ...detail },
    { type: 'text', name: 'Aphrodite Box', id: '00000000-0000-4000-8000-000000000012', online: true, trusted: true, uptime: 200, performance: '30.0 tokens per second', models: ['aphrodite/ReadyArt/Broken-Tutu-24B', 'koboldcpp/Broken-Tutu-24B'], ...detail },
    { type: 'text', name: 'Marx Box', id: '00000000-0000-4000-8000-000000000013', online: false, models: ['koboldcpp/Marx-3B-V3'] },
  ],
}

const ctx = useReferenceServer()
const { advance } = useFakeClock()
// The reference server's AI Horde imitation, answering this file's bodies; a request's path as
// the AI Horde sees it (below its /api), with its query.
const hordePaths = (): string[] => ctx.server.requests.filter((r) => r.source === 'horde-api').map((r) => `${r.path.slice('/horde'.length)}${r.search}`)
const workersAnswer = (answer: 'down' | 'not-a-list'): void =>
  answer === 'down'
    ? ctx.server.fault('/v2/workers', { kind: 'status', status: 503, body: 'down' })
    : ctx.server.setHordeApi({ status: STATUS, workers: { image: { workers: WORKERS.image }, text: { workers: WORKERS.text } } })
beforeEach(() => ctx.server.setHordeApi({ status: STATUS, workers: WORKERS }))

const client = () => ctx.client({ hordeApiUrl: ctx.server.hordeApiUrl, retries: 0 })
const workerNames = (models: readonly PopularModel[]) => Object.fromEntries(models.map((m) => [m.name, m.workers?.map((w) => w.name)]))
const workersPath = (type: string) => `/api/v2/workers?type=${type}`

describe('getPopularModels with includeWorkers', () => {
  it('lists, for each popular model, the workers offering it in the Horde’s order, with the WorkerDetails fields kept', async () => {
    const popular = await getPopularModels(client(), 'image_generation', { includeWorkers: true })
    expect(workerNames(popular)).toEqual({ 'AlbedoBase XL (SDXL)': ['GPU One'], Deliberate: ['GPU One', 'Sparse Worker'], Dreamshaper: [] })
    expect(popular.find((m) => m.name === 'AlbedoBase XL (SDXL)')!.workers).toStrictEqual([
      { id: '00000000-0000-4000-8000-000000000001', name: 'GPU One', online: true, trusted: true, uptime: 86400, performance: '1.5 megapixelsteps per second' },
    ])
    expect(hordePaths()).toContain(workersPath('image'))
  })

  it('leaves out the fields a worker entry did not have', async () => {
    const deliberate = (await getPopularModels(client(), 'image_generation', { includeWorkers: true })).find((m) => m.name === 'Deliberate')!
    const sparse = deliberate.workers!.find((w) => w.name === 'Sparse Worker')!
    expect(Object.keys(sparse)).toEqual(['id', 'name'])
  })

  it('skips worker entries that are not valid WorkerDetails and keeps the rest', async () => {
    const popular = await getPopularModels(client(), 'image_generation', { includeWorkers: true })
    const listed = new Set(popular.flatMap((m) => m.workers!.map((w) => w.name)))
    expect([...listed]).toEqual(['GPU One', 'Sparse Worker'])
    // Deliberate is offered by four entries; the two broken ones are gone, not the model.
    expect(popular.find((m) => m.name === 'Deliberate')!.workers).toHaveLength(2)
  })

  it('counts a text model’s backend variants: a worker offering either is listed, once', async () => {
    const popular = await getPopularModels(client(), 'text_generation', { includeWorkers: true })
    expect(workerNames(popular)).toEqual({ 'ReadyArt/Broken-Tutu-24B': ['Kobold Box', 'Aphrodite Box'], 'acrastt/Marx-3B-V3': ['Marx Box'] })
    expect(popular.find((m) => m.name === 'acrastt/Marx-3B-V3')!.workers).toStrictEqual([{ id: '00000000-0000-4000-8000-000000000013', name: 'Marx Box', online: false }])
    expect(hordePaths()).toContain(workersPath('text'))
  })

  it('without includeWorkers, workers is undefined and /v2/workers is never asked', async () => {
    const popular = await getPopularModels(client(), 'image_generation')
    expect(popular.length).toBeGreaterThan(0)
    expect(popular.every((m) => m.workers === undefined)).toBe(true)
    expect(hordePaths().filter((p) => p.startsWith('/api/v2/workers'))).toEqual([])
  })

  it('caches the worker list like the status: one request within the TTL and for concurrent readers', async () => {
    const c = client()
    await Promise.all([getPopularModels(c, 'image_generation', { includeWorkers: true }), getPopularModels(c, 'image_generation', { includeWorkers: true, limit: 1 })])
    await getPopularModels(c, 'image_generation', { includeWorkers: true })
    expect(hordePaths().filter((p) => p === workersPath('image'))).toHaveLength(1)
    advance(61)
    await getPopularModels(c, 'image_generation', { includeWorkers: true })
    expect(hordePaths().filter((p) => p === workersPath('image'))).toHaveLength(2)
  })

  it('serves the last good worker list when the Horde fails, and a typed error when there is none', async () => {
    const c = client()
    const good = await getPopularModels(c, 'image_generation', { includeWorkers: true })
    advance(61)
    workersAnswer('down')
    expect(await getPopularModels(c, 'image_generation', { includeWorkers: true })).toEqual(good)
    const error = await getPopularModels(client(), 'image_generation', { includeWorkers: true }).catch((e: unknown) => e)
    expect(isSourcesUnavailableError(error)).toBe(true)
    expect((error as { attempts: unknown[] }).attempts).toEqual([expect.objectContaining({ source: 'horde-api', url: `${ctx.server.hordeApiUrl}/v2/workers?type=image`, kind: 'http', status: 503 })])
    // The ranking alone does not need the workers.
    expect(await getPopularModels(client(), 'image_generation')).toHaveLength(3)
  })

  it('an answer that is not a list of workers is a malformed answer', async () => {
    workersAnswer('not-a-list')
    const error = await getPopularModels(client(), 'text_generation', { includeWorkers: true }).catch((e: unknown) => e)
    expect(isSourcesUnavailableError(error)).toBe(true)
    expect((error as { attempts: unknown[] }).attempts).toEqual([expect.objectContaining({ kind: 'malformed', message: 'not a list of workers' })])
  })
})
