// A registered symbol is shared by every realm (iframes, workers, vm contexts), so the guards
// recognise an error thrown by another copy of this package, where `instanceof` would not.
const BRAND = Symbol.for('@horde-model-reference/core:error')

/** The base class of every error this package throws on purpose. */
export class HordeModelReferenceError extends Error {
  /** A stable machine-readable code, such as `'UNKNOWN_CATEGORY'`. */
  readonly code: string

  /**
   * Creates an error of the SDK; the subclasses pass their code and a message that says what to do.
   * @param code The stable machine-readable code.
   * @param message What happened and what to do about it.
   * @param options `cause`: the error underneath, if any.
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
    Object.defineProperty(this, BRAND, { value: true })
  }
}

/** @internal Builds a cross-realm guard for one error class. */
export function createGuard<T extends HordeModelReferenceError>(name: string): (error: unknown) => error is T {
  return (error: unknown): error is T =>
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[BRAND] === true &&
    (error as { name?: unknown }).name === name
}

/** `true` for any error thrown on purpose by this package, from any realm. */
export function isHordeModelReferenceError(error: unknown): error is HordeModelReferenceError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true
}
