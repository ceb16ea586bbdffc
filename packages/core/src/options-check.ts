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
    const closest = closestName(key, names)
    const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)
    throw new TypeError(`Unknown option ${shown} for ${where}${closest === undefined ? '.' : `: did you mean "${closest}"?`} Known options: ${names.join(', ')}.`)
  }
}

/**
 * The known name a mistyped key most likely meant: the same name in another case or spelling
 * (`primary_url`), one that starts with it or holds it (`ttl` → `ttlSeconds`, `prefix` →
 * `keyPrefix`), else the nearest by edit distance, if it is near enough and the key is not
 * mostly replaced (`x` suggests nothing).
 */
function closestName(key: string, names: readonly string[]): string | undefined {
  const plain = (name: string): string => name.toLowerCase().replace(/[_-]/g, '')
  const wanted = plain(key)
  if (wanted === '') return undefined
  const exact = names.find((name) => plain(name) === wanted)
  if (exact !== undefined) return exact
  if (wanted.length >= 3) {
    const within = names.filter((name) => plain(name).includes(wanted))
    if (within.length > 0) return within.find((name) => plain(name).startsWith(wanted)) ?? within[0]
  }
  let closest: string | undefined
  let best = Math.min(Math.max(2, Math.floor(wanted.length / 3)), wanted.length - 1) + 1
  for (const name of names) {
    const d = boundedDistance(wanted, plain(name), best - 1, false)
    if (d < best) [closest, best] = [name, d]
  }
  return closest
}

/**
 * The own enumerable properties of an options object, in an object with no prototype: what an
 * entry point reads its options from, so that a property inherited from elsewhere (a polluted
 * `Object.prototype.fetch`, say) is never taken for an option, as {@link checkOptions} never
 * checks one.
 *
 * @param options An options object (already through {@link checkOptions}), or `undefined`.
 */
export function ownOptions<T extends object>(options: T | undefined): Partial<T> {
  return Object.assign(Object.create(null) as Partial<T>, options)
}
