import { createGuard, HordeModelReferenceError } from './base.js'

/** One option whose requested value differs from the existing manager's. */
export interface OptionConflict {
  /** The option's name. */
  readonly option: string
  /** The value the existing manager was created with. */
  readonly existing: unknown
  /** The value that was asked for. */
  readonly requested: unknown
}

function show(value: unknown): string {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`
  if (typeof value === 'object' && value !== null) return `[${value.constructor?.name ?? 'object'}]`
  return JSON.stringify(value) ?? String(value)
}

/** Thrown by `new ModelReferenceManager(options)` when a manager exists with different options. */
export class SingletonConflictError extends HordeModelReferenceError {
  /** Each option that differs. */
  readonly conflicts: readonly OptionConflict[]

  /** Thrown by `new ModelReferenceManager(options)`; the message lists each conflict and the ways out. */
  constructor(conflicts: readonly OptionConflict[]) {
    super(
      'SINGLETON_CONFLICT',
      'ModelReferenceManager is a singleton and already exists with different options: ' +
        conflicts.map((c) => `${c.option} (existing ${show(c.existing)}, requested ${show(c.requested)})`).join(', ') +
        '. Use ModelReferenceManager.getInstance() to reuse it, ModelReferenceManager.reset() before ' +
        'creating it again, or createModelReferenceClient(options) for an independent client.',
    )
    this.conflicts = conflicts
  }
}

/** `true` when `error` is a {@link SingletonConflictError}, from any realm. */
export const isSingletonConflictError = createGuard<SingletonConflictError>('SingletonConflictError')
