import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ModelReferenceProvider } from '../src/index.js'
import { fixtureJson } from '../../../e2e/fixtures.js'
import { useReferenceServer } from './helpers/setup.js'

// Any mix of providers that throw, hang, answer garbage, collide with canonical names or answer
// well, read under every kind of selection: the canonical data is never lost, a provider's record
// never takes a canonical one's place under 'horde' (or after it), and every source's status is
// reported.
const ctx = useReferenceServer()

type Behaviour = 'throws' | 'hangs' | 'garbage' | 'empty' | 'collides' | 'valid'
const GARBAGE: readonly unknown[] = ['records', 42, null, [1, 'x', null], { a: 1, b: 'two' }, { 'Bad One': { nsfw: 'maybe' } }]
const images = fixtureJson('derived-v2/stable_diffusion.json') as Record<string, Record<string, unknown>>
const canonicalNames = Object.keys(images)

function providerOf(id: string, behaviour: Behaviour, garbage: unknown): ModelReferenceProvider {
  return {
    id,
    categories: ['image_generation'],
    load: async (_category, { signal }) => {
      switch (behaviour) {
        case 'throws':
          throw new Error(`${id} failed`)
        case 'hangs':
          return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
        case 'garbage':
          return garbage as never
        case 'empty':
          return {}
        case 'collides':
          return { [canonicalNames[0]!]: { ...images[canonicalNames[0]!], version: `${id} build` }, [`${id} model`]: { ...images[canonicalNames[1]!], name: `${id} model` } }
        case 'valid':
          return { [`${id} model`]: { ...images[canonicalNames[1]!], name: `${id} model` } }
      }
    },
  }
}

const expectedStatus = (behaviour: Behaviour): readonly string[] =>
  behaviour === 'valid' || behaviour === 'collides' ? ['ok'] : behaviour === 'empty' ? ['empty'] : ['error']

describe('providers never cost the canonical data', () => {
  it('under any mix of provider behaviours and any selection', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom<Behaviour>('throws', 'hangs', 'garbage', 'empty', 'collides', 'valid'), fc.constantFrom(...GARBAGE)), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('any', 'horde-first', 'providers-first', 'horde'),
        async (behaviours, selection) => {
          ctx.server.reset()
          const client = ctx.client({ totalTimeoutMs: 150 })
          const canonical = await client.getModelReferenceResult('image_generation')
          const ids = behaviours.map((_, index) => `p${index}`)
          behaviours.forEach(([behaviour, garbage], index) => client.registerProvider(providerOf(ids[index]!, behaviour, garbage)))
          const source = selection === 'any' ? 'any' : selection === 'horde-first' ? ['horde', ...ids] : selection === 'providers-first' ? [...ids, 'horde'] : 'horde'
          const result = await client.getModelReferenceResult('image_generation', { source })
          // Every selected source is reported once, in precedence order, with its status.
          const order = selection === 'horde' ? ['horde'] : selection === 'providers-first' ? [...ids, 'horde'] : ['horde', ...ids]
          expect(result.sources.map((s) => s.id)).toEqual(order)
          for (const [index, [behaviour]] of behaviours.entries()) {
            const reported = result.sources.find((s) => s.id === ids[index])
            if (selection !== 'horde') expect(expectedStatus(behaviour), `${ids[index]} ${behaviour}`).toContain(reported!.status)
          }
          // The canonical records are all there; where horde comes first, they are the canonical records themselves.
          for (const name of canonicalNames) expect(result.models[name]).toBeDefined()
          if (selection !== 'providers-first') for (const name of canonicalNames) expect(result.models[name]).toBe(canonical.models[name])
          if (selection === 'horde') expect(result).toBe(canonical)
          // The canonical copy and its cache are untouched.
          expect(client.peek('image_generation').result).toBe(canonical)
          expect(await client.getModelReferenceResult('image_generation')).toBe(canonical)
          expect(ctx.server.count('primary')).toBe(1)
          client.dispose()
        },
      ),
      { numRuns: 40 },
    )
  })
})
