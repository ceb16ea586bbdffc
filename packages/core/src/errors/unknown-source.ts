import { createGuard, HordeModelReferenceError } from './base.js'

/** Thrown by a read whose `source` names a provider that is not registered. */
export class UnknownSourceError extends HordeModelReferenceError {
  /** The source id that was asked for. */
  readonly source: string
  /** The ids a read can name: `horde`, `any` and every registered provider. */
  readonly validSources: readonly string[]

  /** Thrown by reads that select sources; the message lists the valid ids. */
  constructor(source: string, validSources: readonly string[]) {
    super(
      'UNKNOWN_SOURCE',
      `No source named ${JSON.stringify(source)}. Use one of: ${validSources.join(', ')}; register a provider with registerProvider() first.`,
    )
    this.source = source
    this.validSources = validSources
  }
}

/** `true` when `error` is an {@link UnknownSourceError}, from any realm. */
export const isUnknownSourceError = createGuard<UnknownSourceError>('UnknownSourceError')
