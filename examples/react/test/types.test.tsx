import { describe, expect, expectTypeOf, it } from 'vitest'
import type { ImageGenerationModelRecord, ModelMap, ModelReferenceResult, TextGenerationModelRecord } from '@horde-model-reference/core'
import type { ModelAvailability, ModelAvailabilityResult } from '@horde-model-reference/core/availability'
import type { ImageGenerationQuery, TextGenerationQuery } from '@horde-model-reference/core/query'
import { useModel, useModelAvailability, useModelReference, useModelSearch, useSuspenseModelReference, type ModelAvailabilityState, type ModelReferenceState, type ModelReferenceSuccess, type ModelSearchState } from '../src/hooks.js'

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

function referenceTypes(): void {
  const state = useModelReference('image_generation')
  expectTypeOf(state).toEqualTypeOf<ModelReferenceState<'image_generation'>>()
  expectTypeOf(state.isFetching).toEqualTypeOf<boolean>()
  expectTypeOf(state.stale).toEqualTypeOf<boolean>()
  expectTypeOf(state.refresh).returns.toEqualTypeOf<Promise<unknown>>()
  if (state.status === 'success') {
    // Defined without `!`.
    expectTypeOf(state.models).toEqualTypeOf<ModelMap<'image_generation'>>()
    expectTypeOf(state.data).toEqualTypeOf<ModelMap<'image_generation'>>()
    expectTypeOf(state.result).toEqualTypeOf<ModelReferenceResult<'image_generation'>>()
    expectTypeOf(state.error).toEqualTypeOf<Error | undefined>()
    void Object.keys(state.models).length
  } else if (state.status === 'error') {
    expectTypeOf(state.error).toEqualTypeOf<Error>()
    expectTypeOf(state.models).toEqualTypeOf<undefined>()
    expectTypeOf(state.stale).toEqualTypeOf<false>()
  } else {
    expectTypeOf(state.status).toEqualTypeOf<'loading'>()
    expectTypeOf(state.models).toEqualTypeOf<undefined>()
    expectTypeOf(state.data).toEqualTypeOf<undefined>()
  }
  // The boolean shortcuts narrow too.
  if (state.isSuccess) expectTypeOf(state.models).toEqualTypeOf<ModelMap<'image_generation'>>()
  if (state.isError) expectTypeOf(state.error).toEqualTypeOf<Error>()
  // @ts-expect-error not narrowed: models may be undefined
  void state.models['AlbedoBase XL (SDXL)']

  // select: its result type is inferred, its argument is the category's result.
  const names = useModelReference('text_generation', {
    select: (result) => {
      expectTypeOf(result).toEqualTypeOf<ModelReferenceResult<'text_generation'>>()
      return Object.keys(result.models)
    },
    enabled: false,
  })
  expectTypeOf(names).toEqualTypeOf<ModelReferenceState<'text_generation', string[]>>()
  if (names.status === 'success') {
    expectTypeOf(names.data).toEqualTypeOf<string[]>()
    expectTypeOf(names.models).toEqualTypeOf<ModelMap<'text_generation'>>()
  } else expectTypeOf(names.data).toEqualTypeOf<undefined>()
  useModelReference('blip', { enabled: true, serverResult: undefined, client: undefined })
  // @ts-expect-error enabled is a boolean
  useModelReference('blip', { enabled: 'yes' })
  // @ts-expect-error select takes the category's result
  useModelReference('blip', { select: (result: ModelReferenceResult<'clip'>) => result.models })

  // The suspense variant: always loaded.
  const loaded = useSuspenseModelReference('image_generation')
  expectTypeOf(loaded).toEqualTypeOf<ModelReferenceSuccess<'image_generation'>>()
  expectTypeOf(loaded.status).toEqualTypeOf<'success'>()
  expectTypeOf(loaded.models).toEqualTypeOf<ModelMap<'image_generation'>>()
  expectTypeOf(loaded.data).toEqualTypeOf<ModelMap<'image_generation'>>()
  expectTypeOf(loaded.result).toEqualTypeOf<ModelReferenceResult<'image_generation'>>()
  expectTypeOf(loaded.isFetching).toEqualTypeOf<boolean>()
  const fetchedAt = useSuspenseModelReference('blip', { select: (result) => result.fetchedAt })
  expectTypeOf(fetchedAt.data).toEqualTypeOf<number>()
  // @ts-expect-error the suspense variant always loads
  useSuspenseModelReference('blip', { enabled: false })

  const one = useModel('image_generation', 'AlbedoBase XL (SDXL)', { enabled: false })
  expectTypeOf(one.model).toEqualTypeOf<ImageGenerationModelRecord | undefined>()
  if (one.status === 'success') expectTypeOf(one.models).toEqualTypeOf<ModelMap<'image_generation'>>()
  // @ts-expect-error useModel has no select
  useModel('blip', 'BLIP', { select: (result: ModelReferenceResult<'blip'>) => result.models })
}

// A misspelt category is a compile error in every hook (the message lists the valid names).
function categoryNameTypes(): void {
  // @ts-expect-error misspelt
  useModelReference('imagegen')
  // @ts-expect-error misspelt
  useSuspenseModelReference('text_generaton')
  // @ts-expect-error misspelt
  useModel('imagegen', 'x')
  // @ts-expect-error misspelt
  useModelAvailability('imagegen')
  // @ts-expect-error misspelt
  useModelSearch('imagegen', 'x')
}

describe('hook types', () => {
  it('narrow on status (checked by the typecheck)', () => {
    expect(typeof categoryNameTypes).toBe('function')
    expect(typeof availabilityTypes).toBe('function')
    expect(typeof searchTypes).toBe('function')
    expect(typeof referenceTypes).toBe('function')
  })
})
