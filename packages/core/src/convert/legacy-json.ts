import { getCategoryDescriptor, type ModelReferenceCategory } from '../categories.js'
import type { ModelReferenceIssue } from '../records/issues.js'
import type { ConversionResult, ConvertedEntries } from './text-csv.js'
import { isObject } from '../json.js'
import { coercePrimitive, laxBoolean, laxInteger } from './values.js'

/** Legacy baseline spellings that upstream renames; anything else passes through. */
const LEGACY_BASELINES: Readonly<Record<string, string>> = Object.freeze({
  'stable diffusion 1': 'stable_diffusion_1',
  'stable diffusion 2': 'stable_diffusion_2_768',
  'stable diffusion 2 512': 'stable_diffusion_2_512',
})

/** Maps a legacy baseline string to its v2 name (`'stable diffusion 1'` -> `'stable_diffusion_1'`). */
export function normalizeLegacyBaseline(baseline: string): string {
  return Object.prototype.hasOwnProperty.call(LEGACY_BASELINES, baseline) ? LEGACY_BASELINES[baseline]! : baseline
}

type Report = (severity: 'error' | 'warning', path: string, message: string) => void

/** Thrown inside one record's conversion; the record is skipped with an error issue. */
class RecordRejected extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message)
  }
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Keys come from the data: define, never assign, so `__proto__` stays an ordinary key.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * Merges legacy `config.files` (paths and hashes) and `config.download` (URLs) into v2
 * `config.download` records, in `files` order. Files whose path contains "yaml" are configs and
 * are left out, as upstream does.
 */
function convertDownloads(config: unknown, omitFixme: boolean, report: Report): { download: unknown[]; hashes: unknown } {
  if (config === undefined || config === null) return { download: [], hashes: undefined }
  if (!isObject(config)) throw new RecordRejected('config', 'config is not an object')
  const files = config.files ?? []
  const downloads = config.download ?? []
  if (!Array.isArray(files)) throw new RecordRejected('config.files', 'config.files is not a list')
  if (!Array.isArray(downloads)) throw new RecordRejected('config.download', 'config.download is not a list')
  const byPath = new Map<string, Record<string, unknown>>()
  files.forEach((file, index) => {
    if (!isObject(file) || typeof file.path !== 'string') {
      throw new RecordRejected(`config.files.${index}.path`, 'a file entry needs a string path')
    }
    const path = file.path
    if (path === '' || path.toLowerCase().includes('yaml')) return
    const record: Record<string, unknown> = { file_name: path, file_url: '' }
    const sha = typeof file.sha256sum === 'string' && file.sha256sum !== '' ? file.sha256sum : 'FIXME'
    if (!(omitFixme && sha === 'FIXME')) record.sha256sum = sha
    if (file.content_hash !== undefined && file.content_hash !== null) record.content_hash = file.content_hash
    if (file.file_type !== undefined && file.file_type !== null) record.file_purpose = file.file_type
    // Upstream tests the path, not the URL, so this is false for every real record.
    record.known_slow_download = path.toLowerCase().includes('civitai')
    // A repeated path replaces the earlier values but keeps the earlier position.
    byPath.set(path, record)
  })
  downloads.forEach((entry, index) => {
    if (!isObject(entry)) throw new RecordRejected(`config.download.${index}`, 'a download entry is not an object')
    const target = typeof entry.file_name === 'string' ? byPath.get(entry.file_name) : undefined
    if (target === undefined) {
      // Upstream aborts the whole category here; one unmatched entry should not cost the record.
      report('warning', `config.download.${index}`, `download entry ${JSON.stringify(entry.file_name)} matches no file in config.files; ignored`)
      return
    }
    target.file_url = typeof entry.file_url === 'string' ? entry.file_url : ''
  })
  return { download: [...byPath.values()], hashes: config.embedded_component_hashes }
}

function convertImageRecord(legacy: Record<string, unknown>, report: Report): Record<string, unknown> {
  const out: Record<string, unknown> = { name: legacy.name }
  if (legacy.description !== undefined && legacy.description !== null) out.description = legacy.description
  if (legacy.version !== undefined && legacy.version !== null) out.version = legacy.version
  const { download, hashes } = convertDownloads(legacy.config, true, report)
  if (download.length > 0 || (hashes !== undefined && hashes !== null)) {
    const config: Record<string, unknown> = {}
    if (download.length > 0) config.download = download
    if (hashes !== undefined && hashes !== null) config.embedded_component_hashes = hashes
    out.config = config
  }
  const integerField = (field: 'size_on_disk_bytes' | 'min_bridge_version'): number | undefined => {
    const value = legacy[field]
    if (value === undefined || value === null) return undefined
    const integer = laxInteger(value)
    if (integer === undefined) throw new RecordRejected(field, `${field} is not an integer`)
    return integer
  }
  const sizeOnDisk = integerField('size_on_disk_bytes')
  const minBridgeVersion = integerField('min_bridge_version')
  if (sizeOnDisk !== undefined) out.size_on_disk_bytes = sizeOnDisk
  if (legacy.inpainting !== undefined && legacy.inpainting !== null) {
    const inpainting = laxBoolean(legacy.inpainting)
    if (inpainting === undefined) throw new RecordRejected('inpainting', 'inpainting is not a boolean')
    if (inpainting) out.inpainting = true
  }
  if (typeof legacy.baseline !== 'string') throw new RecordRejected('baseline', 'an image model needs a baseline string')
  out.baseline = normalizeLegacyBaseline(legacy.baseline)
  if (legacy.optimization !== undefined && legacy.optimization !== null) out.optimization = legacy.optimization
  out.tags = Array.isArray(legacy.tags) ? legacy.tags.map((tag) => (typeof tag === 'string' ? tag.trim() : tag)) : (legacy.tags ?? [])
  out.showcases = legacy.showcases ?? []
  if (Array.isArray(legacy.showcases) && legacy.showcases.some((url) => typeof url === 'string' && url.includes('huggingface'))) {
    report('warning', 'showcases', 'a showcase is hosted on huggingface, which upstream rejects; kept')
  }
  if (minBridgeVersion !== undefined) out.min_bridge_version = minBridgeVersion
  out.trigger = legacy.trigger ?? []
  if (legacy.homepage !== undefined && legacy.homepage !== null) out.homepage = legacy.homepage
  let nsfw = false
  if (legacy.nsfw !== undefined && legacy.nsfw !== null) {
    const parsed = laxBoolean(legacy.nsfw)
    if (parsed === undefined) throw new RecordRejected('nsfw', 'nsfw is not a boolean')
    nsfw = parsed
  }
  out.nsfw = nsfw
  if (legacy.style !== undefined && legacy.style !== null) out.style = typeof legacy.style === 'string' ? legacy.style.trim() : legacy.style
  if (legacy.requirements !== undefined && legacy.requirements !== null) {
    if (!isObject(legacy.requirements)) throw new RecordRejected('requirements', 'requirements is not an object')
    const requirements: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(legacy.requirements)) {
      const coerced = coercePrimitive(value)
      if (coerced === undefined) throw new RecordRejected(`requirements.${key}`, 'a requirement must be a number, string, boolean or a list of one kind')
      setOwn(requirements, key, coerced)
    }
    out.requirements = requirements
  }
  return out
}

function convertOtherRecord(category: ModelReferenceCategory, legacy: Record<string, unknown>, report: Report): Record<string, unknown> {
  const { domain, purpose } = getCategoryDescriptor(category)
  const out: Record<string, unknown> = { record_type: category, name: legacy.name }
  if (legacy.description !== undefined && legacy.description !== null) out.description = legacy.description
  if (legacy.version !== undefined && legacy.version !== null) out.version = legacy.version
  out.metadata = { schema_version: '2.0.0' }
  const { download, hashes } = convertDownloads(legacy.config, false, report)
  const config: Record<string, unknown> = { download }
  if (hashes !== undefined && hashes !== null) config.embedded_component_hashes = hashes
  out.config = config
  out.model_classification = { domain, purpose }
  if (category === 'clip' && legacy.pretrained_name !== undefined && legacy.pretrained_name !== null) {
    out.pretrained_name = legacy.pretrained_name
  }
  if (category === 'controlnet') {
    const style = legacy.type !== undefined && legacy.type !== null && legacy.type !== '' ? legacy.type : legacy.style
    if (style !== undefined && style !== null) out.controlnet_style = style
  }
  return out
}

/**
 * Converts a legacy image-side file (`stable_diffusion.json`, `controlnet.json`, ...) to v2
 * records, following upstream's converter field by field: baselines renamed, `config.files`
 * and `config.download` merged, legacy-only fields (`type`, `available`, ...) dropped.
 *
 * Where upstream aborts the whole category for one bad record, this skips that record and
 * reports it. Keys are kept as in the source; records are keyed by `name` later.
 *
 * @param category The category the file is of (it decides the record shape and defaults).
 * @param data The file's parsed JSON: an object keyed by model name.
 */
export function convertLegacyJson(category: ModelReferenceCategory, data: unknown): ConversionResult {
  const issues: ModelReferenceIssue[] = []
  const entries: ConvertedEntries = []
  // An empty list is how the image repository writes an empty file (lora.json is `[]`).
  if (Array.isArray(data) && data.length === 0) return { entries, issues }
  if (!isObject(data)) throw new TypeError('a legacy model reference file is a JSON object keyed by model name')
  for (const key of Object.keys(data)) {
    const legacy = data[key]
    const report: Report = (severity, path, message) => issues.push({ category, severity, key, path, message })
    if (!isObject(legacy)) {
      report('error', '', 'a record is not a JSON object; record skipped')
      continue
    }
    if (typeof legacy.name !== 'string') {
      report('error', 'name', 'a record needs a string name; record skipped')
      continue
    }
    try {
      entries.push([key, category === 'image_generation' ? convertImageRecord(legacy, report) : convertOtherRecord(category, legacy, report)])
    } catch (error) {
      if (!(error instanceof RecordRejected)) throw error
      report('error', error.path, `${error.message}; record skipped`)
    }
  }
  return { entries, issues }
}
