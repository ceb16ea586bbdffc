import type { ModelReferenceCategory } from './categories.js'
import {
  ModelReferenceClient,
  type AllModelReferences,
  type AnyModelMap,
  type DeferredPrefetchHandle,
  type ModelReferenceListener,
  type PopularModelsOptions,
  type ModelReferenceResult,
  type ReadOptions,
} from './client.js'
import { NoInstanceError } from './errors/no-instance.js'
import { SingletonConflictError, type OptionConflict } from './errors/singleton-conflict.js'
import type { RawModelReference } from './load.js'
import type { LegacyModelReference } from './legacy.js'
import type { PopularModel } from './popular.js'
import type { ModelQuery, QueryFor } from './query/query.js'
import { normalizeOptions, type ModelReferenceOptions, type NormalizedOptions, type PrefetchStrategy } from './options.js'
import type { AnyModelRecord, ModelMap, RecordFor } from './records/types.js'

let instance: ModelReferenceManager | undefined

/**
 * The process-wide (realm-wide) model reference manager, as upstream's. The first
 * `new ModelReferenceManager(options)` creates it; later calls return the same instance when
 * the options they pass are equal to its options (options left out are not compared), and
 * throw {@link SingletonConflictError} naming each one that differs.
 *
 * For an independent client (tests, multi-tenant servers, per-request Workers) use
 * `createModelReferenceClient(options)`, which this manager delegates to.
 *
 * @example
 * ```ts
 * import { ModelReferenceManager, MODEL_REFERENCE_CATEGORY, PrefetchStrategy } from '@horde-model-reference/core'
 *
 * const manager = new ModelReferenceManager({ prefetchStrategy: PrefetchStrategy.LAZY })
 * const imageModels = await manager.getModelReference(MODEL_REFERENCE_CATEGORY.image_generation)
 * console.log(`Found ${Object.keys(imageModels).length} image generation models`)
 * ```
 */
export class ModelReferenceManager {
  readonly #client!: ModelReferenceClient

  constructor(options: ModelReferenceOptions = {}) {
    if (instance !== undefined) {
      const conflicts = ModelReferenceManager.#conflicts(instance.options, options)
      if (conflicts.length > 0) throw new SingletonConflictError(conflicts)
      // A constructor may return an existing object: `new` then yields the singleton.
      return instance
    }
    this.#client = new ModelReferenceClient(options)
    instance = this
  }

  static #conflicts(existing: NormalizedOptions, requested: ModelReferenceOptions): OptionConflict[] {
    const normalized = normalizeOptions(requested)
    const conflicts: OptionConflict[] = []
    for (const key of Object.keys(requested) as (keyof ModelReferenceOptions)[]) {
      if (requested[key] === undefined) continue
      const a = existing[key]
      const b = normalized[key]
      if (!Object.is(a, b)) conflicts.push({ option: key, existing: a, requested: b })
    }
    return conflicts
  }

  /** The existing manager. @throws {NoInstanceError} when none was created yet. */
  static getInstance(): ModelReferenceManager {
    if (instance === undefined) throw new NoInstanceError()
    return instance
  }

  /** `true` when a manager exists. */
  static hasInstance(): boolean {
    return instance !== undefined
  }

  /** Drops the manager (stopping its background work), so the next `new` creates a fresh one. For tests. */
  static reset(): void {
    if (instance !== undefined) instance.#client.dispose()
    instance = undefined
  }

  /** The options in force, with every default filled in. */
  get options(): NormalizedOptions {
    return this.#client.options
  }

  /** The prefetch strategy the manager was created with. */
  get prefetchStrategy(): PrefetchStrategy {
    return this.#client.options.prefetchStrategy
  }

  /** Settles when the SYNC prefetch has loaded every category; already resolved for other strategies. */
  get ready(): Promise<void> {
    return this.#client.ready
  }

  /** The DEFERRED prefetch handle; `undefined` for other strategies. */
  get deferredPrefetch(): DeferredPrefetchHandle | undefined {
    return this.#client.deferredPrefetch
  }

  /** The client the manager delegates to. */
  get client(): ModelReferenceClient {
    return this.#client
  }

  /** See {@link ModelReferenceClient.getModelReference}. */
  getModelReference<C extends ModelReferenceCategory>(category: C, options?: ReadOptions): Promise<ModelMap<C>>
  getModelReference(category: string, options?: ReadOptions): Promise<AnyModelMap>
  getModelReference(category: string, options?: ReadOptions): Promise<AnyModelMap> {
    return this.#client.getModelReference(category, options)
  }

  /** See {@link ModelReferenceClient.getModelReferenceOrNull}. */
  getModelReferenceOrNull<C extends ModelReferenceCategory>(category: C, options?: ReadOptions): Promise<ModelMap<C> | null>
  getModelReferenceOrNull(category: string, options?: ReadOptions): Promise<AnyModelMap | null>
  getModelReferenceOrNull(category: string, options?: ReadOptions): Promise<AnyModelMap | null> {
    return this.#client.getModelReferenceOrNull(category, options)
  }

  /** See {@link ModelReferenceClient.getModelReferenceResult}. */
  getModelReferenceResult<C extends ModelReferenceCategory>(category: C, options?: ReadOptions): Promise<ModelReferenceResult<C>>
  getModelReferenceResult(category: string, options?: ReadOptions): Promise<ModelReferenceResult>
  getModelReferenceResult(category: string, options?: ReadOptions): Promise<ModelReferenceResult> {
    return this.#client.getModelReferenceResult(category, options)
  }

  /** See {@link ModelReferenceClient.getModel}. */
  getModel<C extends ModelReferenceCategory>(category: C, name: string, options?: ReadOptions): Promise<RecordFor<C>>
  getModel(category: string, name: string, options?: ReadOptions): Promise<AnyModelRecord>
  getModel(category: string, name: string, options?: ReadOptions): Promise<AnyModelRecord> {
    return this.#client.getModel(category, name, options)
  }

  /** See {@link ModelReferenceClient.getModelOrNull}. */
  getModelOrNull<C extends ModelReferenceCategory>(category: C, name: string, options?: ReadOptions): Promise<RecordFor<C> | null>
  getModelOrNull(category: string, name: string, options?: ReadOptions): Promise<AnyModelRecord | null>
  getModelOrNull(category: string, name: string, options?: ReadOptions): Promise<AnyModelRecord | null> {
    return this.#client.getModelOrNull(category, name, options)
  }

  /** See {@link ModelReferenceClient.getModelNames}. */
  getModelNames(category: ModelReferenceCategory | (string & {}), options?: ReadOptions): Promise<readonly string[]> {
    return this.#client.getModelNames(category, options)
  }

  /** See {@link ModelReferenceClient.getAllModelReferences}. */
  getAllModelReferences(options?: ReadOptions): Promise<AllModelReferences> {
    return this.#client.getAllModelReferences(options)
  }

  /** See {@link ModelReferenceClient.getRawModelReference}. */
  getRawModelReference(category: ModelReferenceCategory | (string & {}), options?: ReadOptions): Promise<RawModelReference> {
    return this.#client.getRawModelReference(category, options)
  }

  /** See {@link ModelReferenceClient.query}. */
  query<C extends ModelReferenceCategory>(category: C): QueryFor<C>
  query(category: string): ModelQuery<ModelReferenceCategory>
  query(category: string): ModelQuery<ModelReferenceCategory> {
    return this.#client.query(category)
  }

  /** See {@link ModelReferenceClient.getPopularModels}. */
  getPopularModels<C extends ModelReferenceCategory>(category: C, options?: PopularModelsOptions): Promise<PopularModel<C>[]> {
    return this.#client.getPopularModels(category, options)
  }

  /** See {@link ModelReferenceClient.getLegacyModelReference}. */
  getLegacyModelReference(category: ModelReferenceCategory | (string & {}), options?: ReadOptions): Promise<LegacyModelReference> {
    return this.#client.getLegacyModelReference(category, options)
  }

  /** See {@link ModelReferenceClient.refresh}. */
  refresh<C extends ModelReferenceCategory>(category: C, options?: ReadOptions): Promise<ModelReferenceResult<C>>
  refresh(category?: undefined, options?: ReadOptions): Promise<void>
  refresh(category?: ModelReferenceCategory, options?: ReadOptions): Promise<ModelReferenceResult | void> {
    return category === undefined ? this.#client.refresh(undefined, options) : this.#client.refresh(category, options)
  }

  /** See {@link ModelReferenceClient.invalidate}. */
  invalidate(category?: ModelReferenceCategory | (string & {})): void {
    this.#client.invalidate(category)
  }

  /** See {@link ModelReferenceClient.peek}. */
  peek<C extends ModelReferenceCategory>(category: C): ModelReferenceResult<C> | undefined
  peek(category: string): ModelReferenceResult | undefined
  peek(category: string): ModelReferenceResult | undefined {
    return this.#client.peek(category)
  }

  /** See {@link ModelReferenceClient.subscribe}. */
  subscribe<C extends ModelReferenceCategory>(category: C, listener: ModelReferenceListener<C>): () => void
  subscribe(category: string, listener: ModelReferenceListener<ModelReferenceCategory>): () => void
  subscribe(category: string, listener: ModelReferenceListener<ModelReferenceCategory>): () => void {
    return this.#client.subscribe(category, listener)
  }
}
