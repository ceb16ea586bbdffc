/**
 * The AI Horde model reference as typed, validated, cached data: the client
 * ({@link createModelReferenceClient}), the singleton {@link ModelReferenceManager}, what their
 * reads return, the options, the errors, the storage interface and the vocabulary registries.
 * Features a first read does not need live in entry points of their own: `/query`, `/availability`,
 * `/popular`, `/diff`, `/compat`, `/observer`, `/legacy`, `/raw`, `/text-names`, `/convert` and `/providers`.
 *
 * @module @horde-model-reference/core
 */
export {
  MODEL_REFERENCE_CATEGORY,
  MODEL_REFERENCE_CATEGORIES,
  getCategoryDescriptor,
  isModelReferenceCategory,
  type CategoryDescriptor,
  type CategoryName,
  type FetchableCategory,
  type GithubSourceKind,
  type ManagedElsewhereCategory,
  type ModelReferenceCategory,
} from './categories.js'
export { PrefetchStrategy, DEFAULT_OPTIONS, type FetchFunction, type LockManagerLike, type ModelReferenceOptions, type NormalizedOptions, type WaitUntil } from './options.js'
export { ModelReferenceManager } from './manager.js'
export { checkOptions, type KnownOptions } from './options-check.js'
export { ModelReferenceClient, createModelReferenceClient } from './client.js'
export type { AllModelReferenceResults, AllModelReferences, AnyModelMap, CategoryChange, CategoryListener, CategoryState, ModelReferenceResult, ReadOptions, ResultSource, SourceOutcome, SourceSelector } from './cache/result.js'
export type { DeferredPrefetchHandle } from './prefetch.js'
export { SNAPSHOT_FORMAT, type HydrateOptions, type HydrateReport, type ModelReferenceSnapshot, type SnapshotCategory } from './snapshot.js'
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
export type { CategoryEnvelope } from './cache/envelope.js'
export type { ModelReferenceIssue } from './records/issues.js'
export type * from './records/types.js'
export {
  KNOWN_IMAGE_GENERATION_BASELINE,
  MODEL_STYLE,
  CONTROLNET_STYLE,
  MODEL_DOMAIN,
  MODEL_PURPOSE,
  KNOWN_TAGS,
  registerImageBaseline,
  registerModelStyle,
  registerControlNetStyle,
  registerModelDomain,
  registerModelPurpose,
  registerTag,
  isKnownImageBaseline,
  isKnownModelStyle,
  isKnownControlNetStyle,
  isKnownModelDomain,
  isKnownModelPurpose,
  isKnownTag,
  getKnownTags,
  normalizeBaseline,
  getBaselineDescriptor,
  getBaselineNativeResolution,
  getAllImageBaselines,
  getBaselinesByNativeResolution,
  type ImageBaselineDescriptor,
  type KnownImageBaseline,
  type ModelStyle,
  type ControlNetStyle,
  type KnownTag,
  type ModelDomain,
  type ModelPurpose,
} from './records/vocabulary.js'
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
export { UnknownSourceError, isUnknownSourceError } from './errors/unknown-source.js'
export { ProviderRegistrationError, isProviderRegistrationError } from './errors/provider-registration.js'
export { ANY_SOURCE, HORDE_SOURCE, type ModelReferenceProvider, type ProviderContext, type ProviderRecords, type RegisterProviderOptions } from './providers/provider.js'
export type { SourceCounters } from './counters.js'
export type { CategoryMetadata } from './server-metadata.js'
