import { boundedDistance } from './edit-distance.js'

/**
 * The option names of an options type, for {@link checkOptions}: an object with every key of
 * `T` (write it `{ ... } satisfies KnownOptions<MyOptions>`, so the list cannot drift from the type).
 */
export type KnownOptions<T> = { readonly [K in keyof Required<T>]: unknown }

/**
 * Checks an options object at a public entry point: `undefined` is no options; anything else
 * must be an object whose own keys are all in `known`.
 *
 * @example
 * ```ts
 * checkOptions('createModelReferenceClient', { primaryURL: 'https://mirror.example/api' }, { primaryUrl: true, githubUrl: true })
 * // TypeError: Unknown option "primaryURL" for createModelReferenceClient: did you mean "primaryUrl"? Known options: primaryUrl, githubUrl.
 * ```
 * @param where The entry point's name, as the error message shows it (`createModelReferenceClient`).
 * @param options What the caller passed.
 * @param known An object with one key per known option (its values are not read).
 * @throws {TypeError} for `null` or a value that is not an object, and for an unknown key
 *   (naming it, the closest known option when one is close, and every known option).
 */
export function checkOptions(where: string, options: unknown, known: object): void {
  if (options === undefined) return
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where} takes an options object (or nothing), got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}.`)
  }
  for (const key of Object.keys(options)) {
    if (Object.prototype.hasOwnProperty.call(known, key)) continue
    const names = Object.keys(known)
    const wanted = key.toLowerCase()
    let closest: string | undefined
    let best = Math.max(2, Math.floor(key.length / 3)) + 1
    for (const name of names) {
      const d = boundedDistance(wanted, name.toLowerCase(), best - 1, false)
      if (d < best) [closest, best] = [name, d]
    }
    throw new TypeError(`Unknown option ${JSON.stringify(key)} for ${where}${closest === undefined ? '.' : `: did you mean "${closest}"?`} Known options: ${names.join(', ')}.`)
  }
}
