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
import { queryAll, type AllModelsQuery, type ImageGenerationQuery, type RecordWithSource, type TextGenerationQuery } from '../src/query/index.js'

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
    expectTypeOf(result.source).toEqualTypeOf<'primary' | 'github' | 'storage' | 'snapshot' | 'none' | 'provider'>()
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

  it('whereClassification accepts domain and purpose only', () => {
    const client = createModelReferenceClient()
    expectTypeOf(query(client, 'image_generation').whereClassification({ domain: 'image', purpose: 'generation' })).toEqualTypeOf<ImageGenerationQuery>()
    // A registered domain or purpose is any string.
    query(client, 'blip').whereClassification({ domain: 'rendered_3d_v2' })
    // @ts-expect-error an unknown key is refused
    query(client, 'blip').whereClassification({ domian: 'image' })
    // @ts-expect-error ...and so is a value that is not a string
    query(client, 'blip').whereClassification({ purpose: 1 })
  })

  it('queryAll yields records of any category, and has no single category', async () => {
    const client = createModelReferenceClient()
    const all = queryAll(client)
    expectTypeOf(all).toEqualTypeOf<AllModelsQuery>()
    expectTypeOf(await all.toArray()).toEqualTypeOf<AnyModelRecord[]>()
    expectTypeOf(all.category).toEqualTypeOf<undefined>()
    expectTypeOf(query(client, 'image_generation').category).toEqualTypeOf<'image_generation'>()
    // Only the fields every record has.
    all.where('size_on_disk_bytes', '>', 0).orderBy('name')
    // @ts-expect-error baseline is not a field of every record
    all.orderBy('baseline')
  })

  it('toArrayWithSource pairs the category’s record type with a source id', async () => {
    const client = createModelReferenceClient()
    const pairs = await query(client, 'text_generation', { source: 'any' }).toArrayWithSource()
    expectTypeOf(pairs).toEqualTypeOf<RecordWithSource<TextGenerationModelRecord>[]>()
    expectTypeOf(pairs[0]!.record).toEqualTypeOf<TextGenerationModelRecord>()
    expectTypeOf(pairs[0]!.source).toEqualTypeOf<string>()
    expectTypeOf(await query(client, 'controlnet').groupBySource()).toEqualTypeOf<Map<string, ControlNetModelRecord[]>>()
    expectTypeOf(await queryAll(client).toArrayWithSource()).toEqualTypeOf<RecordWithSource<AnyModelRecord>[]>()
  })

  it('records are read-only', async () => {
    const images = await createModelReferenceClient().getModelReference('image_generation')
    // @ts-expect-error the map is read-only
    images['x'] = images['y']!
    // @ts-expect-error records are read-only
    images['x']!.nsfw = true
  })
})
