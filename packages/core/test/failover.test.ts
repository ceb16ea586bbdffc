import { describe, expect, it, vi } from 'vitest'
import { isSourcesUnavailableError, type ModelReferenceEvent, type SourcesUnavailableError } from '../src/index.js'
import { retryAfterMs } from '../src/sources/transport.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()

const elapsed = async <T,>(run: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now()
  const value = await run()
  return { value, ms: performance.now() - started }
}

const ofType = <T extends ModelReferenceEvent['type']>(type: T) => ctx.events.filter((event): event is Extract<ModelReferenceEvent, { type: T }> => event.type === type)

describe('failing over without waiting', () => {
  it('a primary answering 503 costs its answer and GitHub’s round trip: no retry wait, no back-off', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 503, headers: { 'retry-after': '2' } })
    const { value, ms } = await elapsed(() => ctx.client().getModelReferenceResult('image_generation'))
    expect(value.source).toBe('github')
    expect(ms).toBeLessThan(250)
    expect([ctx.server.count('primary'), ctx.server.count('github')]).toEqual([1, 1])
    expect(ofType('fallback').map((event) => [event.from, event.to, event.reason.status])).toEqual([['primary', 'github', 503]])
  })

  it('a primary that has not started answering within fallbackAfterMs gets GitHub asked beside it; the first good answer wins', async () => {
    ctx.server.primaryDown({ kind: 'hang' })
    const { value, ms } = await elapsed(() => ctx.client({ fallbackAfterMs: 150, timeoutMs: 10_000 }).getModelReferenceResult('controlnet'))
    expect(value.source).toBe('github')
    expect(ms).toBeGreaterThanOrEqual(140)
    expect(ms).toBeLessThan(1_000)
    const [fallback] = ofType('fallback')
    expect(fallback).toMatchObject({ from: 'primary', to: 'github', reason: { kind: 'timeout' } })
    expect(fallback!.reason.message).toMatch(/150 ms \(fallbackAfterMs\)/)
  })

  it('a primary whose headers arrive in time is not hedged, however slow its body', async () => {
    ctx.server.fault('/v2/blip', { kind: 'trickle', intervalMs: 60, chunks: 4 })
    const result = await ctx.client({ fallbackAfterMs: 50 }).getModelReferenceResult('blip')
    expect(result.source).toBe('primary')
    expect(ctx.server.count('github')).toBe(0)
  })

  it('with no other source to ask, a slow primary is simply waited for', async () => {
    ctx.server.fault('/v2/video_generation', { kind: 'trickle', intervalMs: 80, chunks: 3 })
    const result = await ctx.client({ fallbackAfterMs: 10 }).getModelReferenceResult('video_generation')
    expect(result.source).toBe('primary')
    expect(ofType('fallback')).toEqual([])
  })
})

describe('remembering a source that just failed', () => {
  it('the next categories go straight to GitHub for sourceCooldownSeconds, with a source-skipped event', async () => {
    ctx.server.primaryDown({ kind: 'reset' })
    const client = ctx.client({ sourceCooldownSeconds: 30 })
    expect((await client.getModelReferenceResult('blip')).source).toBe('github')
    const started = Date.now()
    const results = await Promise.all((['clip', 'esrgan', 'gfpgan'] as const).map((category) => client.getModelReferenceResult(category)))
    expect(results.map((result) => result.source)).toEqual(['github', 'github', 'github'])
    expect(ctx.server.count('primary')).toBe(1)
    const skipped = ofType('source-skipped')
    expect(skipped.map((event) => [event.category, event.source])).toEqual([
      ['clip', 'primary'],
      ['esrgan', 'primary'],
      ['gfpgan', 'primary'],
    ])
    expect(skipped[0]!.retryAt).toBeGreaterThanOrEqual(started + 29_000)
  })

  it('a category GitHub does not have still asks the cooling primary (it is last, never left out)', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 502 })
    const client = ctx.client({ retries: 0 })
    await client.getModelReference('blip')
    ctx.server.reset()
    const result = await client.getModelReferenceResult('controlnet_annotator')
    expect(result.source).toBe('primary')
  })

  it('after the cooldown one read at a time probes the primary, and a success brings it back', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      ctx.server.primaryDown({ kind: 'status', status: 503 })
      const client = ctx.client({ retries: 0, sourceCooldownSeconds: 30 })
      await client.getModelReference('blip')
      vi.setSystemTime(Date.now() + 31_000)
      // Still down: two concurrent reads, one probe.
      await Promise.all([client.getModelReference('clip'), client.getModelReference('esrgan')])
      expect(ctx.server.count('primary')).toBe(2)
      vi.setSystemTime(Date.now() + 31_000)
      ctx.server.reset()
      expect((await client.getModelReferenceResult('gfpgan')).source).toBe('primary')
      expect((await client.getModelReferenceResult('codeformer')).source).toBe('primary')
      expect(ofType('source-skipped').map((event) => event.category)).toEqual(['esrgan'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('a Retry-After longer than the cooldown keeps the source last for that long', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      ctx.server.primaryDown({ kind: 'status', status: 429, headers: { 'retry-after': '120' } })
      const client = ctx.client({ sourceCooldownSeconds: 30 })
      await client.getModelReference('blip')
      ctx.server.reset()
      vi.setSystemTime(Date.now() + 60_000)
      expect((await client.getModelReferenceResult('clip')).source).toBe('github')
      vi.setSystemTime(Date.now() + 61_000)
      expect((await client.getModelReferenceResult('esrgan')).source).toBe('primary')
    } finally {
      vi.useRealTimers()
    }
  })

  it('a failure of one category’s data (404, malformed, empty) does not put the source aside', async () => {
    ctx.server.fault('/v2/blip', { kind: 'body', body: '{}' })
    const client = ctx.client()
    expect((await client.getModelReferenceResult('blip')).source).toBe('github')
    expect((await client.getModelReferenceResult('clip')).source).toBe('primary')
    expect(ofType('source-skipped')).toEqual([])
  })

  it('sourceCooldownSeconds: 0 never puts a source aside', async () => {
    ctx.server.primaryDown({ kind: 'reset' })
    const client = ctx.client({ sourceCooldownSeconds: 0 })
    await client.getModelReference('blip')
    await client.getModelReference('clip')
    expect(ctx.server.count('primary')).toBe(2)
  })
})

describe('every read is bounded', () => {
  it('totalTimeoutMs covers every source, every retry and every body', async () => {
    ctx.server.primaryDown({ kind: 'hang' })
    ctx.server.githubDown({ kind: 'hang' })
    const { value: error, ms } = await elapsed(() => ctx.client({ timeoutMs: 10_000, fallbackAfterMs: 50, totalTimeoutMs: 300 }).getModelReference('blip').catch((e: unknown) => e))
    expect(ms).toBeLessThan(800)
    expect(isSourcesUnavailableError(error)).toBe(true)
    const { attempts } = error as SourcesUnavailableError
    expect(attempts.map((attempt) => [attempt.source, attempt.kind])).toEqual([
      ['primary', 'timeout'],
      ['github', 'timeout'],
    ])
    // The read's budget and the last request's own deadline end together: either may say so.
    expect(attempts[0]!.message).toMatch(/300 ms \(totalTimeoutMs\)|no complete response within \d+ ms/)
  })

  it('retries stop at the deadline even when more are allowed', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 503, headers: { 'retry-after': '1' } })
    const { ms } = await elapsed(() => ctx.client({ githubFallback: false, retries: 5, totalTimeoutMs: 1_500 }).getModelReference('blip').catch(() => undefined))
    expect(ms).toBeLessThan(1_700)
    expect(ctx.server.count('primary')).toBe(2)
  })

  it('retries are capped: more than 5 is refused at construction', () => {
    expect(() => ctx.client({ retries: 6 })).toThrow(RangeError)
    expect(() => ctx.client({ retries: 6 })).toThrow(/retries must be a finite integer from 0 to 5/)
  })

  it('lists each source once, with its last failure', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 503, headers: { 'retry-after': '0' } })
    ctx.server.githubDown({ kind: 'status', status: 500 })
    const error = (await ctx.client({ retries: 2 }).getModelReference('blip').catch((e: unknown) => e)) as SourcesUnavailableError
    expect([ctx.server.count('primary'), ctx.server.count('github')]).toEqual([3, 3])
    expect(error.attempts.map((attempt) => [attempt.source, attempt.status])).toEqual([
      ['primary', 503],
      ['github', 500],
    ])
  })
})

describe('wait hints', () => {
  it('a hint the SDK cannot read is absent: Retry-After: soon, RateLimit-Reset, X-RateLimit-Reset never make a read wait', async () => {
    const hints: Record<string, string>[] = [{ 'retry-after': 'soon' }, { 'ratelimit-reset': '3600' }, { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) }]
    for (const headers of hints) {
      ctx.server.reset()
      ctx.server.primaryDown({ kind: 'status', status: 429, headers })
      // No fallback: the retry runs after the short back-off (0.3 s) only.
      const { ms } = await elapsed(() => ctx.client({ githubFallback: false, retries: 1 }).getModelReference('blip').catch(() => undefined))
      expect(ctx.server.count('primary'), JSON.stringify(headers)).toBe(2)
      expect(ms, JSON.stringify(headers)).toBeLessThan(1_000)
    }
  })

  it('reads Retry-After as delta-seconds or an HTTP date, and nothing else', () => {
    const now = Date.parse('2026-12-01T00:00:00Z')
    const of = (value: string): number | undefined => retryAfterMs(new Headers({ 'retry-after': value }), now)
    expect(of('0')).toBe(0)
    expect(of(' 120 ')).toBe(120_000)
    expect(of('Tue, 01 Dec 2026 00:00:30 GMT')).toBe(30_000)
    expect(of('Mon, 30 Nov 2026 00:00:00 GMT')).toBe(0)
    for (const unreadable of ['soon', '-1', '1.5e3', '', '0x10', 'NaN']) expect(of(unreadable), unreadable).toBeUndefined()
    expect(retryAfterMs(new Headers({ 'ratelimit-reset': '30' }), now)).toBeUndefined()
  })
})
