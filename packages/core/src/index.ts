export {
  MODEL_REFERENCE_CATEGORY,
  MODEL_REFERENCE_CATEGORIES,
  getCategoryDescriptor,
  isModelReferenceCategory,
  type CategoryDescriptor,
  type FetchableCategory,
  type GithubSourceKind,
  type ManagedElsewhereCategory,
  type ModelReferenceCategory,
} from './categories.js'
export {
  PrefetchStrategy,
  DEFAULT_OPTIONS,
  normalizeOptions,
  type FetchFunction,
  type LockManagerLike,
  type ModelReferenceOptions,
  type NormalizedOptions,
} from './options.js'
export { ModelReferenceManager } from './manager.js'
export {
  ModelReferenceClient,
  createModelReferenceClient,
  type AllModelReferences,
  type AnyModelMap,
  type DeferredPrefetchHandle,
  type ModelReferenceListener,
  type PopularModelsOptions,
  type ModelReferenceResult,
  type ReadOptions,
  type ResultSource,
} from './client.js'
export type { RawModelReference } from './load.js'
export {
  ModelQuery,
  ImageGenerationQuery,
  TextGenerationQuery,
  ControlNetQuery,
  createQuery,
  type Comparison,
  type FieldOf,
  type QueryFor,
  type TaggedCategory,
} from './query/query.js'
export { rankPopularModels, type PopularModel, type PopularSortBy } from './popular.js'
export type { LegacyModelRecord, LegacyModelReference } from './legacy.js'
export {
  UNKNOWN_SHA256,
  findDownloadBySha256,
  getAllDownloadUrls,
  getDeclaredTotalSize,
  getPrimaryDownloadUrl,
  sha256Equals,
} from './records/downloads.js'
export type { ModelReferenceEvent, ModelReferenceEventListener } from './events.js'
export { createMemoryStorage, type MemoryStorageOptions, type StorageAdapter, type StorageSetOptions, type StoredValueMetadata } from './cache/storage.js'
export { ENVELOPE_FORMAT, envelopeKey, envelopeMetadata, readEnvelope, type CategoryEnvelope } from './cache/envelope.js'
export type { ModelReferenceIssue } from './records/issues.js'
export type * from './records/types.js'
export {
  KNOWN_IMAGE_GENERATION_BASELINE,
  MODEL_STYLE,
  CONTROLNET_STYLE,
  MODEL_DOMAIN,
  MODEL_PURPOSE,
  registerImageBaseline,
  registerModelStyle,
  registerControlNetStyle,
  registerModelDomain,
  registerModelPurpose,
  isKnownImageBaseline,
  isKnownModelStyle,
  isKnownControlNetStyle,
  isKnownModelDomain,
  isKnownModelPurpose,
  normalizeBaseline,
  getBaselineDescriptor,
  getBaselineNativeResolution,
  getAllImageBaselines,
  type ImageBaselineDescriptor,
  type KnownImageBaseline,
  type ModelStyle,
  type ControlNetStyle,
} from './records/vocabulary.js'
export { validateRecords, type ValidatedModels } from './records/validate.js'
export { convertLegacyJson, normalizeLegacyBaseline } from './convert/legacy-json.js'
export { convertTextCsv, type ConversionResult, type ConvertedEntries } from './convert/text-csv.js'
export { parseCsv, type CsvTable } from './convert/csv.js'
export {
  getBaseModelName,
  getModelNameVariants,
  getTextBackends,
  hasBackendPrefix,
  isQuantizedModelName,
  parseTextModelName,
  registerTextBackend,
  stripBackendPrefix,
  TEXT_BACKENDS,
  type ParsedTextModelName,
  type TextBackend,
} from './convert/text-names.js'
export { HordeModelReferenceError, isHordeModelReferenceError } from './errors/base.js'
export { UnknownCategoryError, isUnknownCategoryError } from './errors/unknown-category.js'
export { ModelNotFoundError, isModelNotFoundError } from './errors/model-not-found.js'
export {
  SourcesUnavailableError,
  isSourcesUnavailableError,
  type SourceAttempt,
  type SourceFailureKind,
  type SourceName,
  type ReferenceSourceName,
} from './errors/sources-unavailable.js'
export { ValidationError, isValidationError } from './errors/validation.js'
export { SingletonConflictError, isSingletonConflictError, type OptionConflict } from './errors/singleton-conflict.js'
export { NotCachedError, isNotCachedError } from './errors/not-cached.js'
export { NoInstanceError, isNoInstanceError } from './errors/no-instance.js'
