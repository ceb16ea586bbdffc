import { stripBackendPrefix } from '../convert/text-names.js'
import { ownString, ownStrings, requireRecord } from './read.js'

/**
 * A human label for a record: its `display_name` when it has a non-empty one (text records;
 * trimmed), otherwise its `name` with a text backend prefix removed (`koboldcpp/Foo-7B` ->
 * `Foo-7B`, `aphrodite/Org/Foo-7B` -> `Org/Foo-7B`; registered backends count too). The
 * author part of a text name is kept. Image records have no display field in the data, so
 * their label is their name. `''` when the record has neither.
 *
 * @throws TypeError when `record` is not an object.
 * @example
 * ```ts
 * displayName({ name: 'acrastt/Marx-3B-V3', display_name: 'Marx 3B V3' }) // 'Marx 3B V3'
 * displayName({ name: 'koboldcpp/Foo-7B' }) // 'Foo-7B'
 * displayName({ name: 'Deliberate' }) // 'Deliberate'
 * ```
 */
export function displayName(record: object): string {
  requireRecord(record, 'displayName: the record')
  const label = ownString(record, 'display_name')?.trim()
  if (label !== undefined && label !== '') return label
  const name = ownString(record, 'name')?.trim()
  return name === undefined ? '' : stripBackendPrefix(name)
}

/**
 * `true` when the record lists at least one showcase (example image) URL: a non-empty string in
 * its `showcases` array.
 *
 * @throws TypeError when `record` is not an object.
 * @example
 * ```ts
 * hasShowcase({ name: 'm', showcases: ['https://example.com/a.webp'] }) // true
 * hasShowcase({ name: 'm', showcases: [] }) // false
 * ```
 */
export function hasShowcase(record: object): boolean {
  requireRecord(record, 'hasShowcase: the record')
  return ownStrings(record, 'showcases').length > 0
}

/**
 * `true` when the record lists at least one trigger word: a non-empty string in its `trigger`
 * array.
 *
 * @throws TypeError when `record` is not an object.
 * @example
 * ```ts
 * hasTrigger({ name: 'm', trigger: ['pixel art'] }) // true
 * hasTrigger({ name: 'm', trigger: [''] }) // false
 * ```
 */
export function hasTrigger(record: object): boolean {
  requireRecord(record, 'hasTrigger: the record')
  return ownStrings(record, 'trigger').length > 0
}
