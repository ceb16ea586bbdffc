import { describe, expectTypeOf, it } from 'vitest'
import {
  createModelReferenceClient,
  MODEL_REFERENCE_CATEGORY,
  ModelReferenceManager,
  type AnyModelRecord,
  type ControlNetModelRecord,
  type ImageGenerationModelRecord,
  type ModelReferenceCategory,
  type ModelReferenceResult,
  type RecordFor,
  type TextGenerationModelRecord,
} from '../src/index.js'
import { query } from '../src/query/index.js'
import { type ImageGenerationQuery, type TextGenerationQuery } from '../src/query/index.js'

describe('types', () => {
  it("getModelReference('image_generation') yields image records", async () => {
    const manager = new ModelReferenceManager()
    const images = await manager.getModelReference('image_generation')
    expectTypeOf(images).toEqualTypeOf<Readonly<Record<string, ImageGenerationModelRecord>>>()
    expectTypeOf(images['x']!.baseline).toMatchTypeOf<string>()
    expectTypeOf(images['x']!.nsfw).toEqualTypeOf<boolean>()
    expectTypeOf(images['x']!.record_type).toEqualTypeOf<'image_generation'>()
    // @ts-expect-error image records have no parameter count
    void images['x']!.parameters
  })

  it('each category maps to its record type, with the enum or a string literal', async () => {
    const client = createModelReferenceClient()
    const text = await client.getModelReference(MODEL_REFERENCE_CATEGORY.text_generation)
    expectTypeOf(text['x']!).toEqualTypeOf<TextGenerationModelRecord>()
    expectTypeOf(text['x']!.parameters).toEqualTypeOf<number>()
    expectTypeOf(await client.getModel('controlnet', 'x')).toEqualTypeOf<ControlNetModelRecord>()
    expectTypeOf(await client.getModelOrNull('image_generation', 'x')).toEqualTypeOf<ImageGenerationModelRecord | null>()
    expectTypeOf<RecordFor<'clip'>['pretrained_name']>().toEqualTypeOf<string | null | undefined>()
    const result = await client.getModelReferenceResult('text_generation')
    expectTypeOf(result).toEqualTypeOf<ModelReferenceResult<'text_generation'>>()
    expectTypeOf(result.source).toEqualTypeOf<'primary' | 'github' | 'storage' | 'none' | 'provider'>()
  })

  it('a plain string category gives the union of records', async () => {
    const category: string = 'blip'
    const models = await createModelReferenceClient().getModelReference(category)
    expectTypeOf(models['x']!).toEqualTypeOf<AnyModelRecord>()
  })

  it('the category union lists the 15 categories', () => {
    expectTypeOf<ModelReferenceCategory>().toEqualTypeOf<
      | 'blip' | 'clip' | 'codeformer' | 'controlnet' | 'controlnet_annotator' | 'esrgan' | 'gfpgan' | 'safety_checker'
      | 'image_generation' | 'text_generation' | 'video_generation' | 'audio_generation' | 'miscellaneous' | 'lora' | 'ti'
    >()
  })

  it('queries are typed per category', async () => {
    const client = createModelReferenceClient()
    expectTypeOf(query(client, 'image_generation')).toEqualTypeOf<ImageGenerationQuery>()
    expectTypeOf(query(client, 'text_generation')).toEqualTypeOf<TextGenerationQuery>()
    expectTypeOf(await query(client, 'image_generation').forBaseline('SDXL').toArray()).toEqualTypeOf<ImageGenerationModelRecord[]>()
    expectTypeOf(await query(client, 'image_generation').distinct('baseline')).toEqualTypeOf<ImageGenerationModelRecord['baseline'][]>()
    // @ts-expect-error the compiler rejects a field the records do not have
    query(client, 'image_generation').where('basline', '=', 'x')
    // @ts-expect-error ...also in the equality form
    query(client, 'image_generation').where({ basline: 'x' })
    // @ts-expect-error controlnet records have no tags
    query(client, 'controlnet').tagsAny('x')
    // @ts-expect-error forBaseline is for image queries only
    query(client, 'text_generation').forBaseline('SDXL')
    expectTypeOf(query(client, 'image_generation').tagsAny('anime')).toEqualTypeOf<ImageGenerationQuery>()
  })

  it('records are read-only', async () => {
    const images = await createModelReferenceClient().getModelReference('image_generation')
    // @ts-expect-error the map is read-only
    images['x'] = images['y']!
    // @ts-expect-error records are read-only
    images['x']!.nsfw = true
  })
})
