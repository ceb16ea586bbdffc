import { describe, expectTypeOf, it } from 'vitest'
import {
  createModelReferenceClient,
  isModelReferenceCategory,
  ModelReferenceManager,
  type AnyModelMap,
  type AnyModelRecord,
  type CategoryName,
  type CategoryState,
  type ModelMap,
  type ModelReferenceCategory,
  type ModelReferenceResult,
  type RecordFor,
} from '../src/index.js'
import { getModelAvailability } from '../src/availability.js'
import { watchModelReference } from '../src/diff/watch.js'
import { getLegacyModelReference } from '../src/legacy.js'
import { createCategoryObserver } from '../src/observer.js'
import { getPopularModels } from '../src/popular.js'
import { query, type ImageGenerationQuery, type ModelQuery } from '../src/query/index.js'
import { getRawModel, getRawModelReference } from '../src/raw.js'

// A misspelt category is a compile error wherever a category is taken; a wide `string` still
// compiles (checked at run time), and isModelReferenceCategory narrows it. The message lists the
// valid names: test/exact-optional.test.ts runs tsc on a misspelling and reads it.
describe('category names', () => {
  it('a misspelt literal is refused by every public function that takes a category', () => {
    const client = createModelReferenceClient()
    const manager = new ModelReferenceManager()
    // @ts-expect-error misspelt
    void client.getModelReference('imagegen')
    // @ts-expect-error misspelt
    void manager.getModelReference('image_generaton')
    // @ts-expect-error misspelt
    void client.getModelReferenceOrNull('imagegen')
    // @ts-expect-error misspelt
    void client.getModelReferenceResult('imagegen')
    // @ts-expect-error misspelt
    void client.getModel('imagegen', 'x')
    // @ts-expect-error misspelt
    void client.getModelOrNull('imagegen', 'x')
    // @ts-expect-error misspelt
    void client.getModelNames('imagegen')
    // @ts-expect-error misspelt
    void client.suggestModelNames('imagegen', 'x')
    // @ts-expect-error misspelt
    void client.lastUpdated('imagegen')
    // @ts-expect-error misspelt
    void client.getMetadata('imagegen')
    // @ts-expect-error misspelt
    void client.refresh('imagegen')
    // @ts-expect-error misspelt
    client.invalidate('imagegen')
    // @ts-expect-error misspelt
    client.peek('imagegen')
    // @ts-expect-error misspelt
    client.subscribe('imagegen', () => {})
    // @ts-expect-error misspelt
    client.dehydrate(['imagegen'])
    // @ts-expect-error misspelt
    query(client, 'imagegen')
    // @ts-expect-error misspelt
    void getRawModelReference(client, 'imagegen')
    // @ts-expect-error misspelt
    void getRawModel(client, 'imagegen', 'x')
    // @ts-expect-error misspelt
    void getLegacyModelReference(client, 'imagegen')
    // @ts-expect-error misspelt
    createCategoryObserver(client, 'imagegen')
    // @ts-expect-error misspelt
    watchModelReference(client, 'imagegen', () => {})
    // @ts-expect-error misspelt
    void getPopularModels(client, 'imagegen')
    // @ts-expect-error misspelt
    void getModelAvailability(client, 'imagegen')
    // @ts-expect-error a union with one misspelt member is refused too
    void client.getModelReference('blip' as 'blip' | 'blipp')
  })

  it('each valid literal compiles and narrows the records', async () => {
    const client = createModelReferenceClient()
    expectTypeOf(await client.getModelReference('blip')).toEqualTypeOf<ModelMap<'blip'>>()
    expectTypeOf(await client.getModelReferenceResult('blip')).toEqualTypeOf<ModelReferenceResult<'blip'>>()
    expectTypeOf(client.peek('blip')).toEqualTypeOf<CategoryState<'blip'>>()
    expectTypeOf(await client.getModelReference('clip')).toEqualTypeOf<ModelMap<'clip'>>()
    expectTypeOf(await client.getModelReferenceResult('clip')).toEqualTypeOf<ModelReferenceResult<'clip'>>()
    expectTypeOf(client.peek('clip')).toEqualTypeOf<CategoryState<'clip'>>()
    expectTypeOf(await client.getModelReference('codeformer')).toEqualTypeOf<ModelMap<'codeformer'>>()
    expectTypeOf(await client.getModelReferenceResult('codeformer')).toEqualTypeOf<ModelReferenceResult<'codeformer'>>()
    expectTypeOf(client.peek('codeformer')).toEqualTypeOf<CategoryState<'codeformer'>>()
    expectTypeOf(await client.getModelReference('controlnet')).toEqualTypeOf<ModelMap<'controlnet'>>()
    expectTypeOf(await client.getModelReferenceResult('controlnet')).toEqualTypeOf<ModelReferenceResult<'controlnet'>>()
    expectTypeOf(client.peek('controlnet')).toEqualTypeOf<CategoryState<'controlnet'>>()
    expectTypeOf(await client.getModelReference('controlnet_annotator')).toEqualTypeOf<ModelMap<'controlnet_annotator'>>()
    expectTypeOf(await client.getModelReferenceResult('controlnet_annotator')).toEqualTypeOf<ModelReferenceResult<'controlnet_annotator'>>()
    expectTypeOf(client.peek('controlnet_annotator')).toEqualTypeOf<CategoryState<'controlnet_annotator'>>()
    expectTypeOf(await client.getModelReference('esrgan')).toEqualTypeOf<ModelMap<'esrgan'>>()
    expectTypeOf(await client.getModelReferenceResult('esrgan')).toEqualTypeOf<ModelReferenceResult<'esrgan'>>()
    expectTypeOf(client.peek('esrgan')).toEqualTypeOf<CategoryState<'esrgan'>>()
    expectTypeOf(await client.getModelReference('gfpgan')).toEqualTypeOf<ModelMap<'gfpgan'>>()
    expectTypeOf(await client.getModelReferenceResult('gfpgan')).toEqualTypeOf<ModelReferenceResult<'gfpgan'>>()
    expectTypeOf(client.peek('gfpgan')).toEqualTypeOf<CategoryState<'gfpgan'>>()
    expectTypeOf(await client.getModelReference('safety_checker')).toEqualTypeOf<ModelMap<'safety_checker'>>()
    expectTypeOf(await client.getModelReferenceResult('safety_checker')).toEqualTypeOf<ModelReferenceResult<'safety_checker'>>()
    expectTypeOf(client.peek('safety_checker')).toEqualTypeOf<CategoryState<'safety_checker'>>()
    expectTypeOf(await client.getModelReference('image_generation')).toEqualTypeOf<ModelMap<'image_generation'>>()
    expectTypeOf(await client.getModelReferenceResult('image_generation')).toEqualTypeOf<ModelReferenceResult<'image_generation'>>()
    expectTypeOf(client.peek('image_generation')).toEqualTypeOf<CategoryState<'image_generation'>>()
    expectTypeOf(await client.getModelReference('text_generation')).toEqualTypeOf<ModelMap<'text_generation'>>()
    expectTypeOf(await client.getModelReferenceResult('text_generation')).toEqualTypeOf<ModelReferenceResult<'text_generation'>>()
    expectTypeOf(client.peek('text_generation')).toEqualTypeOf<CategoryState<'text_generation'>>()
    expectTypeOf(await client.getModelReference('video_generation')).toEqualTypeOf<ModelMap<'video_generation'>>()
    expectTypeOf(await client.getModelReferenceResult('video_generation')).toEqualTypeOf<ModelReferenceResult<'video_generation'>>()
    expectTypeOf(client.peek('video_generation')).toEqualTypeOf<CategoryState<'video_generation'>>()
    expectTypeOf(await client.getModelReference('audio_generation')).toEqualTypeOf<ModelMap<'audio_generation'>>()
    expectTypeOf(await client.getModelReferenceResult('audio_generation')).toEqualTypeOf<ModelReferenceResult<'audio_generation'>>()
    expectTypeOf(client.peek('audio_generation')).toEqualTypeOf<CategoryState<'audio_generation'>>()
    expectTypeOf(await client.getModelReference('miscellaneous')).toEqualTypeOf<ModelMap<'miscellaneous'>>()
    expectTypeOf(await client.getModelReferenceResult('miscellaneous')).toEqualTypeOf<ModelReferenceResult<'miscellaneous'>>()
    expectTypeOf(client.peek('miscellaneous')).toEqualTypeOf<CategoryState<'miscellaneous'>>()
    expectTypeOf(await client.getModelReference('lora')).toEqualTypeOf<ModelMap<'lora'>>()
    expectTypeOf(await client.getModelReferenceResult('lora')).toEqualTypeOf<ModelReferenceResult<'lora'>>()
    expectTypeOf(client.peek('lora')).toEqualTypeOf<CategoryState<'lora'>>()
    expectTypeOf(await client.getModelReference('ti')).toEqualTypeOf<ModelMap<'ti'>>()
    expectTypeOf(await client.getModelReferenceResult('ti')).toEqualTypeOf<ModelReferenceResult<'ti'>>()
    expectTypeOf(client.peek('ti')).toEqualTypeOf<CategoryState<'ti'>>()
    expectTypeOf(await client.getModel('image_generation', 'x')).toEqualTypeOf<RecordFor<'image_generation'>>()
    expectTypeOf(await client.refresh('controlnet')).toEqualTypeOf<ModelReferenceResult<'controlnet'>>()
    expectTypeOf(query(client, 'image_generation')).toEqualTypeOf<ImageGenerationQuery>()
    expectTypeOf(await client.getModelNames('esrgan')).toEqualTypeOf<readonly string[]>()
    client.invalidate('blip')
    client.invalidate()
    await client.refresh()
  })

  it('a wide string compiles (checked at run time) and gives the records of any category', async () => {
    const client = createModelReferenceClient()
    const name: string = 'rendered_3d_generation'
    expectTypeOf(await client.getModelReference(name)).toEqualTypeOf<AnyModelMap>()
    expectTypeOf(await client.getModelReferenceResult(name)).toEqualTypeOf<ModelReferenceResult>()
    expectTypeOf(await client.getModel(name, 'x')).toEqualTypeOf<AnyModelRecord>()
    expectTypeOf(await client.refresh(name)).toEqualTypeOf<ModelReferenceResult>()
    expectTypeOf(client.peek(name)).toEqualTypeOf<CategoryState>()
    expectTypeOf(query(client, name)).toEqualTypeOf<ModelQuery<ModelReferenceCategory>>()
    await client.getModelNames(name)
    await client.lastUpdated(name)
    await getRawModelReference(client, name)
    client.invalidate(name)
  })

  it('isModelReferenceCategory narrows a string to the category union', async () => {
    const client = createModelReferenceClient()
    const value: unknown = 'blip'
    if (isModelReferenceCategory(value)) {
      expectTypeOf(value).toEqualTypeOf<ModelReferenceCategory>()
      expectTypeOf(await client.getModelReference(value)).toEqualTypeOf<ModelMap<ModelReferenceCategory>>()
      createCategoryObserver(client, value)
    }
  })

  it('a generic caller constrained to the category union compiles', () => {
    const client = createModelReferenceClient()
    const read = <C extends ModelReferenceCategory>(category: C): Promise<ModelMap<C>> => client.getModelReference(category)
    const names = <C extends ModelReferenceCategory>(category: C): Promise<readonly string[]> => client.getModelNames(category)
    expectTypeOf(read('clip')).toEqualTypeOf<Promise<ModelMap<'clip'>>>()
    void names
  })

  it('CategoryName<S> is S for a category or a wide string, the union otherwise', () => {
    expectTypeOf<CategoryName<'blip'>>().toEqualTypeOf<'blip'>()
    expectTypeOf<CategoryName<string>>().toEqualTypeOf<string>()
    expectTypeOf<CategoryName<'imagegen'>>().toEqualTypeOf<ModelReferenceCategory>()
  })
})
