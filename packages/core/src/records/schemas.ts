import * as v from 'valibot'
import { getCategoryDescriptor, isServerCategory, type ModelReferenceCategory } from '../categories.js'

// Every schema is built once, when first needed, and reused for every record. Objects are
// loose: fields this SDK does not know survive validation (upstream adds fields over time).
// Optional fields accept null as well as absence, as upstream's `X | None = None` fields do.

const EMPTY_LIST: readonly never[] = Object.freeze([])
const DEFAULT_METADATA = Object.freeze({ schema_version: '2.0.0' })
const DEFAULT_CONFIG = Object.freeze({ download: EMPTY_LIST })

const optionalString = v.nullish(v.string())
const optionalNumber = v.nullish(v.number())
const stringList = v.array(v.string())
const primitiveSetting = v.union([v.number(), v.string(), v.boolean(), v.array(v.number()), v.array(v.string())])
const primitiveSettings = v.nullish(v.record(v.string(), primitiveSetting))

const downloadRecord = v.looseObject({
  file_name: v.string(),
  file_url: v.string(),
  sha256sum: v.optional(v.string()),
  content_hash: optionalString,
  file_purpose: optionalString,
  known_slow_download: v.nullish(v.boolean()),
  size_bytes: optionalNumber,
})

const config = v.nullish(
  v.looseObject({
    download: v.nullish(v.array(downloadRecord), EMPTY_LIST),
    embedded_component_hashes: v.nullish(v.record(v.string(), v.string())),
  }),
  DEFAULT_CONFIG,
)

const metadata = v.nullish(
  v.looseObject({
    schema_version: v.optional(v.string()),
    created_at: optionalNumber,
    updated_at: optionalNumber,
    created_by: optionalString,
    updated_by: optionalString,
  }),
  DEFAULT_METADATA,
)

const finetuneSeries = v.nullish(
  v.looseObject({
    name: v.string(),
    version: optionalString,
    author: optionalString,
    description: optionalString,
    homepage: optionalString,
  }),
)

function baseEntries(category: ModelReferenceCategory) {
  // A category only a server knows has no classification of the SDK's to fill in.
  const { domain, purpose } = isServerCategory(category) ? { domain: undefined, purpose: undefined } : getCategoryDescriptor(category)
  return {
    record_type: v.optional(v.string(), category),
    name: v.pipe(v.string(), v.nonEmpty('a record needs a non-empty name')),
    description: optionalString,
    version: optionalString,
    finetune_series: finetuneSeries,
    metadata,
    config,
    model_classification: v.nullish(
      v.looseObject({ domain: v.string(), purpose: v.string() }),
      domain === undefined ? undefined : Object.freeze({ domain, purpose }),
    ),
    size_on_disk_bytes: optionalNumber,
  }
}

function listDefaultingToEmpty() {
  return v.nullish(stringList, EMPTY_LIST)
}

function buildSchema(category: ModelReferenceCategory) {
  const base = baseEntries(category)
  switch (category) {
    case 'image_generation':
      return v.looseObject({
        ...base,
        baseline: v.string(),
        inpainting: v.nullish(v.boolean(), false),
        nsfw: v.boolean(),
        optimization: optionalString,
        tags: listDefaultingToEmpty(),
        showcases: listDefaultingToEmpty(),
        trigger: listDefaultingToEmpty(),
        min_bridge_version: optionalNumber,
        homepage: optionalString,
        style: optionalString,
        requirements: primitiveSettings,
      })
    case 'text_generation':
      return v.looseObject({
        ...base,
        // Required, but may come as upstream's field name `parameters_count` (validate.ts).
        parameters: v.optional(v.number()),
        parameters_count: v.optional(v.number()),
        baseline: optionalString,
        nsfw: v.nullish(v.boolean(), false),
        style: optionalString,
        display_name: optionalString,
        url: optionalString,
        tags: v.nullish(stringList),
        instruct_format: optionalString,
        settings: primitiveSettings,
        text_model_group: optionalString,
        name_schema_exception: optionalString,
      })
    case 'controlnet':
      return v.looseObject({ ...base, controlnet_style: optionalString })
    case 'controlnet_annotator':
      return v.looseObject({ ...base, control_types: listDefaultingToEmpty(), preprocessors: listDefaultingToEmpty() })
    case 'clip':
      return v.looseObject({ ...base, pretrained_name: optionalString })
    case 'video_generation':
    case 'audio_generation':
      return v.looseObject({
        ...base,
        baseline: optionalString,
        nsfw: v.nullish(v.boolean(), false),
        tags: v.nullish(stringList),
      })
    case 'lora':
    case 'ti':
      return v.looseObject({
        ...base,
        baseline: optionalString,
        nsfw: v.nullish(v.boolean(), false),
        tags: v.nullish(stringList),
        trigger: v.nullish(stringList),
        showcases: v.nullish(stringList),
        homepage: optionalString,
      })
    default:
      return v.looseObject(base)
  }
}

/** The valibot schema of one record of a category. */
export type RecordSchema = ReturnType<typeof buildSchema>

const cache = new Map<ModelReferenceCategory, RecordSchema>()

/** The record schema of `category`, built on first use and then reused. */
export function getRecordSchema(category: ModelReferenceCategory): RecordSchema {
  let schema = cache.get(category)
  if (schema === undefined) {
    schema = buildSchema(category)
    cache.set(category, schema)
  }
  return schema
}
