import type { ModelReferenceCategory } from '../categories.js'
import type { ControlNetStyle, KnownImageBaseline, ModelStyle } from './vocabulary.js'

// `string & {}` keeps editor completion for the known values while accepting any string:
// upstream adds baselines and styles over time, and an older client must still read them.
type OpenString<Known extends string> = Known | (string & {})

/** A value allowed in image `requirements` and text `settings`. */
export type PrimitiveSetting = number | string | boolean | readonly number[] | readonly string[]

/** One file of a model, with where to download it. */
export interface DownloadRecord {
  /** The Horde's file name; may contain sub-folders such as `annotators/`. */
  readonly file_name: string
  /** Where to download it; `''` when the legacy data had no URL. */
  readonly file_url: string
  /** The file's sha256 (either letter case occurs), or `'FIXME'` when unknown. */
  readonly sha256sum?: string
  /** A normalised hash of the tensor region, for sharing components. */
  readonly content_hash?: string | null
  /** What the file is for (`'vae'`, `'text_encoders'`, ...); absent for the main file. */
  readonly file_purpose?: string | null
  /** `true` when the host is known to be slow. */
  readonly known_slow_download?: boolean | null
  /** The file's size in bytes, when declared. */
  readonly size_bytes?: number | null
}

/** A record's files. */
export interface ModelRecordConfig {
  /** The files to download, in order. */
  readonly download: readonly DownloadRecord[]
  /** Hashes of components embedded in the main file. */
  readonly embedded_component_hashes?: Readonly<Record<string, string>> | null
}

/** Bookkeeping about a record. */
export interface ModelRecordMetadata {
  /** The record schema's version, `'2.0.0'`. */
  readonly schema_version?: string
  /** When the record was created, in Unix seconds. */
  readonly created_at?: number | null
  /** When the record was last changed, in Unix seconds. */
  readonly updated_at?: number | null
  /** Who created the record. */
  readonly created_by?: string | null
  /** Who last changed the record. */
  readonly updated_by?: string | null
}

/** The domain and purpose of a record's category. */
export interface ModelClassification {
  /** `image`, `text`, `video`, `audio` or `rendered_3d`. */
  readonly domain: string
  /** `generation`, `post_processing`, `auxiliary_or_patch`, `feature_extractor`, `safety_checker` or `miscellaneous`. */
  readonly purpose: string
}

/** The fine-tune family a model belongs to. */
export interface FineTuneSeriesInfo {
  /** The series' name, such as `'Pony'`. */
  readonly name: string
  /** The series' version, free text. */
  readonly version?: string | null
  /** Who makes the series. */
  readonly author?: string | null
  /** What the series is, free text. */
  readonly description?: string | null
  /** The series' web page. */
  readonly homepage?: string | null
}

/**
 * The fields every record has (upstream's `GenericModelRecord`). `record_type`, `metadata`,
 * `config` and `model_classification` are filled in from the category when the source left
 * them out. Fields this SDK does not know are kept at run time.
 */
export interface ModelRecordBase<C extends ModelReferenceCategory = ModelReferenceCategory> {
  /** The record's category. */
  readonly record_type: C
  /** The model's name: the key of the map a reader gets. */
  readonly name: string
  /** What the model is and is good at, free text. */
  readonly description?: string | null
  /** The model's version, free text (`'1.0'`, `'IL 19'`, ...): never a number. */
  readonly version?: string | null
  /** The fine-tune family the model belongs to, when the record says. */
  readonly finetune_series?: FineTuneSeriesInfo | null
  /** Bookkeeping: schema version, who created and changed the record and when. */
  readonly metadata: ModelRecordMetadata
  /** The model's files, with where to download them. */
  readonly config: ModelRecordConfig
  /** The category's domain and purpose. */
  readonly model_classification: ModelClassification
  /** The model's size on disk in bytes (may exceed 2^32). */
  readonly size_on_disk_bytes?: number | null
}

/** An `image_generation` record. */
export interface ImageGenerationModelRecord extends ModelRecordBase<'image_generation'> {
  /** The architecture, such as `'stable_diffusion_xl'`; an unknown one is kept with a warning. */
  readonly baseline: OpenString<KnownImageBaseline>
  /** `true` for an inpainting model (it fills a masked part of a source image). */
  readonly inpainting: boolean
  /** `true` when the model is meant for, or readily produces, adult content. */
  readonly nsfw: boolean
  /** A speed-up the model is built for, such as `'lightning'` (few steps). */
  readonly optimization?: string | null
  /** Descriptive tags (`'anime'`, `'retro'`, ...), from upstream's `KNOWN_TAGS` as a rule. */
  readonly tags: readonly string[]
  /** URLs of example images. */
  readonly showcases: readonly string[]
  /** Words a prompt should contain to bring out the model's look; `[]` when none. */
  readonly trigger: readonly string[]
  /** The oldest worker (bridge) version that can run the model; unused since 2023. */
  readonly min_bridge_version?: number | null
  /** The model's web page (Civitai, Hugging Face, ...). */
  readonly homepage?: string | null
  /** The style, such as `'generalist'`; an unknown one is kept with a warning. */
  readonly style?: OpenString<ModelStyle> | null
  /** Sampler and step constraints, such as `{ clip_skip: 2, samplers: ['k_euler'] }`. */
  readonly requirements?: Readonly<Record<string, PrimitiveSetting>> | null
}

/** A `text_generation` record (base names only; no backend-prefixed duplicates). */
export interface TextGenerationModelRecord extends ModelRecordBase<'text_generation'> {
  /** The parameter count (the wire key is `parameters`, upstream's `parameters_count`). */
  readonly parameters: number
  /** Free text, such as the base model's repository name. */
  readonly baseline?: string | null
  /** `true` when the model is meant for, or readily produces, adult content. */
  readonly nsfw: boolean
  /** Free text: `generalist`, `chat`, `roleplay`, ... */
  readonly style?: string | null
  /** The name to show people, such as `'Llama 3 8B Instruct'` (generated from the name when the source had none). */
  readonly display_name?: string | null
  /** The model's web page, such as its Hugging Face repository. */
  readonly url?: string | null
  /** Descriptive tags. */
  readonly tags?: readonly string[] | null
  /** The prompt format, such as `'ChatML'`. */
  readonly instruct_format?: string | null
  /** Suggested generation settings. */
  readonly settings?: Readonly<Record<string, PrimitiveSetting>> | null
  /** The base-name group, such as `'Llama-3'` for `'Llama-3-8B-Instruct'`. */
  readonly text_model_group?: string | null
  /** Set when the name does not follow upstream's naming schema (`{author}/{model}`): says how it differs. */
  readonly name_schema_exception?: string | null
}

/** A `controlnet` record. */
export interface ControlNetModelRecord extends ModelRecordBase<'controlnet'> {
  /** The ControlNet style; an unknown one is kept with a warning. */
  readonly controlnet_style?: OpenString<ControlNetStyle> | null
}

/** A `controlnet_annotator` record. */
export interface ControlNetAnnotatorModelRecord extends ModelRecordBase<'controlnet_annotator'> {
  /** The ControlNet types the annotator prepares images for, such as `'canny'`. */
  readonly control_types: readonly string[]
  /** The preprocessors the annotator provides. */
  readonly preprocessors: readonly string[]
}

/** A `clip` record. */
export interface ClipModelRecord extends ModelRecordBase<'clip'> {
  /** The OpenCLIP pretrained weights the model loads, such as `'laion2b_s39b_b160k'`. */
  readonly pretrained_name?: string | null
}

/** A `video_generation` or `audio_generation` record (reserved upstream, empty today). */
export interface MediaGenerationModelRecord<C extends 'video_generation' | 'audio_generation'>
  extends ModelRecordBase<C> {
  /** The architecture, free text. */
  readonly baseline?: string | null
  /** `true` when the model is meant for, or readily produces, adult content. */
  readonly nsfw: boolean
  /** Descriptive tags. */
  readonly tags?: readonly string[] | null
}

/** A `lora` or `ti` record (managed elsewhere: the reference never holds any). */
export interface AuxiliaryModelRecord<C extends 'lora' | 'ti'> extends ModelRecordBase<C> {
  /** The baseline of the models it fits, free text. */
  readonly baseline?: string | null
  /** `true` when it is meant for, or readily produces, adult content. */
  readonly nsfw: boolean
  /** Descriptive tags. */
  readonly tags?: readonly string[] | null
  /** Words a prompt should contain to activate it. */
  readonly trigger?: readonly string[] | null
  /** URLs of example images. */
  readonly showcases?: readonly string[] | null
  /** Its web page. */
  readonly homepage?: string | null
}

/** The record type of each category. */
export interface ModelRecordMap {
  /** BLIP image captioning models (post-processing). */
  blip: ModelRecordBase<'blip'>
  /** CLIP models (image–text feature extraction). */
  clip: ClipModelRecord
  /** CodeFormer face restoration models (post-processing). */
  codeformer: ModelRecordBase<'codeformer'>
  /** ControlNet models (image generation guided by a control image). */
  controlnet: ControlNetModelRecord
  /** ControlNet annotators (the preprocessors that make control images). */
  controlnet_annotator: ControlNetAnnotatorModelRecord
  /** ESRGAN upscalers (post-processing). */
  esrgan: ModelRecordBase<'esrgan'>
  /** GFPGAN face restoration models (post-processing). */
  gfpgan: ModelRecordBase<'gfpgan'>
  /** Safety checkers (they flag unsafe images, such as NSFW ones). */
  safety_checker: ModelRecordBase<'safety_checker'>
  /** Image generation models (Stable Diffusion, Flux, ...). */
  image_generation: ImageGenerationModelRecord
  /** Text generation models (LLMs). */
  text_generation: TextGenerationModelRecord
  /** Video generation models (reserved upstream, empty today). */
  video_generation: MediaGenerationModelRecord<'video_generation'>
  /** Audio generation models (reserved upstream, empty today). */
  audio_generation: MediaGenerationModelRecord<'audio_generation'>
  /** Models that fit no other category. */
  miscellaneous: ModelRecordBase<'miscellaneous'>
  /** LoRAs (managed elsewhere: the reference never holds any). */
  lora: AuxiliaryModelRecord<'lora'>
  /** Textual inversions (embeddings; managed elsewhere: the reference never holds any). */
  ti: AuxiliaryModelRecord<'ti'>
}

/** The record type of category `C`: `RecordFor<'image_generation'>` is {@link ImageGenerationModelRecord}. */
export type RecordFor<C extends ModelReferenceCategory> = ModelRecordMap[C]

/** A record of any category. */
export type AnyModelRecord = ModelRecordMap[ModelReferenceCategory]

/** The records of one category, keyed by record `name`. Frozen, with no prototype. */
export type ModelMap<C extends ModelReferenceCategory> = Readonly<Record<string, RecordFor<C>>>
