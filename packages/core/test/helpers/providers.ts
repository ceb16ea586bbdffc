import type { ModelReferenceProvider } from '../../src/index.js'
import { fixtureJson } from '../../../../e2e/fixtures.js'

/** A fresh copy of the real `AlbedoBase XL (SDXL)` record. */
export const albedo = (): Record<string, unknown> => structuredClone((fixtureJson('derived-v2/stable_diffusion.json') as Record<string, Record<string, unknown>>)['AlbedoBase XL (SDXL)']!)

/** A provider whose answers the test decides (a value or a promise), counting its loads. */
export function scripted(id: string, answer: (category: string) => unknown, categories: readonly string[] = ['image_generation']): ModelReferenceProvider & { loads: number } {
  const provider = {
    id,
    categories,
    loads: 0,
    async load(category: string) {
      provider.loads++
      return (await answer(category)) as Record<string, unknown>
    },
  }
  return provider
}
