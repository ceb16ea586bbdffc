import { createGuard, HordeModelReferenceError } from './base.js'

/** Thrown by `registerProvider` for a provider that cannot be registered. */
export class ProviderRegistrationError extends HordeModelReferenceError {
  /** The provider's id, as given. */
  readonly providerId: unknown
  /** Why: an empty or reserved id, an id already registered, or not a provider at all. */
  readonly reason: 'empty' | 'reserved' | 'duplicate' | 'invalid'

  /** Thrown by `registerProvider`; the message names the id, the reason and what to change. */
  constructor(providerId: unknown, reason: ProviderRegistrationError['reason'], detail: string) {
    super('PROVIDER_REGISTRATION', `Cannot register provider ${JSON.stringify(String(providerId))}: ${detail}`)
    this.providerId = providerId
    this.reason = reason
  }
}

/** `true` when `error` is a {@link ProviderRegistrationError}, from any realm. */
export const isProviderRegistrationError = createGuard<ProviderRegistrationError>('ProviderRegistrationError')
