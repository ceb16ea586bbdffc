import { resolveImageBaseline } from './baselines.js'
import { isObjectLike, ownArray, ownObject, ownString, requireRecord } from './read.js'

/** What {@link controlNetBaselines} found out about a ControlNet record. */
export interface ControlNetBaselines {
  /** The canonical image baselines it works with; empty when `status` is `'unknown'`. */
  readonly baselines: readonly string[]
  /** What decided it, such as `"file name diff_control_sd15_canny_fp16.safetensors contains 'sd15'"`. */
  readonly evidence: string
  /** `'known'` when evidence decided; `'unknown'` when nothing did (never a guess). */
  readonly status: 'known' | 'unknown'
}

type Family = 'sd1' | 'sd2' | 'sdxl'

const FAMILY_BASELINES: Readonly<Record<Family, readonly string[]>> = {
  sd1: Object.freeze(['stable_diffusion_1']),
  sd2: Object.freeze(['stable_diffusion_2_768', 'stable_diffusion_2_512']),
  sdxl: Object.freeze(['stable_diffusion_xl']),
}

// Whole tokens of a name, a file name or a URL path that name a base model. `sd` followed by a
// separator and a version is joined first (`sd_15`, `sd-xl`, `sd 2.1` -> `sd15`, `sdxl`, `sd2`).
const MARKERS: Readonly<Record<string, Family>> = {
  sd1: 'sd1',
  sd14: 'sd1',
  sd15: 'sd1',
  sd1x: 'sd1',
  sd2: 'sd2',
  sd20: 'sd2',
  sd21: 'sd2',
  sd2x: 'sd2',
  // The Horde's SD 2.1 ControlNet weights are named `control_*_fp21.safetensors`.
  fp21: 'sd2',
  sdxl: 'sdxl',
  xl: 'sdxl',
}
// Tokens naming a base model these rules have no ControlNet baseline for: they make a source
// undecidable instead of letting a later source decide.
const FOREIGN = new Set(['sd3', 'sd35', 'sd3m', 'flux', 'flux1', 'hunyuan', 'kolors', 'cascade'])

/** One piece of evidence: a source, the text read, and the markers found in it. */
export interface ControlNetEvidenceItem {
  /** Where the text came from. */
  readonly source: 'name' | 'file name' | 'download URL' | 'config file'
  /** The text read (a name, a file name, a URL, a `.yaml` file name). */
  readonly text: string
  /** The families it names, with the token that named each (`sd1`, `sd2`, `sdxl`, or `foreign`). */
  readonly markers: readonly {
    /** The token as it appears in the text, such as `'sdxl'`. */
    readonly token: string
    /** The family it names (`'foreign'`: an architecture none of the image baselines is). */
    readonly family: Family | 'foreign'
  }[]
}

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/sd[-_ ]+(?=\d|xl)/g, 'sd')
    .split(/[^a-z0-9]+/)
    .filter((token) => token !== '')
}

function markersOf(text: string): ControlNetEvidenceItem['markers'] {
  const found: { token: string; family: Family | 'foreign' }[] = []
  for (const token of tokens(text)) {
    const family = Object.prototype.hasOwnProperty.call(MARKERS, token) ? MARKERS[token] : FOREIGN.has(token) ? 'foreign' : undefined
    if (family !== undefined && !found.some((marker) => marker.token === token)) found.push({ token, family })
  }
  return found
}

/** The SD version a legacy `cldm_v15.yaml` / `cldm_v21.yaml` config names. */
function yamlMarkers(fileName: string): ControlNetEvidenceItem['markers'] {
  const match = /(?:^|[/\\])cldm_v(\d)\d*\.ya?ml$/i.exec(fileName)
  const family = match?.[1] === '1' ? 'sd1' : match?.[1] === '2' ? 'sd2' : undefined
  return family === undefined ? [] : [{ token: fileName.split(/[/\\]/).pop() ?? fileName, family }]
}

function urlPath(url: string): string {
  try {
    const parsed = new URL(url)
    return parsed.pathname
  } catch {
    return url.split(/[?#]/)[0] ?? ''
  }
}

function isYaml(path: string): boolean {
  return /\.ya?ml$/i.test(path)
}

/**
 * Every piece of evidence about a ControlNet record's base model, in the order it counts: the
 * record's name, then its file names (`config.download[].file_name`, and the legacy
 * `config.files[].path`), then its download URLs (`config.download[].file_url`, path only),
 * then the legacy `cldm_v*.yaml` config files. Texts without a marker are listed too.
 *
 * @example
 * ```ts
 * controlNetEvidence({ name: 'control_canny_sd2' })[0]?.markers // [{ token: 'sd2', family: 'sd2' }]
 * ```
 */
export function controlNetEvidence(record: object): readonly ControlNetEvidenceItem[] {
  requireRecord(record, 'controlNetEvidence: the ControlNet record')
  const items: ControlNetEvidenceItem[] = []
  const add = (source: ControlNetEvidenceItem['source'], text: string, markers: ControlNetEvidenceItem['markers']): void => {
    if (!items.some((item) => item.source === source && item.text === text)) items.push({ source, text, markers })
  }
  const name = ownString(record, 'name')
  if (name !== undefined) add('name', name, markersOf(name))

  const config = ownObject(record, 'config')
  const entries = (key: string): object[] => (config === undefined ? [] : (ownArray(config, key) ?? []).filter(isObjectLike))
  const downloads = entries('download')
  const files = entries('files')
  const fileNames = [...downloads.map((entry) => ownString(entry, 'file_name')), ...files.map((entry) => ownString(entry, 'path'))].filter(
    (text): text is string => text !== undefined && text !== '',
  )
  for (const fileName of fileNames) if (!isYaml(fileName)) add('file name', fileName, markersOf(fileName))
  for (const entry of downloads) {
    const url = ownString(entry, 'file_url')
    if (url !== undefined && url !== '') add('download URL', url, markersOf(urlPath(url)))
  }
  for (const fileName of fileNames) if (isYaml(fileName)) add('config file', fileName, yamlMarkers(fileName))
  return items
}

const SOURCE_ORDER: readonly ControlNetEvidenceItem['source'][] = ['name', 'file name', 'download URL', 'config file']

function describe(item: ControlNetEvidenceItem, token: string, family: Family): string {
  if (item.source === 'config file') return `config file ${item.text} is the ${family === 'sd1' ? 'SD 1.x' : 'SD 2.x'} ControlNet config`
  return `${item.source} ${item.text} contains '${token}'`
}

/**
 * Which image baselines a ControlNet record works with. ControlNet records carry no baseline, so
 * it is derived from evidence only, the first source that names a base model deciding: the
 * record's name (`_sd2`, `_sd21`, `_xl`, `sdxl`), then its file names, then its download URLs
 * (`sd15`, `sd21`, `fp21`, `sdxl`, `v11p_sd15_...`), then a legacy `cldm_v15.yaml` (SD 1.x) or
 * `cldm_v21.yaml` (SD 2.x) config. SD 2.x gives both `stable_diffusion_2_768` and
 * `stable_diffusion_2_512`. When nothing decides, or one source names two families, or a base
 * model these rules do not cover (SD 3, Flux, ...), the answer is `'unknown'` with no baselines.
 * Reads v2 and legacy records alike; never throws for a malformed record.
 *
 * @throws TypeError when `record` is not an object.
 * @example
 * ```ts
 * const controlnets = await client.getModelReference('controlnet')
 * controlNetBaselines(controlnets['control_canny']!)
 * // { baselines: ['stable_diffusion_1'], evidence: "file name diff_control_sd15_canny_fp16.safetensors contains 'sd15'", status: 'known' }
 * ```
 */
export function controlNetBaselines(record: object): ControlNetBaselines {
  const evidence = controlNetEvidence(record)
  for (const source of SOURCE_ORDER) {
    const items = evidence.filter((item) => item.source === source && item.markers.length > 0)
    if (items.length === 0) continue
    const marked = items.flatMap((item) => item.markers.map((marker) => ({ item, ...marker })))
    const families = new Set(marked.map((marker) => marker.family))
    const first = marked[0]!
    if (families.size > 1 || first.family === 'foreign') {
      const what = marked.map((marker) => `'${marker.token}'`).join(', ')
      const reason = families.size > 1 ? `names conflicting base models (${what})` : `names ${what}, a base model these rules have no ControlNet baseline for`
      return Object.freeze({ baselines: Object.freeze([]), evidence: `${source} ${first.item.text} ${reason}`, status: 'unknown' })
    }
    return Object.freeze({ baselines: FAMILY_BASELINES[first.family], evidence: describe(first.item, first.token, first.family), status: 'known' })
  }
  return Object.freeze({
    baselines: Object.freeze([]),
    evidence: 'no base-model marker in the name, file names, download URLs or config files',
    status: 'unknown',
  })
}

/**
 * Whether a ControlNet works with an image model, given as its record or its baseline (any
 * spelling `baseModelToBaseline` knows). `'unknown'` when the ControlNet's baselines are unknown
 * (see {@link controlNetBaselines}), or the image model's baseline is absent, unknown or `infer`.
 *
 * @throws TypeError when `controlnetRecord` is not an object, or the image model is neither an object nor a string.
 * @example
 * ```ts
 * const controlnets = await client.getModelReference('controlnet')
 * const images = await client.getModelReference('image_generation')
 * controlNetWorksWith(controlnets['control_depth']!, images['Deliberate']!) // true (both SD 1.x)
 * controlNetWorksWith(controlnets['control_depth']!, 'stable_diffusion_xl') // false
 * ```
 * @param controlnetRecord A `controlnet` record.
 * @param imageRecordOrBaseline An image record, or its baseline.
 */
export function controlNetWorksWith(controlnetRecord: object, imageRecordOrBaseline: object | string): boolean | 'unknown' {
  const { baselines, status } = controlNetBaselines(controlnetRecord)
  const image = resolveImageBaseline(imageRecordOrBaseline, 'controlNetWorksWith: the image model')
  if (status === 'unknown' || image === undefined || image === 'infer') return 'unknown'
  return baselines.includes(image)
}
