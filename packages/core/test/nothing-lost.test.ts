import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ReferenceServer } from '../../../e2e/reference-server.js'
import type { ModelReferenceSnapshot } from '../src/index.js'
import { useFakeClock } from './helpers/clock.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()
const { advance } = useFakeClock()

// What the world can do between two reads: every way the sources can answer.
const WORLDS = {
  healthy: () => {},
  primaryDown: (s: ReferenceServer) => s.primaryDown({ kind: 'status', status: 503 }),
  bothDown: (s: ReferenceServer) => {
    s.primaryDown({ kind: 'reset' })
    s.githubDown({ kind: 'status', status: 500 })
  },
  bothEmpty: (s: ReferenceServer) => {
    s.primaryDown({ kind: 'body', body: '{}' })
    s.githubDown({ kind: 'body', body: '{}' })
  },
  bothGarbage: (s: ReferenceServer) => {
    s.primaryDown({ kind: 'body', body: '<html>maintenance</html>', contentType: 'text/html' })
    s.githubDown({ kind: 'body', body: '{"x": {"name": 1}}' })
  },
  allInvalid: (s: ReferenceServer) => {
    s.primaryDown({ kind: 'body', body: '{"a": {"name": "a"}, "b": {"name": "b", "baseline": 5}}' })
    s.githubDown({ kind: 'body', body: '[]' })
  },
} as const

type Step = { kind: 'world'; world: keyof typeof WORLDS } | { kind: 'read' | 'refresh' | 'invalidate' } | { kind: 'advance'; seconds: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constantFrom(...(Object.keys(WORLDS) as (keyof typeof WORLDS)[])).map((world) => ({ kind: 'world' as const, world })),
  fc.constantFrom('read' as const, 'refresh' as const, 'invalidate' as const).map((kind) => ({ kind })),
  fc.integer({ min: 1, max: 4000 }).map((seconds) => ({ kind: 'advance' as const, seconds })),
)

describe('nothing lost', () => {
  it('no sequence of failures, garbage and empty answers leaves a worse cached copy than the one it started with', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        ctx.server.reset()
        const client = ctx.client({ retries: 0, ttlSeconds: 60, maxStaleSeconds: 3600 })
        const good = await client.getModelReferenceResult('image_generation')
        expect(Object.keys(good.models)).toHaveLength(161)
        for (const s of steps) {
          if (s.kind === 'world') {
            ctx.server.reset()
            WORLDS[s.world](ctx.server)
          } else if (s.kind === 'advance') {
            advance(s.seconds)
          } else if (s.kind === 'invalidate') {
            client.invalidate('image_generation')
          } else {
            // A read or a refresh may fail (every source down and the copy too old): that is an
            // error for the caller, never a loss of the copy.
            await (s.kind === 'read' ? client.getModelReferenceResult('image_generation') : client.refresh('image_generation')).catch(() => undefined)
          }
          // Served while within maxStaleSeconds, and never a worse copy; past that it is kept
          // but not served (a read fails until a source answers).
          const cached = client.peek('image_generation')
          if (cached.status === 'success') expect(Object.keys(cached.result.models)).toHaveLength(161)
          else expect(Date.now() - good.fetchedAt).toBeGreaterThanOrEqual((60 + 3600) * 1000)
        }
        ctx.server.reset()
        expect(Object.keys(await client.getModelReference('image_generation'))).toHaveLength(161)
      }),
      { numRuns: 60 },
    )
  })
})

describe('nothing lost with snapshots', () => {
  it('hydrating old, hostile or last-resort snapshots between failures never leaves an older copy, and a last resort is always served', async () => {
    ctx.server.reset()
    const writer = ctx.client()
    await writer.getModelReference('image_generation')
    const old = JSON.parse(JSON.stringify(writer.dehydrate(['image_generation'], { lastResort: true }))) as ModelReferenceSnapshot
    const hostile = JSON.parse(JSON.stringify({ ...old, categories: { image_generation: { ...old.categories.image_generation, records: { x: { name: 'x' } }, fetchedAt: Date.now() + 9e9 } } })) as ModelReferenceSnapshot
    type SnapshotStep = Step | { kind: 'hydrate'; which: 'old' | 'hostile' }
    const steps: fc.Arbitrary<SnapshotStep> = fc.oneof(step, fc.constantFrom('old' as const, 'hostile' as const).map((which) => ({ kind: 'hydrate' as const, which })))
    await fc.assert(
      fc.asyncProperty(fc.array(steps, { minLength: 1, maxLength: 12 }), async (sequence) => {
        ctx.server.reset()
        const client = ctx.client({ retries: 0, ttlSeconds: 60, maxStaleSeconds: 3600 })
        expect(client.hydrate(old).installed).toEqual(['image_generation'])
        let newest = client.peek('image_generation').result!.fetchedAt
        for (const s of sequence) {
          if (s.kind === 'world') {
            ctx.server.reset()
            WORLDS[s.world](ctx.server)
          } else if (s.kind === 'advance') advance(s.seconds)
          else if (s.kind === 'invalidate') client.invalidate('image_generation')
          else if (s.kind === 'hydrate') client.hydrate(s.which === 'old' ? old : hostile)
          else {
            // With a last resort held, a read never fails: every source down serves it.
            const result = await (s.kind === 'read' ? client.getModelReferenceResult('image_generation') : client.refresh('image_generation'))
            expect(Object.keys(result.models)).toHaveLength(161)
          }
          const cached = client.peek('image_generation')
          expect(cached.status).toBe('success')
          expect(Object.keys(cached.result!.models)).toHaveLength(161)
          // Never an older copy than one held before.
          expect(cached.result!.fetchedAt).toBeGreaterThanOrEqual(newest)
          newest = cached.result!.fetchedAt
        }
      }),
      { numRuns: 40 },
    )
  })
})

describe('nothing lost where an empty answer is valid', () => {
  it('controlnet_annotator (no GitHub source): a valid `{}` never replaces a copy that has records', async () => {
    const annotators = JSON.stringify({ canny: { name: 'canny', control_types: ['canny'] }, mlsd: { name: 'mlsd', control_types: ['mlsd'] } })
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('empty', '404', 'down', 'read', 'refresh', 'advance'), { minLength: 1, maxLength: 10 }), async (steps) => {
        ctx.server.reset()
        ctx.server.fault('/v2/controlnet_annotator', { kind: 'body', body: annotators }, 1)
        const client = ctx.client({ retries: 0, ttlSeconds: 60 })
        expect(Object.keys(await client.getModelReference('controlnet_annotator'))).toEqual(['canny', 'mlsd'])
        for (const s of steps) {
          if (s === 'empty') ctx.server.reset() // the imitated primary's normal answer for this category is {}
          else if (s === '404') ctx.server.primaryDown({ kind: 'status', status: 404 })
          else if (s === 'down') ctx.server.primaryDown({ kind: 'reset' })
          else if (s === 'advance') advance(61)
          else await (s === 'read' ? client.getModelReference('controlnet_annotator') : client.refresh('controlnet_annotator')).catch(() => undefined)
          expect(Object.keys(client.peek('controlnet_annotator').result!.models)).toEqual(['canny', 'mlsd'])
        }
      }),
      { numRuns: 40 },
    )
  })
})

describe('concurrency', () => {
  it('1 000 concurrent readers of one category make one request', async () => {
    ctx.server.reset()
    const client = ctx.client()
    const results = await Promise.all(Array.from({ length: 1000 }, () => client.getModelReferenceResult('text_generation')))
    expect(new Set(results).size).toBe(1)
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('1 000 concurrent readers during a fallback make one request to each source', async () => {
    ctx.server.reset()
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    const client = ctx.client()
    await Promise.all(Array.from({ length: 1000 }, () => client.getModelReference('image_generation')))
    expect([ctx.server.count('primary'), ctx.server.count('github')]).toEqual([1, 1])
  })
})
