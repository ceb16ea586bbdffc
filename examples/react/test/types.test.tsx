import { describe, expect, expectTypeOf, it } from 'vitest'
import type { ImageGenerationModelRecord, TextGenerationModelRecord } from '@horde-model-reference/core'
import type { ModelAvailability, ModelAvailabilityResult } from '@horde-model-reference/core/availability'
import type { ImageGenerationQuery, TextGenerationQuery } from '@horde-model-reference/core/query'
import { useModelAvailability, useModelSearch, type ModelAvailabilityState, type ModelSearchState } from '../src/hooks.js'

// Checked by `tsc -p tsconfig.json` (the typecheck): narrowing on `status` gives the data without `!`.
// The hooks are never called here; the functions exist for the compiler.
function availabilityTypes(): void {
  const live = useModelAvailability('image_generation')
  expectTypeOf(live).toEqualTypeOf<ModelAvailabilityState<'image_generation'>>()
  if (live.status === 'success') {
    expectTypeOf(live.availability).toEqualTypeOf<ModelAvailabilityResult<'image_generation'>>()
    expectTypeOf(live.availability.models[0]!).toEqualTypeOf<ModelAvailability<'image_generation'>>()
    expectTypeOf(live.availability.models[0]!.record).toEqualTypeOf<ImageGenerationModelRecord>()
    expectTypeOf(live.stale).toEqualTypeOf<boolean>()
    expectTypeOf(live.error).toEqualTypeOf<Error | undefined>()
  } else if (live.status === 'error') {
    expectTypeOf(live.error).toEqualTypeOf<Error>()
    expectTypeOf(live.availability).toEqualTypeOf<undefined>()
  } else {
    expectTypeOf(live.status).toEqualTypeOf<'loading'>()
    expectTypeOf(live.availability).toEqualTypeOf<undefined>()
  }
  // @ts-expect-error not narrowed: availability may be undefined
  void live.availability.models
  const text = useModelAvailability('text_generation', { refreshIntervalMs: 0 })
  if (text.status === 'success') expectTypeOf(text.availability.byName['x']!.record).toEqualTypeOf<TextGenerationModelRecord>()
  // @ts-expect-error the Horde reports live numbers for image and text models only
  useModelAvailability('controlnet')
}

function searchTypes(): void {
  const found = useModelSearch('image_generation', 'pony', { refine: (q) => q.excludeNsfw().forBaseline('SDXL'), limit: 5 })
  expectTypeOf(found).toEqualTypeOf<ModelSearchState<'image_generation'>>()
  if (found.status === 'success') expectTypeOf(found.models).toEqualTypeOf<readonly ImageGenerationModelRecord[]>()
  else expectTypeOf(found.models).toEqualTypeOf<undefined>()
  // @ts-expect-error not narrowed: models may be undefined
  void found.models.length
  useModelSearch('text_generation', 'magnum', { refine: (q) => { expectTypeOf(q).toEqualTypeOf<TextGenerationQuery>(); return q.excludeQuantized() } })
  useModelSearch('image_generation', '', { refine: (q) => { expectTypeOf(q).toEqualTypeOf<ImageGenerationQuery>(); return q } })
  // @ts-expect-error image queries have no text-model shortcuts
  useModelSearch('image_generation', '', { refine: (q) => q.excludeQuantized() })
}

describe('hook types', () => {
  it('narrow on status (checked by the typecheck)', () => {
    expect(typeof availabilityTypes).toBe('function')
    expect(typeof searchTypes).toBe('function')
  })
})
