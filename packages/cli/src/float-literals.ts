import { parseCsv } from '@horde-model-reference/core/convert'
import { findFloatLiterals, floatPathKey, type JsonPath } from './python-json.js'
import type { ReferenceFile } from './reference-file.js'

/** The float literals of each row's `settings` JSON in a `models.csv`, as paths `[name, 'settings', key(, index)]` (the last row of a repeated name counts, as upstream keeps its values). */
function csvSettingsFloats(text: string): Set<string> {
  // The rows as the conversion reads them (the same parser).
  const [header, ...rows] = parseCsv(text).rows
  const floats = new Set<string>()
  if (header === undefined) return floats
  // As Python's DictReader: with a repeated header name the last column wins.
  const nameColumn = header.lastIndexOf('name')
  const settingsColumn = header.lastIndexOf('settings')
  if (nameColumn === -1 || settingsColumn === -1) return floats
  const byName = new Map<string, JsonPath[]>()
  for (const row of rows) {
    const name = (row[nameColumn] ?? '').trim()
    const settings = (row[settingsColumn] ?? '').trim()
    if (name === '' || settings === '') continue
    try {
      JSON.parse(settings)
    } catch {
      continue // The row is skipped by the conversion.
    }
    byName.set(name, [...findFloatLiterals(settings)].map((key) => JSON.parse(key) as JsonPath))
  }
  for (const [name, paths] of byName) for (const path of paths) floats.add(floatPathKey([name, 'settings', ...path]))
  return floats
}

/**
 * Where the source of a file writes integral floats (`3.0`): the paths of its float literals
 * (for `models.csv`, inside each row's `settings`). JavaScript numbers lose the difference
 * between `3` and `3.0`; upstream's Python keeps it.
 */
export function sourceFloats(file: ReferenceFile): Set<string> {
  return file.format === 'csv' ? csvSettingsFloats(file.text) : findFloatLiterals(file.text)
}

/**
 * Which integral numbers of a converted (v2) file upstream writes as floats. Its record fields
 * are ints wherever its models say int; floats come only through the primitive union of image
 * `requirements` and text `settings`, where pydantic keeps each value's own type, except that
 * a list holding any float is a list of floats (`[1, 2.5]` becomes `[1.0, 2.5]`).
 */
export function convertedFloats(file: ReferenceFile): (path: JsonPath) => boolean {
  const floats = sourceFloats(file)
  const lists = new Set<string>()
  for (const key of floats) {
    const path = JSON.parse(key) as JsonPath
    if (path.length === 4 && typeof path[3] === 'number') lists.add(floatPathKey(path.slice(0, 3)))
  }
  return (path) => {
    if (path.length < 3 || (path[1] !== 'requirements' && path[1] !== 'settings')) return false
    if (path.length === 3) return floats.has(floatPathKey(path))
    return path.length === 4 && typeof path[3] === 'number' && lists.has(floatPathKey(path.slice(0, 3)))
  }
}
