import { createGuard, HordeModelReferenceError } from './base.js'

/** Thrown by `ModelReferenceManager.getInstance()` before any manager was created. */
export class NoInstanceError extends HordeModelReferenceError {
  /** Thrown by the SDK; the message says to create the manager first. */
  constructor() {
    super(
      'NO_INSTANCE',
      'No ModelReferenceManager has been created yet. Create one first with new ModelReferenceManager(options).',
    )
  }
}

/** `true` when `error` is a {@link NoInstanceError}, from any realm. */
export const isNoInstanceError = createGuard<NoInstanceError>('NoInstanceError')
