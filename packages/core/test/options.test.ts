import { describe, expect, it } from 'vitest'
import { createModelReferenceClient, DEFAULT_OPTIONS, isSourcesUnavailableError, type SourcesUnavailableError } from '../src/index.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()

describe('clientAgent is checked as a header value at construction', () => {
  it.each([
    ['non-Latin-1 text', 'アプリ:1.0'],
    ['a NUL', 'app\u00001.0'],
    ['a line break', 'app:1.0\r\nX-Injected: 1'],
    ['a control character', 'app\u00071.0'],
    ['a DEL', 'app\u007f1.0'],
    ['not a string', 42 as unknown as string],
  ])('%s is a TypeError, never a primary that silently fails on every request', (_, clientAgent) => {
    expect(() => createModelReferenceClient({ clientAgent })).toThrow(TypeError)
    expect(() => createModelReferenceClient({ clientAgent })).toThrow(/clientAgent must be a valid header value/)
  })

  it('Latin-1 text is accepted and reaches the primary as it is', async () => {
    const result = await ctx.client({ clientAgent: 'café:1.0:ops@example.com' }).getModelReferenceResult('blip')
    expect(result.source).toBe('primary')
    expect(Buffer.from(String(ctx.server.requests[0]!.headers['client-agent']), 'latin1').toString('latin1')).toBe('café:1.0:ops@example.com')
  })
})

describe('base URLs', () => {
  it.each(['primaryUrl', 'githubUrl', 'hordeApiUrl'] as const)('%s with a query string or a fragment is refused at construction', (name) => {
    expect(() => createModelReferenceClient({ [name]: 'https://mirror.example/api?token=1' })).toThrow(/without a query string or fragment/)
    expect(() => createModelReferenceClient({ [name]: 'https://mirror.example/api#top' })).toThrow(TypeError)
    expect(() => createModelReferenceClient({ [name]: 'https://mirror.example/api?' })).toThrow(TypeError)
    expect(() => createModelReferenceClient({ [name]: 'ftp://mirror.example/api' })).toThrow(/http\(s\) URL/)
  })

  it('the refusal names the URL without its query string (it may hold a secret)', () => {
    expect(() => createModelReferenceClient({ primaryUrl: 'https://mirror.example/api?token=s3cret' })).toThrow(/^(?!.*s3cret).*mirror\.example\/api/)
  })

  it('credentials in a URL are sent as Authorization to that URL only, and never shown', async () => {
    const primaryUrl = ctx.server.primaryUrl.replace('http://', 'http://mirror-user:p%C3%A4ss%40word@')
    const client = ctx.client({ primaryUrl, retries: 0 })
    expect(client.options.primaryUrl).toBe(ctx.server.primaryUrl)
    expect(JSON.stringify(client.options)).not.toMatch(/mirror-user|word/)
    ctx.server.fault('/v2/blip', { kind: 'status', status: 500 })
    ctx.server.githubDown({ kind: 'status', status: 500 })
    const error = (await client.getModelReference('blip').catch((e: unknown) => e)) as SourcesUnavailableError
    expect(isSourcesUnavailableError(error)).toBe(true)
    const expected = `Basic ${Buffer.from('mirror-user:päss@word', 'utf8').toString('base64')}`
    expect(ctx.server.requests.filter((r) => r.source === 'primary').map((r) => r.headers.authorization)).toEqual([expected])
    expect(ctx.server.requests.filter((r) => r.source === 'github').map((r) => r.headers.authorization)).toEqual([undefined])
    for (const text of [error.message, JSON.stringify(error.attempts), JSON.stringify(ctx.events)]) {
      expect(text).not.toMatch(/mirror-user|p%C3%A4ss|word/)
    }
  })

  it('credentials never appear in an option error either', () => {
    for (const primaryUrl of ['ftp://alice:s3cret@mirror.example/api', 'http://alice:s3cret@mir ror.example/api', 'https://alice:s3cret@mirror.example/api?x=1']) {
      expect(() => createModelReferenceClient({ primaryUrl })).toThrow(TypeError)
      expect(() => createModelReferenceClient({ primaryUrl })).not.toThrow(/s3cret|alice/)
    }
  })

  it("one option's credentials go to its own source only, even when one base sits under the other", async () => {
    // The loopback layout: GitHub raw at the origin, the primary under /api.
    const githubUrl = ctx.server.githubUrl.replace('http://', 'http://gh:ghsecret@')
    ctx.server.fault('/v2/blip', { kind: 'status', status: 500 })
    await ctx.client({ githubUrl, retries: 0 }).getModelReference('blip')
    expect(ctx.server.requests.filter((r) => r.source === 'primary').map((r) => r.headers.authorization)).toEqual([undefined])
    expect(ctx.server.requests.filter((r) => r.source === 'github').map((r) => r.headers.authorization)).toEqual([`Basic ${Buffer.from('gh:ghsecret').toString('base64')}`])
  })

  it.each(['/', '//', '.', 'main/./x', 'a/../b', ''])('githubBranch %j is refused (it names no branch, or moves the path)', (githubBranch) => {
    expect(() => createModelReferenceClient({ githubBranch })).toThrow(/githubBranch must be a non-empty path segment/)
  })

  it('credentials are compared by the singleton, never printed', async () => {
    const { ModelReferenceManager } = await import('../src/index.js')
    ModelReferenceManager.reset()
    try {
      new ModelReferenceManager({ primaryUrl: 'https://alice:one@mirror.example/api' })
      expect(() => new ModelReferenceManager({ primaryUrl: 'https://alice:two@mirror.example/api' })).toThrow(/^(?!.*(one|two)).*primaryUrl.*with other credentials/s)
      expect(new ModelReferenceManager({ primaryUrl: 'https://alice:one@mirror.example/api' })).toBe(ModelReferenceManager.getInstance())
    } finally {
      ModelReferenceManager.reset()
    }
  })
})

describe('the new options have documented defaults and ranges', () => {
  it('defaults', () => {
    expect(DEFAULT_OPTIONS).toMatchObject({ totalTimeoutMs: 30_000, fallbackAfterMs: 1_000, sourceCooldownSeconds: 30, storageTimeoutMs: 2_000, retries: 2 })
    expect(createModelReferenceClient().options).toMatchObject({ totalTimeoutMs: 30_000, fallbackAfterMs: 1_000, sourceCooldownSeconds: 30, storageTimeoutMs: 2_000 })
  })

  it.each([
    { totalTimeoutMs: 0 },
    { fallbackAfterMs: -1 },
    { sourceCooldownSeconds: Number.NaN },
    { storageTimeoutMs: Number.POSITIVE_INFINITY },
    { retries: 1.5 },
    { ttlSeconds: Number.POSITIVE_INFINITY },
  ])('%o is a RangeError', (options) => {
    expect(() => createModelReferenceClient(options)).toThrow(RangeError)
  })
})
