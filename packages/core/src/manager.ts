import { ModelReferenceClient } from './client.js'
import { NoInstanceError } from './errors/no-instance.js'
import { SingletonConflictError, type OptionConflict } from './errors/singleton-conflict.js'
import { authorizationOf, normalizeOptions, type ModelReferenceOptions, type NormalizedOptions, type PrefetchStrategy } from './options.js'

let instance: ModelReferenceManager | undefined
const WHERE = 'new ModelReferenceManager'

function conflictsOf(existing: NormalizedOptions, requested: ModelReferenceOptions): OptionConflict[] {
  const normalized = normalizeOptions(requested, WHERE)
  const credentials = [authorizationOf(existing), authorizationOf(normalized)] as const
  const conflicts: OptionConflict[] = []
  for (const key of Object.keys(requested) as (keyof ModelReferenceOptions)[]) {
    if (requested[key] === undefined) continue
    const a = existing[key]
    const b = normalized[key]
    // Credentials are compared too, but never shown.
    const differentCredentials = (key === 'primaryUrl' || key === 'githubUrl' || key === 'hordeApiUrl') && credentials[0][key] !== credentials[1][key]
    if (!Object.is(a, b)) conflicts.push({ option: key, existing: a, requested: b })
    else if (differentCredentials) conflicts.push({ option: key, existing: `${String(a)} (with its credentials)`, requested: `${String(b)} (with other credentials)` })
  }
  return conflicts
}

/**
 * The process-wide (realm-wide) model reference manager, as upstream's: a
 * {@link ModelReferenceClient} that exists once. The first `new ModelReferenceManager(options)`
 * creates it; later calls return the same instance when the options they pass are equal to its
 * options (options left out are not compared), and throw {@link SingletonConflictError} naming
 * each one that differs.
 *
 * For an independent client (tests, multi-tenant servers, per-request Workers) use
 * `createModelReferenceClient(options)`.
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
export class ModelReferenceManager extends ModelReferenceClient {
  /**
   * Creates the manager, or returns the one that exists when the options given equal its
   * options (options left out are not compared).
   * @param options As for `createModelReferenceClient`.
   * @throws {SingletonConflictError} when a manager exists with different options, naming each.
   */
  constructor(options: ModelReferenceOptions = {}) {
    if (instance !== undefined) {
      const conflicts = conflictsOf(instance.options, options)
      if (conflicts.length > 0) throw new SingletonConflictError(conflicts)
      // A constructor may return an existing object: `new` then yields the singleton.
      return instance
    }
    // Checked here first, so that a mistake names the manager (super checks the same again).
    normalizeOptions(options, WHERE)
    super(options)
    instance = this
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
    instance?.dispose()
    instance = undefined
  }

  /** The prefetch strategy the manager was created with (upstream's `prefetch_strategy`). */
  get prefetchStrategy(): PrefetchStrategy {
    return this.options.prefetchStrategy
  }
}
