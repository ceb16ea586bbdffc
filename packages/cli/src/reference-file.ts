import { MODEL_REFERENCE_CATEGORIES, isModelReferenceCategory, type ModelReferenceCategory, type ModelReferenceIssue } from '@horde-model-reference/core'
import { convertLegacyJson, convertTextCsv, validateRecords } from '@horde-model-reference/core/convert'
import { basename } from 'node:path'
import { parseCategory } from './category.js'
import { CliError, EXIT, usageError } from './exit-codes.js'
import { readTextFile } from './files.js'

/** The formats a reference file comes in. */
export type ReferenceFormat = 'legacy' | 'v2' | 'csv'
const FORMATS: readonly ReferenceFormat[] = ['legacy', 'v2', 'csv']

/** A reference file read, converted to v2 and validated record by record. */
export interface ReferenceFile {
  readonly path: string
  readonly category: ModelReferenceCategory
  readonly format: ReferenceFormat
  /** The file as parsed (an object keyed by model key; the CSV text for `csv`). */
  readonly data: unknown
  /** The file's text (UTF-8, a BOM removed). */
  readonly text: string
  /** The v2 records as converted (before validation filled in defaults), keyed as in the source. */
  readonly entries: readonly (readonly [key: string, record: unknown])[]
  /** The valid records keyed by name, as the SDK serves them. */
  readonly models: Readonly<Record<string, unknown>>
  /** How many entries the file holds. */
  readonly entryCount: number
  /** Conversion and validation issues, in the order found. */
  readonly issues: readonly ModelReferenceIssue[]
}

// Upstream's file names, without the extension: the image repository's `<category>.json`
// (`stable_diffusion.json` for images), the text repository's `models.csv` and `db.json`.
const FILE_CATEGORIES: Readonly<Record<string, ModelReferenceCategory>> = {
  stable_diffusion: 'image_generation',
  models: 'text_generation',
  db: 'text_generation',
}

// The categories upstream stores as an empty list: the image repository's `lora.json` is `[]`
// (every other category file, empty or not, is an object; `ti` has no file).
const EMPTY_LIST_CATEGORIES: readonly ModelReferenceCategory[] = ['lora']

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The category a file's name tells (`stable_diffusion.json`, `controlnet-old.json`, `models.csv`), if any. */
export function categoryFromName(path: string): ModelReferenceCategory | undefined {
  // `stable_diffusion.example.json`, `controlnet-old.json` and `blip.json` all name their category.
  const stem = basename(path).toLowerCase().replace(/\.(json|csv)$/, '')
  const names = [...Object.keys(FILE_CATEGORIES), ...MODEL_REFERENCE_CATEGORIES]
  const match = names
    .filter((name) => stem === name || stem.startsWith(`${name}.`) || stem.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0]
  if (match === undefined) return undefined
  return Object.prototype.hasOwnProperty.call(FILE_CATEGORIES, match) ? FILE_CATEGORIES[match] : isModelReferenceCategory(match) ? match : undefined
}

function records(data: Record<string, unknown>): Record<string, unknown>[] {
  return Object.keys(data)
    .map((key) => data[key])
    .filter(isObject)
}

function categoryFromContent(data: Record<string, unknown>): ModelReferenceCategory | undefined {
  const all = records(data)
  for (const record of all) {
    if (typeof record.record_type === 'string' && isModelReferenceCategory(record.record_type)) return record.record_type
    if (record.type === 'ckpt') return 'image_generation'
  }
  // v2 image files leave record_type out (upstream writes them without defaults): tell by the fields.
  if (all.length === 0) return undefined
  if (all.every((record) => typeof record.controlnet_style === 'string')) return 'controlnet'
  if (all.every((record) => typeof record.parameters === 'number' || typeof record.parameters_count === 'number')) return 'text_generation'
  if (all.every((record) => typeof record.baseline === 'string' && 'nsfw' in record)) return 'image_generation'
  return undefined
}

function looksLegacy(data: Record<string, unknown>): boolean {
  return records(data).some((record) => {
    const config = record.config
    return (
      'type' in record ||
      'available' in record ||
      'download_all' in record ||
      (typeof record.baseline === 'string' && /^stable diffusion /.test(record.baseline)) ||
      (isObject(config) && 'files' in config)
    )
  })
}

function parseJson(text: string, path: string): unknown {
  const start = text.trimStart().slice(0, 200).toLowerCase()
  if (start.startsWith('<')) {
    const what = start.startsWith('<!doctype html') || start.startsWith('<html') ? 'an HTML page' : 'markup (HTML or XML)'
    throw new CliError(EXIT.dataProblem, `${path} is ${what}, not a model reference file: was an error or login page saved instead of the file? Download the raw file.`)
  }
  if (text.trim() === '') throw new CliError(EXIT.dataProblem, `${path} is empty.`)
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CliError(EXIT.dataProblem, `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`)
  }
}

/** Reads a reference file of any format (`--category`/`--format` when its name and content do not tell), converts and validates it. */
export async function readReferenceFile(
  path: string,
  cwd: string,
  hints: { category?: string | undefined; format?: string | undefined; /** When neither `category`, the name nor the records tell. */ fallbackCategory?: ModelReferenceCategory | undefined } = {},
): Promise<ReferenceFile> {
  if (hints.format !== undefined && !FORMATS.includes(hints.format as ReferenceFormat)) throw usageError(`--format takes ${FORMATS.join(', ')}, not ${JSON.stringify(hints.format)}.`)
  const text = await readTextFile(path, cwd)
  const csv = hints.format === 'csv' || (hints.format === undefined && (/\.csv$/i.test(path) || /^\s*name,parameters_bn\b/.test(text)))
  let category: ModelReferenceCategory | undefined = hints.category === undefined ? undefined : parseCategory(hints.category)
  if (csv) {
    if (category !== undefined && category !== 'text_generation') throw usageError(`A CSV reference file is the text repository's models.csv (text_generation), not ${category}.`)
    const converted = convertTextCsv(text)
    return finish(path, 'text_generation', 'csv', text, text, converted.entries, converted.issues)
  }
  const data = parseJson(text, path)
  if (Array.isArray(data) && data.length === 0) {
    // The image repository's lora.json is `[]` (a placeholder): for those categories only, an empty list is an empty file.
    const named = category ?? categoryFromName(path)
    if (named !== undefined && EMPTY_LIST_CATEGORIES.includes(named)) return finish(path, named, 'legacy', text, data, [], [])
  }
  if (!isObject(data)) {
    const what = Array.isArray(data) ? (data.length === 0 ? 'an empty list' : 'a list') : data === null ? 'null' : `a ${typeof data}`
    throw new CliError(EXIT.dataProblem, `${path} holds ${what}; a model reference file is a JSON object keyed by model name (${EMPTY_LIST_CATEGORIES.map((c) => `${c}.json`).join(', ')} alone is stored as [] upstream).`)
  }
  category ??= categoryFromName(path) ?? categoryFromContent(data) ?? hints.fallbackCategory
  if (category === undefined) throw usageError(`Cannot tell the category of ${path} from its name or records; give --category (one of ${MODEL_REFERENCE_CATEGORIES.join(', ')}).`)
  const format: ReferenceFormat = (hints.format as ReferenceFormat | undefined) ?? (looksLegacy(data) ? 'legacy' : 'v2')
  if (format === 'legacy') {
    const converted = convertLegacyJson(category, data)
    return finish(path, category, 'legacy', text, data, converted.entries, converted.issues)
  }
  const entries: [string, unknown][] = Object.keys(data).map((key) => [key, data[key]])
  return finish(path, category, 'v2', text, data, entries, [])
}

function finish(path: string, category: ModelReferenceCategory, format: ReferenceFormat, text: string, data: unknown, entries: readonly (readonly [string, unknown])[], issues: ModelReferenceIssue[]): ReferenceFile {
  // validateRecords completes and freezes valid records in place: it gets copies, `entries` stay as converted.
  const validated = validateRecords(category, entries.map(([key, record]) => [key, structuredClone(record)] as const), issues)
  return { path, category, format, data, text, entries, models: validated.models, entryCount: format === 'csv' ? validated.entryCount : isObject(data) ? Object.keys(data).length : 0, issues }
}
