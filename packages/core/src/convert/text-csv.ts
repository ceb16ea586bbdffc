import type { ModelReferenceIssue } from '../records/issues.js'
import { parseCsv } from './csv.js'
import { getBaseModelName, hasBackendPrefix } from './text-names.js'
import { isObject } from '../json.js'
import { coercePrimitive, type Primitive } from './values.js'

/** Converted records in source order, each with the key it had in the source. */
export type ConvertedEntries = [key: string, record: unknown][]

/** What a converter returns: records in source order, and the issues it found. */
export interface ConversionResult {
  /** The converted records as `[key, record]` pairs, in source order (not yet validated). */
  readonly entries: ConvertedEntries
  /** Records skipped, and values the converter had to fix, one issue each. */
  readonly issues: ModelReferenceIssue[]
}

// Python's float(): optional sign, digits with single underscores, optional fraction and
// exponent, or inf/infinity/nan. JavaScript's Number() differs (hex, '' -> 0), so it is checked first.
const PYTHON_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*|\d(?:_?\d)*\.)(?:[eE][+-]?\d(?:_?\d)*)?$/
const PYTHON_SPECIAL_FLOAT = /^[+-]?(?:inf|infinity|nan)$/i

const METADATA = { schema_version: '2.0.0' }
const CLASSIFICATION = { domain: 'text', purpose: 'generation' }

/**
 * Converts the text repository's `models.csv` to v2 `text_generation` records, following
 * upstream's GitHub-fallback conversion: one record per distinct name (a repeated name keeps
 * the first row's position and the last row's values), `parameters` from `parameters_bn`,
 * tags split on commas, `settings` parsed from JSON, `text_model_group` from the base name.
 *
 * Rows upstream would skip are skipped and reported; rows that would make upstream abort the
 * whole category (a non-finite size, a settings list mixing strings and numbers) are skipped
 * and reported too, so the other rows are still served.
 */
export function convertTextCsv(text: string): ConversionResult {
  const issues: ModelReferenceIssue[] = []
  const table = parseCsv(text)
  const report = (severity: ModelReferenceIssue['severity'], key: string, path: string, message: string): void => {
    issues.push({ category: 'text_generation', severity, key, path, message })
  }
  if (table.unterminatedQuoteAtLine !== undefined) {
    report('warning', `line ${table.unterminatedQuoteAtLine}`, '', 'a quoted cell is never closed; it runs to the end of the file')
  }
  const [header, ...rows] = table.rows
  const records = new Map<string, Record<string, unknown>>()
  if (header === undefined) return { entries: [], issues }
  const column = new Map<string, number>()
  // Python's DictReader: with a repeated header name the last column wins.
  header.forEach((name, index) => column.set(name, index))
  const cellOf = (row: readonly string[], name: string): string | undefined => {
    const index = column.get(name)
    return index === undefined ? undefined : row[index]
  }

  rows.forEach((row, index) => {
    const rowKey = `line ${table.lines[index + 1]}`
    const name = (cellOf(row, 'name') ?? '').trim()
    if (name === '') {
      report('error', rowKey, 'name', 'the row has no name; row skipped')
      return
    }
    const sizeText = (cellOf(row, 'parameters_bn') ?? '').trim()
    let billions = 0
    if (sizeText === '') {
      report('warning', name, 'parameters', 'no parameters_bn; parameters set to 0')
    } else if (PYTHON_FLOAT.test(sizeText)) {
      billions = Number(sizeText.replaceAll('_', ''))
    } else {
      const why = PYTHON_SPECIAL_FLOAT.test(sizeText) ? 'is not finite' : 'is not a number'
      report('error', name, 'parameters', `parameters_bn ${JSON.stringify(sizeText)} ${why}; row skipped`)
      return
    }

    const tagsCell = cellOf(row, 'tags')
    if (tagsCell === undefined) report('warning', name, 'tags', 'the row has no tags cell; tags set to []')
    const tags = (tagsCell ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== '')

    const settingsText = (cellOf(row, 'settings') ?? '').trim()
    let settings: Record<string, Primitive> | undefined
    if (settingsText !== '') {
      let parsed: unknown
      try {
        parsed = JSON.parse(settingsText)
      } catch {
        report('error', name, 'settings', 'settings is not valid JSON; row skipped')
        return
      }
      if (!isObject(parsed)) {
        report('error', name, 'settings', 'settings is not a JSON object; row skipped')
        return
      }
      settings = {}
      for (const [key, value] of Object.entries(parsed)) {
        const coerced = coercePrimitive(value)
        if (coerced === undefined) {
          report('error', name, `settings.${key}`, 'a setting must be a number, string, boolean or a list of one kind; row skipped')
          return
        }
        // A `__proto__` setting stays an own key instead of reaching the prototype.
        Object.defineProperty(settings, key, { value: coerced, enumerable: true, writable: true, configurable: true })
      }
    }

    if (hasBackendPrefix(name)) {
      report('info', name, 'name', 'a backend-prefixed name is a legacy duplicate; row dropped')
      return
    }

    const record: Record<string, unknown> = {
      record_type: 'text_generation',
      name,
      description: cellOf(row, 'description') ?? '',
      version: cellOf(row, 'version') ?? '',
      metadata: { ...METADATA },
      config: { download: [] },
      model_classification: { ...CLASSIFICATION },
      baseline: cellOf(row, 'baseline') ?? '',
      parameters: Math.trunc(billions * 1e9),
      nsfw: (cellOf(row, 'nsfw') ?? '').trim().toLowerCase() === 'true',
      style: cellOf(row, 'style') ?? '',
      display_name: cellOf(row, 'display_name') ?? '',
      url: cellOf(row, 'url') ?? '',
      tags,
    }
    const instructFormat = cellOf(row, 'instruct_format') ?? ''
    if (instructFormat !== '') record.instruct_format = instructFormat
    if (settings !== undefined) record.settings = settings
    record.text_model_group = getBaseModelName(name)
    if (records.has(name)) {
      report('info', name, '', `name repeated on ${rowKey}; the later row's values are used`)
    }
    // Map.set keeps the first insertion's position: first row's position, last row's values.
    records.set(name, record)
  })
  return { entries: [...records], issues }
}
