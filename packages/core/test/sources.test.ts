import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { isSourcesUnavailableError, MODEL_REFERENCE_CATEGORIES, SourcesUnavailableError, type FetchableCategory } from '../src/index.js'
import { getRawModelReference } from '../src/raw.js'
import { validateRecords } from '../src/convert/index.js'
import { DERIVED_V2_FILES, fixtureJson } from '../../../e2e/fixtures.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()
const WITH_GITHUB = Object.keys(DERIVED_V2_FILES) as FetchableCategory[]
const WITHOUT_GITHUB = ['controlnet_annotator', 'video_generation', 'audio_generation'] as const

function expected(category: FetchableCategory) {
  return validateRecords(category, Object.entries(fixtureJson(DERIVED_V2_FILES[category]!) as object)).models
}

describe('every category from each source', () => {
  it.each(WITH_GITHUB)('%s from the primary equals derived-v2', async (category) => {
    const result = await ctx.client().getModelReferenceResult(category)
    expect(result.source).toBe('primary')
    expect(result.stale).toBe(false)
    expect(result.models).toEqual(expected(category))
    expect(Object.keys(result.models).length).toBeGreaterThan(0)
    expect(ctx.server.count('github')).toBe(0)
  })

  it.each(WITH_GITHUB)('%s from GitHub (primary down) equals the primary answer', async (category) => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    const result = await ctx.client().getModelReferenceResult(category)
    expect(result.source).toBe('github')
    expect(result.models).toEqual(expected(category))
    expect(ctx.server.count('github')).toBe(1)
  })

  it('reads 161 image models and 719 text models', async () => {
    const client = ctx.client()
    expect(Object.keys(await client.getModelReference('image_generation'))).toHaveLength(161)
    expect(Object.keys(await client.getModelReference('text_generation'))).toHaveLength(719)
  })

  it.each(WITHOUT_GITHUB)('%s: the primary answering {} is a valid empty category', async (category) => {
    const result = await ctx.client().getModelReferenceResult(category)
    expect(result.models).toEqual({})
    expect(result.source).toBe('primary')
  })

  it.each(WITHOUT_GITHUB)('%s: a primary 404 is a valid empty category', async (category) => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    expect(await ctx.client().getModelReference(category)).toEqual({})
  })

  it.each(WITHOUT_GITHUB)('%s: a primary 500 with nothing cached is SourcesUnavailableError', async (category) => {
    ctx.server.primaryDown({ kind: 'status', status: 500 })
    await expect(ctx.client({ retries: 0 }).getModelReference(category)).rejects.toBeInstanceOf(SourcesUnavailableError)
    expect(ctx.server.count('github')).toBe(0)
  })

  it.each(['lora', 'ti'] as const)('%s is always empty and never fetched', async (category) => {
    const client = ctx.client()
    const result = await client.getModelReferenceResult(category)
    expect(result.models).toEqual({})
    expect(result.source).toBe('none')
    expect(ctx.server.requests).toHaveLength(0)
  })

  it('getAllModelReferences loads every category but lora and ti, concurrently', async () => {
    const all = await ctx.client().getAllModelReferences()
    expect(Object.keys(all).sort()).toEqual(MODEL_REFERENCE_CATEGORIES.filter((c) => c !== 'lora' && c !== 'ti').sort())
    expect(Object.keys(all.image_generation!)).toHaveLength(161)
    expect(ctx.server.count('primary')).toBe(13)
  })

  it('getAllModelReferences leaves out a category that failed, and reports it', async () => {
    ctx.server.fault('/v2/video_generation', { kind: 'status', status: 500 })
    const all = await ctx.client({ retries: 0 }).getAllModelReferences()
    expect(all.video_generation).toBeUndefined()
    expect(Object.keys(all)).toHaveLength(12)
    expect(ctx.events.some((e) => e.type === 'error' && e.category === 'video_generation' && isSourcesUnavailableError(e.error))).toBe(true)
  })
})

describe('fallback to GitHub on any primary failure', () => {
  const cases = [
    ['404', { kind: 'status', status: 404 }, 'http'],
    ['401', { kind: 'status', status: 401 }, 'http'],
    ['500 after retries', { kind: 'status', status: 500 }, 'http'],
    ['503 after retries', { kind: 'status', status: 503 }, 'http'],
    ['a hung server (timeout)', { kind: 'hang' }, 'timeout'],
    ['a body that never finishes (timeout covers the body)', { kind: 'hang-body' }, 'timeout'],
    ['a connection reset', { kind: 'reset' }, 'network'],
    ['a truncated body', { kind: 'truncate' }, 'network'],
    ['an HTML error page with status 200', { kind: 'body', body: '<!doctype html><html><body>Bad gateway</body></html>', contentType: 'text/html' }, 'malformed'],
    ['HTML sent as JSON', { kind: 'body', body: '<html>oops</html>' }, 'malformed'],
    ['malformed JSON', { kind: 'body', body: '{"a": ' }, 'malformed'],
    ['a JSON array', { kind: 'body', body: '[1, 2]' }, 'malformed'],
    ['null', { kind: 'body', body: 'null' }, 'malformed'],
    ['{}', { kind: 'body', body: '{}' }, 'empty'],
    ['records that are all invalid', { kind: 'body', body: '{"a": {"name": 5}, "b": "text"}' }, 'invalid'],
  ] as const
  it.each(cases)('%s', async (_label, fault, kind) => {
    ctx.server.primaryDown(fault)
    const client = ctx.client({ timeoutMs: 300, retries: 1 })
    const result = await client.getModelReferenceResult('image_generation')
    expect(result.source).toBe('github')
    expect(Object.keys(result.models)).toHaveLength(161)
    const failed = ctx.events.find((e) => e.type === 'source-failed')
    expect(failed).toMatchObject({ type: 'source-failed', attempt: { source: 'primary', kind } })
    expect(ctx.events.some((e) => e.type === 'fallback')).toBe(true)
  })

  it('valid JSON mislabelled as text/html is accepted: the body decides, not the content type', async () => {
    ctx.server.fault('/v2/blip', { kind: 'body', body: JSON.stringify(fixtureJson('derived-v2/blip.json')), contentType: 'text/html; charset=utf-8' })
    const result = await ctx.client().getModelReferenceResult('blip')
    expect(result.source).toBe('primary')
    expect(Object.keys(result.models)).toHaveLength(2)
  })

  it('an answer larger than maxBodyBytes is a failure: by its Content-Length, or while it streams', async () => {
    // The primary's blip file is 1 441 bytes, GitHub's 1 071.
    const declared = await ctx.client({ maxBodyBytes: 1200 }).getModelReferenceResult('blip')
    expect(declared.source).toBe('github')
    expect(ctx.events.find((e) => e.type === 'source-failed')).toMatchObject({ attempt: { source: 'primary', kind: 'malformed', message: expect.stringContaining('maxBodyBytes') } })
    ctx.events.length = 0
    // Sent in chunks with no Content-Length: stopped once the bytes received pass the limit.
    ctx.server.fault('/v2/blip', { kind: 'trickle', intervalMs: 1, chunks: 6 })
    const streamed = await ctx.client({ maxBodyBytes: 1200 }).getModelReferenceResult('blip')
    expect(streamed.source).toBe('github')
    expect(ctx.events.find((e) => e.type === 'source-failed')).toMatchObject({ attempt: { kind: 'malformed' } })
    await expect(ctx.client({ maxBodyBytes: 1000 }).getModelReference('blip')).rejects.toThrow(/maxBodyBytes/)
  })

  it('a small gzip body that inflates past maxBodyBytes is stopped: the limit counts decompressed bytes', async () => {
    const bomb = gzipSync(Buffer.from(`{"x": "${' '.repeat(4 * 1024 * 1024)}"}`))
    expect(bomb.length).toBeLessThan(10_000)
    ctx.server.fault('/v2/blip', { kind: 'body', body: bomb, headers: { 'content-encoding': 'gzip' } })
    const result = await ctx.client({ maxBodyBytes: 1024 * 1024 }).getModelReferenceResult('blip')
    expect(result.source).toBe('github')
    expect(ctx.events.find((e) => e.type === 'source-failed')).toMatchObject({ attempt: { source: 'primary', kind: 'malformed', message: expect.stringContaining('maxBodyBytes') } })
  })

  it('with a fallback, a 429 or 5xx goes to GitHub at once: no retry wait first', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 502 })
    const started = Date.now()
    const result = await ctx.client({ retries: 2 }).getModelReferenceResult('blip')
    expect(result.source).toBe('github')
    expect(Date.now() - started).toBeLessThan(250)
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('retries 429 and 5xx only, `retries` times, once every source has failed', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 502 })
    await expect(ctx.client({ retries: 2, githubFallback: false }).getModelReference('blip')).rejects.toThrow(/HTTP 502/)
    expect(ctx.server.count('primary')).toBe(3)
    ctx.server.reset()
    ctx.server.primaryDown({ kind: 'status', status: 503 })
    ctx.server.githubDown({ kind: 'status', status: 500 })
    await expect(ctx.client({ retries: 1 }).getModelReference('blip')).rejects.toThrow(/HTTP 503/)
    expect([ctx.server.count('primary'), ctx.server.count('github')]).toEqual([2, 2])
  })

  it('never retries a timeout or a network error', async () => {
    ctx.server.primaryDown({ kind: 'hang' })
    await ctx.client({ timeoutMs: 200, retries: 2 }).getModelReference('blip')
    ctx.server.primaryDown({ kind: 'reset' })
    await ctx.client({ timeoutMs: 200, retries: 2 }).getModelReference('clip')
    expect(ctx.server.requests.filter((r) => r.source === 'primary').map((r) => r.path)).toEqual([
      '/api/model_references/v2/blip',
      '/api/model_references/v2/clip',
    ])
  })

  it('never retries 404', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    await ctx.client({ retries: 2 }).getModelReference('blip')
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('honours a short Retry-After on 429 and then uses the primary', async () => {
    ctx.server.fault('/v2/blip', { kind: 'status', status: 429, headers: { 'retry-after': '0' } }, 1)
    const result = await ctx.client({ githubFallback: false }).getModelReferenceResult('blip')
    expect(result.source).toBe('primary')
    expect(ctx.server.count('primary')).toBe(2)
  })

  it('goes to GitHub at once when Retry-After asks for too long a wait', async () => {
    ctx.server.fault('/v2/blip', { kind: 'status', status: 429, headers: { 'retry-after': '3600' } })
    const started = Date.now()
    const result = await ctx.client({ retries: 2 }).getModelReferenceResult('blip')
    expect(result.source).toBe('github')
    expect(ctx.server.count('primary')).toBe(1)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('a slow but steady body within the timeout is accepted', async () => {
    ctx.server.fault('/v2/blip', { kind: 'trickle', intervalMs: 20, chunks: 5 })
    expect((await ctx.client({ timeoutMs: 2_000 }).getModelReferenceResult('blip')).source).toBe('primary')
  })

  it('a body trickling past the timeout is a timeout', async () => {
    ctx.server.fault('/v2/blip', { kind: 'trickle', intervalMs: 100, chunks: 10 })
    const result = await ctx.client({ timeoutMs: 300 }).getModelReferenceResult('blip')
    expect(result.source).toBe('github')
    expect(ctx.events.find((e) => e.type === 'source-failed')).toMatchObject({ attempt: { kind: 'timeout' } })
  })

  it('githubFallback: false never asks GitHub', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    await expect(ctx.client({ githubFallback: false }).getModelReference('blip')).rejects.toThrow(SourcesUnavailableError)
    expect(ctx.server.count('github')).toBe(0)
  })

  it('every source failing gives SourcesUnavailableError listing each URL and cause', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    ctx.server.githubDown({ kind: 'body', body: '<html>rate limited</html>', contentType: 'text/html' })
    const error = await ctx.client().getModelReference('controlnet').catch((e: unknown) => e)
    expect(isSourcesUnavailableError(error)).toBe(true)
    const { attempts, message } = error as SourcesUnavailableError
    expect(attempts).toEqual([
      expect.objectContaining({ source: 'primary', url: `${ctx.server.primaryUrl}/model_references/v2/controlnet`, kind: 'http', status: 404 }),
      expect.objectContaining({ source: 'github', url: `${ctx.server.githubUrl}/Haidra-Org/AI-Horde-image-model-reference/refs/heads/main/controlnet.json`, kind: 'malformed' }),
    ])
    expect(message).toContain('/model_references/v2/controlnet: http 404')
    expect(message).toContain('controlnet.json: malformed')
  })

  it('a GitHub file with no valid record is a failure, never silent empty data', async () => {
    ctx.server.primaryDown()
    ctx.server.githubDown({ kind: 'body', body: '{}' })
    await expect(ctx.client({ retries: 0 }).getModelReference('esrgan')).rejects.toThrow(/no records/)
  })

  it('a CSV without the models.csv header is malformed', async () => {
    ctx.server.primaryDown()
    ctx.server.githubDown({ kind: 'body', body: 'foo,bar\n1,2\n', contentType: 'text/plain' })
    await expect(ctx.client({ retries: 0 }).getModelReference('text_generation')).rejects.toThrow(/models\.csv/)
  })
})

describe('requests', () => {
  it('sends Client-Agent to the primary only, and no custom header to GitHub', async () => {
    ctx.server.fault('/v2/blip', { kind: 'status', status: 500 })
    await ctx.client({ clientAgent: 'test-app:1:me@example.com', retries: 0 }).getModelReference('blip')
    const [primary, github] = ctx.server.requests
    expect(primary!.headers['client-agent']).toBe('test-app:1:me@example.com')
    expect(github!.headers['client-agent']).toBeUndefined()
    // Only CORS-safelisted request headers (plus what the runtime itself adds) reach GitHub.
    const allowed = new Set(['host', 'connection', 'accept', 'accept-language', 'accept-encoding', 'user-agent', 'sec-fetch-mode', 'content-language'])
    expect(Object.keys(github!.headers).filter((h) => !allowed.has(h))).toEqual([])
  })

  it('pins a commit and follows a mirror through the options', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    const sha = '46fdd9e3cd50a777b5b680e4ae8c619475e01022'
    const result = await ctx.client({ githubBranch: sha, githubOwner: 'mirror-owner' }).getModelReferenceResult('gfpgan')
    expect(result.source).toBe('github')
    expect(ctx.server.requests.find((r) => r.source === 'github')!.path).toBe(`/mirror-owner/AI-Horde-image-model-reference/${sha}/gfpgan.json`)
  })

  it('uses an injected fetch, and sets no cache, mode or credentials (Workers reject some)', async () => {
    const seen: string[] = []
    const inits: (RequestInit | undefined)[] = []
    const client = ctx.client({
      fetch: async (request, init) => {
        seen.push(request.url)
        inits.push(init)
        return globalThis.fetch(request, init)
      },
    })
    await client.getModelReference('codeformer')
    expect(seen).toEqual([`${ctx.server.primaryUrl}/model_references/v2/codeformer`])
    for (const init of inits) for (const key of ['cache', 'mode', 'credentials']) expect(init ?? {}).not.toHaveProperty(key)
  })

  it('getRawModelReference returns the bodies as sent, before conversion', async () => {
    const client = ctx.client()
    const primary = await getRawModelReference(client, 'controlnet')
    expect(primary).toMatchObject({ source: 'primary', format: 'json' })
    expect(primary.data).toEqual(fixtureJson('derived-v2/controlnet.json'))
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    const github = await getRawModelReference(client, 'controlnet')
    expect(github).toMatchObject({ source: 'github', format: 'json' })
    expect(github.data).toEqual(fixtureJson('legacy/controlnet.json'))
    const csv = await getRawModelReference(client, 'text_generation')
    expect(csv.format).toBe('csv')
    expect(String(csv.data).startsWith('name,parameters_bn,')).toBe(true)
  })
})

describe('abort', () => {
  it('a caller abort rejects with its reason and never falls back', async () => {
    ctx.server.primaryDown({ kind: 'hang' })
    const controller = new AbortController()
    const read = ctx.client({ timeoutMs: 5_000 }).getModelReference('blip', { signal: controller.signal })
    setTimeout(() => controller.abort(new Error('user gave up')), 50)
    await expect(read).rejects.toThrow('user gave up')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(ctx.server.count('github')).toBe(0)
  })

  it('an abort during a retry wait stops further attempts', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 503, headers: { 'retry-after': '2' } })
    ctx.server.githubDown({ kind: 'status', status: 503, headers: { 'retry-after': '2' } })
    const controller = new AbortController()
    const read = ctx.client({ retries: 2 }).getModelReference('blip', { signal: controller.signal })
    setTimeout(() => controller.abort(), 200)
    await expect(read).rejects.toMatchObject({ name: 'AbortError' })
    await new Promise((resolve) => setTimeout(resolve, 2_300))
    expect(ctx.server.count('primary')).toBe(1)
    expect(ctx.server.count('github')).toBe(1)
  })
})
