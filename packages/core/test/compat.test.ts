import { describe, expect, it } from 'vitest'
import {
  applyRequirements,
  BASE_MODEL_SPELLINGS,
  baseModelToBaseline,
  controlNetBaselines,
  controlNetEvidence,
  controlNetWorksWith,
  displayName,
  fitsBaseline,
  hasShowcase,
  hasTrigger,
  KNOWN_REQUIREMENTS,
  nativeResolution,
  type ImageGenerationParams,
} from '../src/compat/index.js'
import { getBaselineDescriptor, normalizeBaseline, registerImageBaseline } from '../src/records/vocabulary.js'
import { fixtureJson } from '../../../e2e/fixtures.js'

type Json = Record<string, unknown>
const load = (path: string): Record<string, Json> => fixtureJson(path) as Record<string, Json>

const derivedControlnets = load('derived-v2/controlnet.json')
const legacyControlnets = load('legacy/controlnet.json')
const images = load('derived-v2/stable_diffusion.json')
const legacyImages = load('legacy/stable_diffusion.json')
const texts = load('derived-v2/text_generation.json')

const SD1 = ['stable_diffusion_1']
const SD2 = ['stable_diffusion_2_768', 'stable_diffusion_2_512']
const SDXL = ['stable_diffusion_xl']

// What decides each of the 18 real ControlNet records (by file key), worked out by reading them:
// the family, the first source with a marker, and the marker. Every legacy record but the two QR
// models also lists a cldm_v15.yaml or cldm_v21.yaml, checked separately below.
const CONTROLNET_EXPECTED: Record<string, { baselines: string[]; source: string; token: string }> = {
  control_canny_sd2: { baselines: SD2, source: 'name', token: 'sd2' },
  control_depth_sd2: { baselines: SD2, source: 'name', token: 'sd2' },
  control_hed_sd2: { baselines: SD2, source: 'name', token: 'sd2' },
  control_openpose_sd2: { baselines: SD2, source: 'name', token: 'sd2' },
  control_fakescribbles_sd2: { baselines: SD2, source: 'name', token: 'sd2' },
  control_scribble_sd2: { baselines: SD2, source: 'name', token: 'sd2' },
  control_canny: { baselines: SD1, source: 'file name', token: 'sd15' },
  control_depth: { baselines: SD1, source: 'file name', token: 'sd15' },
  control_hed: { baselines: SD1, source: 'file name', token: 'sd15' },
  control_qr: { baselines: SD1, source: 'file name', token: 'sd15' },
  control_hough: { baselines: SD1, source: 'download URL', token: 'sd15' },
  control_mlsd: { baselines: SD1, source: 'download URL', token: 'sd15' },
  control_normal: { baselines: SD1, source: 'download URL', token: 'sd15' },
  control_openpose: { baselines: SD1, source: 'download URL', token: 'sd15' },
  control_fakescribbles: { baselines: SD1, source: 'download URL', token: 'sd15' },
  control_scribble: { baselines: SD1, source: 'download URL', token: 'sd15' },
  control_seg: { baselines: SD1, source: 'download URL', token: 'sd15' },
  control_qr_sdxl: { baselines: SDXL, source: 'name', token: 'xl' },
}

describe('controlNetBaselines on the real records', () => {
  it('the fixtures hold the same 18 keys in derived-v2 and legacy, all covered here', () => {
    expect(Object.keys(derivedControlnets).sort()).toEqual(Object.keys(CONTROLNET_EXPECTED).sort())
    expect(Object.keys(legacyControlnets).sort()).toEqual(Object.keys(CONTROLNET_EXPECTED).sort())
  })

  for (const [label, records] of [
    ['derived-v2', derivedControlnets],
    ['legacy', legacyControlnets],
  ] as const) {
    it(`every ${label} record is known, with the expected baselines and the deciding evidence`, () => {
      for (const [key, record] of Object.entries(records)) {
        const expected = CONTROLNET_EXPECTED[key]!
        const result = controlNetBaselines(record)
        expect(result.status, key).toBe('known')
        expect([...result.baselines], key).toEqual(expected.baselines)
        expect(result.evidence.startsWith(`${expected.source} `), `${key}: ${result.evidence}`).toBe(true)
        expect(result.evidence.endsWith(`contains '${expected.token}'`), `${key}: ${result.evidence}`).toBe(true)
        // The evidence quotes a text that really is in the record.
        const quoted = result.evidence.slice(expected.source.length + 1, result.evidence.lastIndexOf(' contains '))
        expect(JSON.stringify(record).includes(quoted), `${key}: ${quoted}`).toBe(true)
        expect(quoted.toLowerCase(), key).toContain(expected.token)
      }
    })

    it(`no ${label} record has evidence that disagrees between sources`, () => {
      for (const [key, record] of Object.entries(records)) {
        const families = new Set(controlNetEvidence(record).flatMap((item) => item.markers.map((marker) => marker.family)))
        expect(families.size, key).toBe(1)
      }
    })
  }

  it('the exact evidence strings of three records', () => {
    expect(controlNetBaselines(derivedControlnets['control_canny']!)).toEqual({
      baselines: SD1,
      evidence: "file name diff_control_sd15_canny_fp16.safetensors contains 'sd15'",
      status: 'known',
    })
    expect(controlNetBaselines(derivedControlnets['control_seg']!).evidence).toBe(
      "download URL https://huggingface.co/kohya-ss/ControlNet-diff-modules/resolve/main/diff_control_sd15_seg_fp16.safetensors contains 'sd15'",
    )
    expect(controlNetBaselines(derivedControlnets['control_qr_sdxl']!).evidence).toBe("name control_qr_xl contains 'xl'")
  })

  it('the legacy cldm yaml names agree with the decision on the 16 records that have one', () => {
    let withYaml = 0
    for (const [key, record] of Object.entries(legacyControlnets)) {
      const files = (record.config as { files: { path: string }[] }).files
      const yaml = files.map((file) => file.path).find((path) => path.endsWith('.yaml'))
      if (yaml === undefined) continue
      withYaml += 1
      expect(yaml === 'cldm_v15.yaml' ? SD1 : yaml === 'cldm_v21.yaml' ? SD2 : 'other', key).toEqual(CONTROLNET_EXPECTED[key]!.baselines)
    }
    expect(withYaml).toBe(16)
  })

  it('a yaml is the last resort; with the name and files gone it decides alone', () => {
    const record = legacyControlnets['control_hough']!
    const config = record.config as { files: { path: string }[] }
    const onlyYaml = { name: 'control_x', config: { files: config.files.filter((file) => file.path.endsWith('.yaml')), download: [] } }
    expect(controlNetBaselines(onlyYaml)).toEqual({ baselines: SD1, evidence: 'config file cldm_v15.yaml is the SD 1.x ControlNet config', status: 'known' })
    expect(controlNetBaselines({ name: 'x', config: { files: [{ path: 'cldm_v21.yaml' }] } }).baselines).toEqual(SD2)
  })

  it('the results are frozen', () => {
    const result = controlNetBaselines(derivedControlnets['control_canny']!)
    expect(Object.isFrozen(result)).toBe(true)
    expect(Object.isFrozen(result.baselines)).toBe(true)
  })
})

describe('controlNetBaselines rules', () => {
  it('the markers the rules name', () => {
    const byFile = (fileName: string) => controlNetBaselines({ name: 'cn', config: { download: [{ file_name: fileName, file_url: '' }] } })
    expect(byFile('control_v11p_sd15_canny.pth').baselines).toEqual(SD1)
    expect(byFile('control_sd15_canny.safetensors').evidence).toBe("file name control_sd15_canny.safetensors contains 'sd15'")
    expect(byFile('controlnet-canny-sd21.safetensors').baselines).toEqual(SD2)
    expect(byFile('control_canny_fp21.safetensors').baselines).toEqual(SD2)
    expect(byFile('controlnet-canny-sdxl-1.0.safetensors').baselines).toEqual(SDXL)
    expect(byFile('sd_xl_canny.safetensors').baselines).toEqual(SDXL)
    expect(byFile('control_sd-1.5_depth.safetensors').baselines).toEqual(SD1)
    expect(controlNetBaselines({ name: 'control_depth_sd21' }).baselines).toEqual(SD2)
    expect(controlNetBaselines({ name: 'control_depth_sdxl' }).baselines).toEqual(SDXL)
  })

  it('the name outranks the files, the files outrank the URLs', () => {
    const record = { name: 'control_canny_sd2', config: { download: [{ file_name: 'control_sd15.safetensors', file_url: 'https://h/control_sdxl.safetensors' }] } }
    expect(controlNetBaselines(record).baselines).toEqual(SD2)
    const unnamed = { name: 'control_canny', config: { download: [{ file_name: 'control_sd15.safetensors', file_url: 'https://h/control_sdxl.safetensors' }] } }
    expect(controlNetBaselines(unnamed).baselines).toEqual(SD1)
  })

  it('only the URL path counts, not its host or query', () => {
    const record = { name: 'cn', config: { download: [{ file_name: 'model.safetensors', file_url: 'https://sdxl.example/model.safetensors?variant=sd15' }] } }
    expect(controlNetBaselines(record).status).toBe('unknown')
  })

  it('nothing decides: unknown with no baselines (fp16 is not a marker)', () => {
    const result = controlNetBaselines({ name: 'control_canny', config: { download: [{ file_name: 'control_canny_fp16.safetensors', file_url: 'https://h/x/control_canny_fp16.safetensors' }] } })
    expect(result).toEqual({ baselines: [], evidence: 'no base-model marker in the name, file names, download URLs or config files', status: 'unknown' })
  })

  it('conflicting markers in one source, or a base model the rules do not cover, give unknown', () => {
    const conflict = controlNetBaselines({ name: 'cn', config: { download: [{ file_name: 'a_sd15.safetensors', file_url: '' }, { file_name: 'b_sdxl.safetensors', file_url: '' }] } })
    expect(conflict.status).toBe('unknown')
    expect(conflict.baselines).toEqual([])
    expect(conflict.evidence).toContain('conflicting')
    const flux = controlNetBaselines({ name: 'flux-canny-controlnet', config: { download: [{ file_name: 'canny_sd15.safetensors', file_url: '' }] } })
    expect(flux.status).toBe('unknown')
    expect(flux.evidence).toContain("'flux'")
    expect(controlNetBaselines({ name: 'control_sd3_canny' }).status).toBe('unknown')
  })
})

describe('controlNetWorksWith', () => {
  const canny = derivedControlnets['control_canny']!
  const cannySd2 = derivedControlnets['control_canny_sd2']!
  const qrXl = derivedControlnets['control_qr_sdxl']!

  it('against real image records', () => {
    expect(controlNetWorksWith(canny, images['Deliberate']!)).toBe(true)
    expect(controlNetWorksWith(canny, images['DreamShaper XL']!)).toBe(false)
    expect(controlNetWorksWith(qrXl, images['DreamShaper XL']!)).toBe(true)
    expect(controlNetWorksWith(cannySd2, images['stable_diffusion_2.1']!)).toBe(true)
    expect(controlNetWorksWith(cannySd2, images['Deliberate']!)).toBe(false)
    expect(controlNetWorksWith(canny, images['Flux.1-Schnell fp8 (Compact)']!)).toBe(false)
    // Legacy records with their spaced baselines.
    expect(controlNetWorksWith(legacyControlnets['control_canny']!, legacyImages['Deliberate']!)).toBe(true)
    expect(controlNetWorksWith(legacyControlnets['control_canny_sd2']!, legacyImages['stable_diffusion_2.1']!)).toBe(true)
  })

  it('every real ControlNet against every real image record answers a boolean', () => {
    for (const cn of Object.values(derivedControlnets)) for (const image of Object.values(images)) expect(typeof controlNetWorksWith(cn, image)).toBe('boolean')
  })

  it('against baselines in any spelling; SD 2.x covers 512 and 768', () => {
    expect(controlNetWorksWith(cannySd2, 'stable_diffusion_2_512')).toBe(true)
    expect(controlNetWorksWith(cannySd2, 'stable_diffusion_2_768')).toBe(true)
    expect(controlNetWorksWith(canny, 'SD15')).toBe(true)
    expect(controlNetWorksWith(canny, 'stable diffusion 1')).toBe(true)
    expect(controlNetWorksWith(qrXl, 'Pony')).toBe(true)
  })

  it('unknown when either side is unknown, or the image baseline is infer or absent', () => {
    expect(controlNetWorksWith({ name: 'control_x' }, 'stable_diffusion_1')).toBe('unknown')
    expect(controlNetWorksWith(canny, 'infer')).toBe('unknown')
    expect(controlNetWorksWith(canny, 'sd_9000')).toBe('unknown')
    expect(controlNetWorksWith(canny, { name: 'no baseline' })).toBe('unknown')
    expect(controlNetWorksWith(canny, { baseline: 7 })).toBe('unknown')
  })
})

describe('baseModelToBaseline', () => {
  const cases: [string, string][] = [
    ['SD 1.4', 'stable_diffusion_1'],
    ['SD 1.5', 'stable_diffusion_1'],
    ['SD 1.5 LCM', 'stable_diffusion_1'],
    ['SD 1.5 Hyper', 'stable_diffusion_1'],
    ['SD 2.0', 'stable_diffusion_2_512'],
    ['SD 2.0 768', 'stable_diffusion_2_768'],
    ['SD 2.1', 'stable_diffusion_2_512'],
    ['SD 2.1 768', 'stable_diffusion_2_768'],
    ['SDXL 0.9', 'stable_diffusion_xl'],
    ['SDXL 1.0', 'stable_diffusion_xl'],
    ['SDXL 1.0 LCM', 'stable_diffusion_xl'],
    ['SDXL Turbo', 'stable_diffusion_xl'],
    ['SDXL Lightning', 'stable_diffusion_xl'],
    ['SDXL Hyper', 'stable_diffusion_xl'],
    ['Pony', 'stable_diffusion_xl'],
    ['Illustrious', 'stable_diffusion_xl'],
    ['NoobAI', 'stable_diffusion_xl'],
    ['Stable Cascade', 'stable_cascade'],
    ['Flux.1 D', 'flux_dev'],
    ['Flux.1 Dev', 'flux_dev'],
    ['FLUX.1 [dev]', 'flux_dev'],
    ['Flux.1 Schnell', 'flux_schnell'],
    ['Pony V6', 'stable_diffusion_xl'],
    ['Pony V6 XL', 'stable_diffusion_xl'],
    ['Illustrious XL', 'stable_diffusion_xl'],
    ['NoobAI XL', 'stable_diffusion_xl'],
    ['Flux.1 S', 'flux_schnell'],
    ['Qwen', 'qwen_image'],
    ['ZImageTurbo', 'z_image_turbo'],
    ['Z-Image Turbo', 'z_image_turbo'],
  ]

  it('the model-site spellings', () => {
    for (const [spelling, baseline] of cases) expect(baseModelToBaseline(spelling), spelling).toBe(baseline)
  })

  it('every row of the exported table maps to a registered baseline, and the test cases cover it', () => {
    for (const row of BASE_MODEL_SPELLINGS) {
      expect(getBaselineDescriptor(row.baseline)?.name, row.spelling).toBe(row.baseline)
      expect(baseModelToBaseline(row.spelling)).toBe(row.baseline)
    }
    const covered = new Set(cases.map(([spelling]) => spelling))
    expect(BASE_MODEL_SPELLINGS.filter((row) => !covered.has(row.spelling)).map((row) => row.spelling)).toEqual(['stable diffusion 2', 'stable diffusion 2 512'])
    expect(Object.isFrozen(BASE_MODEL_SPELLINGS)).toBe(true)
  })

  it('ignores case, spacing and punctuation', () => {
    expect(baseModelToBaseline('sd1.5')).toBe('stable_diffusion_1')
    expect(baseModelToBaseline('  sd-1.5 ')).toBe('stable_diffusion_1')
    expect(baseModelToBaseline('SDXL_1.0')).toBe('stable_diffusion_xl')
    expect(baseModelToBaseline('flux.1-d')).toBe('flux_dev')
    expect(baseModelToBaseline('FLUX1S')).toBe('flux_schnell')
    expect(baseModelToBaseline('z image turbo')).toBe('z_image_turbo')
    expect(baseModelToBaseline('PONY')).toBe('stable_diffusion_xl')
    expect(baseModelToBaseline('noob-ai')).toBe('stable_diffusion_xl')
    expect(baseModelToBaseline('ＳＤＸＬ 1.0')).toBe('stable_diffusion_xl')
  })

  it("falls back to the SDK's own spellings", () => {
    for (const spelling of ['stable_diffusion_xl', 'SDXL', 'stable diffusion 1', 'flux_dev', 'flux_1', 'qwen-image', 'zimage', 'stable_cascade', 'stable_diffusion_2_512']) {
      expect(baseModelToBaseline(spelling), spelling).toBe(normalizeBaseline(spelling))
    }
    // `infer` is a baseline of the vocabulary, but no base model: there is nothing to fit.
    expect(baseModelToBaseline('infer')).toBeUndefined()
    expect(baseModelToBaseline('Stable Diffusion XL')).toBe('stable_diffusion_xl')
    expect(baseModelToBaseline('FLUX_DEV')).toBe('flux_dev')
    expect(baseModelToBaseline('stable diffusion 2')).toBe('stable_diffusion_2_768')
  })

  it('a registered baseline is found too', () => {
    registerImageBaseline('compat_test_baseline', { nativeResolution: 640, alternativeNames: ['Compat Test 1'] })
    expect(baseModelToBaseline('compat test 1')).toBe('compat_test_baseline')
    expect(nativeResolution('Compat Test 1')).toBe(640)
  })

  it('never guesses: base models the SDK has no baseline for are undefined', () => {
    for (const name of ['SD 3', 'SD 3.5', 'SD 3.5 Large', 'SD 3.5 Medium', 'SD 2.1 Unclip', 'SD 2', 'Flux.1 Kontext', 'Flux.1 Krea', 'Pony V7', 'SDXL Distilled', 'Hunyuan Video', 'Hunyuan 1', 'Wan Video', 'AuraFlow', 'Other', 'SVD', 'Kolors', '', '   ', '...']) {
      expect(baseModelToBaseline(name), name).toBeUndefined()
    }
    expect(baseModelToBaseline(undefined as never)).toBeUndefined()
    expect(baseModelToBaseline(15 as never)).toBeUndefined()
  })
})

describe('fitsBaseline', () => {
  it('against real image records', () => {
    expect(fitsBaseline('SD 1.5', images['Deliberate']!)).toBe(true)
    expect(fitsBaseline('SDXL 1.0', images['Deliberate']!)).toBe(false)
    expect(fitsBaseline('Pony', images['Pony Diffusion XL']!)).toBe(true)
    expect(fitsBaseline('Illustrious', images['KaynegIllustriousXL']!)).toBe(true)
    expect(fitsBaseline('SD 2.1', images['stable_diffusion_2.1']!)).toBe(true)
    expect(fitsBaseline('SD 2.1 768', images['stable_diffusion_2.1']!)).toBe(true)
    expect(fitsBaseline('Stable Cascade', images['Stable Cascade 1.0']!)).toBe(true)
    expect(fitsBaseline('Flux.1 D', images['Flux.1-Schnell fp8 (Compact)']!)).toBe(true)
    expect(fitsBaseline('Flux.1 S', images['DreamShaper XL']!)).toBe(false)
    expect(fitsBaseline('SD 1.5', legacyImages['Deliberate']!)).toBe(true)
  })

  it('every real image record gets a boolean for every table spelling', () => {
    for (const image of Object.values(images)) for (const row of BASE_MODEL_SPELLINGS) expect(typeof fitsBaseline(row.spelling, image)).toBe('boolean')
  })

  it('by family: SD 2.x 512 and 768 match; Flux.1 variants match; others by baseline', () => {
    expect(fitsBaseline('SD 2.0 768', 'stable_diffusion_2_512')).toBe(true)
    expect(fitsBaseline('SD 2.0', 'stable_diffusion_2_768')).toBe(true)
    expect(fitsBaseline('Flux.1 S', 'flux_dev')).toBe(true)
    expect(fitsBaseline('SD 1.5', 'stable_diffusion_2_512')).toBe(false)
    expect(fitsBaseline('Qwen', 'z_image_turbo')).toBe(false)
    expect(fitsBaseline('ZImageTurbo', 'z_image_turbo')).toBe(true)
  })

  it('unknown for an unknown base model, an infer or unknown image baseline, or none', () => {
    expect(fitsBaseline('SD 3.5', 'stable_diffusion_xl')).toBe('unknown')
    expect(fitsBaseline('Other', images['Deliberate']!)).toBe('unknown')
    expect(fitsBaseline('SD 1.5', 'infer')).toBe('unknown')
    expect(fitsBaseline('infer', 'stable_diffusion_1')).toBe('unknown')
    expect(fitsBaseline('SD 1.5', 'sd_9000')).toBe('unknown')
    expect(fitsBaseline('SD 1.5', { name: 'x' })).toBe('unknown')
    expect(fitsBaseline(42 as never, 'SDXL')).toBe('unknown')
  })
})

describe('nativeResolution', () => {
  it('from the baseline descriptor, for every real image record', () => {
    for (const image of Object.values(images)) expect(nativeResolution(image), String(image.name)).toBe(getBaselineDescriptor(String(image.baseline))?.nativeResolution)
    expect(nativeResolution(images['DreamShaper XL']!)).toBe(1024)
    expect(nativeResolution(images['Deliberate']!)).toBe(512)
    expect(nativeResolution(images['stable_diffusion_2.1']!)).toBe(768)
    expect(nativeResolution(legacyImages['Deliberate']!)).toBe(512)
    expect(nativeResolution(legacyImages['stable_diffusion_2.1']!)).toBe(768)
  })

  it('from baselines in any spelling', () => {
    expect(nativeResolution('stable_diffusion_xl')).toBe(1024)
    expect(nativeResolution('SDXL')).toBe(1024)
    expect(nativeResolution('stable_diffusion_1')).toBe(512)
    expect(nativeResolution('stable_diffusion_2_512')).toBe(512)
    expect(nativeResolution('SD 2.1 768')).toBe(768)
    expect(nativeResolution('flux_1')).toBe(1024)
    expect(nativeResolution('Pony')).toBe(1024)
  })

  it('undefined for infer, an unknown baseline, or a record without one', () => {
    expect(nativeResolution('infer')).toBeUndefined()
    expect(nativeResolution('sd_9000')).toBeUndefined()
    expect(nativeResolution(derivedControlnets['control_canny']!)).toBeUndefined()
    expect(nativeResolution({ baseline: ['stable_diffusion_xl'] })).toBeUndefined()
  })
})

// Every parameter within what the record's requirements allow.
function checkWithin(requirements: Json, before: ImageGenerationParams, after: ImageGenerationParams, label: string): void {
  const r = requirements as Record<string, number | string[] | undefined>
  if (after.steps !== undefined) {
    if (typeof r.min_steps === 'number') expect(after.steps, label).toBeGreaterThanOrEqual(r.min_steps)
    if (typeof r.max_steps === 'number') expect(after.steps, label).toBeLessThanOrEqual(r.max_steps)
  }
  if (typeof r.cfg_scale === 'number') expect(after.cfg_scale, label).toBe(r.cfg_scale)
  else if (after.cfg_scale !== undefined) {
    if (typeof r.min_cfg_scale === 'number') expect(after.cfg_scale, label).toBeGreaterThanOrEqual(r.min_cfg_scale)
    if (typeof r.max_cfg_scale === 'number') expect(after.cfg_scale, label).toBeLessThanOrEqual(r.max_cfg_scale)
  }
  if (typeof r.clip_skip === 'number') expect(after.clip_skip, label).toBe(r.clip_skip)
  if (Array.isArray(r.samplers)) {
    if (after.sampler_name !== undefined || r.samplers.length === 1) expect(r.samplers, label).toContain(after.sampler_name)
    if (before.sampler_name !== undefined && r.samplers.includes(before.sampler_name)) expect(after.sampler_name, label).toBe(before.sampler_name)
  }
  if (Array.isArray(r.schedulers) && r.schedulers.join() === 'karras') expect(after.karras, label).toBe(true)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item)
    Object.freeze(value)
  }
  return value
}

describe('applyRequirements on the real image records', () => {
  const withRequirements = Object.values(images).filter((image) => typeof image.requirements === 'object' && image.requirements !== null)
  const paramSets: ImageGenerationParams[] = [
    { steps: 50, cfg_scale: 9, clip_skip: 3, sampler_name: 'k_lms', karras: false, width: 1024, height: 1024 },
    { steps: 1, cfg_scale: 0.5, clip_skip: 1, sampler_name: 'k_euler_a', karras: true },
    { steps: 5, cfg_scale: 2, sampler_name: 'k_euler' },
    {},
  ]

  it('29 records have requirements, using exactly the known keys', () => {
    expect(withRequirements).toHaveLength(29)
    const counts: Record<string, number> = {}
    for (const image of withRequirements) for (const key of Object.keys(image.requirements as Json)) counts[key] = (counts[key] ?? 0) + 1
    expect(counts).toEqual({ clip_skip: 26, samplers: 4, min_steps: 3, max_steps: 3, schedulers: 2, max_cfg_scale: 2, cfg_scale: 1, min_cfg_scale: 1 })
    expect(Object.keys(counts).sort()).toEqual([...KNOWN_REQUIREMENTS].sort())
  })

  it('every record, every parameter set: each change reported, within limits afterwards, input untouched', () => {
    for (const image of withRequirements) {
      for (const base of paramSets) {
        const input = deepFreeze({ ...base, prompt: 'a cat', loras: [{ name: 'x' }] })
        const snapshot = structuredClone(input)
        const label = `${String(image.name)} ${JSON.stringify(base)}`
        const { params, changes, unknownRequirements, invalidRequirements } = applyRequirements(image, input)
        expect(input, label).toEqual(snapshot)
        expect(params, label).not.toBe(input)
        expect(unknownRequirements, label).toEqual([])
        expect(invalidRequirements, label).toEqual([])
        // Exactly the fields that differ are reported, with their before and after values.
        const keys = new Set([...Object.keys(input), ...Object.keys(params)])
        const differing = [...keys].filter((key) => !Object.is((input as Json)[key], (params as Json)[key])).sort()
        expect(changes.map((change) => change.field).sort(), label).toEqual(differing)
        for (const change of changes) {
          expect(change.before, label).toBe((input as Json)[change.field])
          expect(change.after, label).toBe((params as Json)[change.field])
          expect(change.reason, label).toMatch(/^requirements\.[a-z_]+ /)
        }
        expect(params.prompt, label).toBe('a cat')
        expect(params.loras, label).toBe(input.loras)
        checkWithin(image.requirements as Json, input, params, label)
      }
    }
  })

  it('DreamShaper XL: steps clamped, cfg fixed, sampler replaced, karras set', () => {
    const result = applyRequirements(images['DreamShaper XL']!, { steps: 30, cfg_scale: 7, sampler_name: 'k_euler_a' })
    expect(result.params).toEqual({ steps: 6, cfg_scale: 2, sampler_name: 'k_dpmpp_sde', karras: true })
    expect(result.changes).toEqual([
      { field: 'steps', before: 30, after: 6, reason: 'requirements.max_steps is 6' },
      { field: 'cfg_scale', before: 7, after: 2, reason: 'requirements.cfg_scale is 2' },
      { field: 'sampler_name', before: 'k_euler_a', after: 'k_dpmpp_sde', reason: 'requirements.samplers allows only k_dpmpp_sde' },
      { field: 'karras', before: undefined, after: true, reason: 'requirements.schedulers allows only karras' },
    ])
  })

  it('Flux.1-Schnell: every requirement at once', () => {
    const result = applyRequirements(images['Flux.1-Schnell fp8 (Compact)']!, { steps: 1, cfg_scale: 7.5, clip_skip: 2, sampler_name: 'k_dpmpp_2m', karras: false })
    expect(result.params).toEqual({ steps: 3, cfg_scale: 4, clip_skip: 1, sampler_name: 'k_euler', karras: true })
    expect(result.changes.map((change) => change.reason)).toEqual([
      'requirements.min_steps is 3',
      'requirements.max_cfg_scale is 4',
      'requirements.clip_skip is 1',
      'requirements.samplers allows only k_euler',
      'requirements.schedulers allows only karras',
    ])
  })

  it('a longer sampler list keeps an allowed sampler and leaves a missing one to the Horde', () => {
    const pony = images['Pony Realism']!
    expect(applyRequirements(pony, { sampler_name: 'k_dpmpp_2m' }).params).toEqual({ sampler_name: 'k_dpmpp_2m', clip_skip: 2 })
    expect(applyRequirements(pony, { sampler_name: 'k_lms' }).params.sampler_name).toBe('k_heun')
    expect(applyRequirements(pony, {}).params).toEqual({ clip_skip: 2 })
  })

  it('ranges correct only values that are given', () => {
    expect(applyRequirements(images['Ultraspice']!, {}).changes).toEqual([])
    expect(applyRequirements(images['Ultraspice']!, { cfg_scale: 7 }).params).toEqual({ cfg_scale: 2.5 })
    expect(applyRequirements(images['Stable Cascade 1.0']!, { steps: 25 }).changes).toEqual([])
    expect(applyRequirements(images['Stable Cascade 1.0']!, { steps: '50' as never }).changes).toEqual([])
  })

  it('legacy records apply the same way', () => {
    const legacy = applyRequirements(legacyImages['DreamShaper XL']!, { steps: 30, cfg_scale: 7, sampler_name: 'k_euler_a' })
    const derived = applyRequirements(images['DreamShaper XL']!, { steps: 30, cfg_scale: 7, sampler_name: 'k_euler_a' })
    expect(legacy).toEqual(derived)
  })

  it('a record with no requirements gives a copy of the parameters and no changes', () => {
    const without = Object.values(images).filter((image) => image.requirements === undefined)
    expect(without).toHaveLength(161 - 29)
    for (const image of without) {
      const input = { steps: 30, cfg_scale: 7, prompt: 'x' }
      const result = applyRequirements(image, input)
      expect(result.params).toEqual(input)
      expect(result.params).not.toBe(input)
      expect(result.changes).toEqual([])
      expect(result.unknownRequirements).toEqual([])
    }
  })
})

describe('applyRequirements on unknown and invalid requirements', () => {
  it('unknown keys are reported, never applied', () => {
    const record = JSON.parse('{"name":"m","requirements":{"clip_skip":2,"min_width":768,"__proto__":{"steps":1},"constructor":1}}') as Json
    const result = applyRequirements(record, { width: 512 })
    expect(result.unknownRequirements).toEqual(['min_width', '__proto__', 'constructor'])
    expect(result.params).toEqual({ width: 512, clip_skip: 2 })
    expect(Object.getPrototypeOf(result.params)).toBe(Object.prototype)
  })

  it('known keys with unusable values are reported as invalid, not applied', () => {
    const apply = (requirements: unknown, params: ImageGenerationParams = { steps: 30, cfg_scale: 7, clip_skip: 1, sampler_name: 'k_lms' }) => applyRequirements({ name: 'm', requirements }, params)
    expect(apply({ min_steps: 10, max_steps: 5 })).toMatchObject({ changes: [], invalidRequirements: ['min_steps', 'max_steps'] })
    expect(apply({ clip_skip: '2' })).toMatchObject({ changes: [], invalidRequirements: ['clip_skip'] })
    expect(apply({ clip_skip: 0 })).toMatchObject({ changes: [], invalidRequirements: ['clip_skip'] })
    expect(apply({ max_steps: Number.NaN })).toMatchObject({ changes: [], invalidRequirements: ['max_steps'] })
    expect(apply({ samplers: [] })).toMatchObject({ changes: [], invalidRequirements: ['samplers'] })
    expect(apply({ samplers: 'k_euler' })).toMatchObject({ changes: [], invalidRequirements: ['samplers'] })
    expect(apply({ samplers: ['k_euler', 3] })).toMatchObject({ changes: [], invalidRequirements: ['samplers'] })
    expect(apply({ schedulers: null })).toMatchObject({ changes: [], invalidRequirements: ['schedulers'] })
    const contradiction = apply({ cfg_scale: 2, max_cfg_scale: 1 })
    expect(contradiction.params.cfg_scale).toBe(2)
    expect(contradiction.invalidRequirements).toEqual(['max_cfg_scale'])
  })

  it('schedulers map to the Horde karras switch', () => {
    const apply = (schedulers: string[], karras?: boolean) => applyRequirements({ requirements: { schedulers } }, karras === undefined ? {} : { karras }).params.karras
    expect(apply(['karras'])).toBe(true)
    expect(apply(['karras'], false)).toBe(true)
    expect(apply(['normal'], true)).toBe(false)
    expect(apply(['normal'])).toBe(false)
    expect(apply(['karras', 'normal'], false)).toBe(false)
    expect(apply(['karras', 'normal'])).toBeUndefined()
  })

  it('a requirements value that is not an object is no requirements', () => {
    for (const requirements of [null, 'clip_skip', 2, ['clip_skip']]) {
      expect(applyRequirements({ requirements }, { steps: 30 })).toEqual({ params: { steps: 30 }, changes: [], unknownRequirements: [], invalidRequirements: [] })
    }
  })
})

describe('displayName', () => {
  it('text records: display_name, else the name', () => {
    let withLabel = 0
    for (const record of Object.values(texts)) {
      const label = typeof record.display_name === 'string' && record.display_name.trim() !== '' ? record.display_name.trim() : String(record.name)
      if (label !== record.name) withLabel += 1
      expect(displayName(record)).toBe(label)
    }
    expect(withLabel).toBe(15)
    expect(displayName(texts['acrastt/Marx-3B-V3']!)).toBe('Marx 3B V3')
  })

  it('backend prefixes are removed, the author kept', () => {
    expect(displayName({ name: 'koboldcpp/Foo-7B' })).toBe('Foo-7B')
    expect(displayName({ name: 'aphrodite/Org/Foo-7B' })).toBe('Org/Foo-7B')
    expect(displayName({ name: 'Org/Foo-7B' })).toBe('Org/Foo-7B')
    expect(displayName({ name: 'koboldcpp/Foo-7B', display_name: '  ' })).toBe('Foo-7B')
    expect(displayName({ name: 'koboldcpp/Foo-7B', display_name: 7 })).toBe('Foo-7B')
  })

  it('image and other records: the name', () => {
    for (const image of Object.values(images)) expect(displayName(image)).toBe(image.name)
    expect(displayName(load('derived-v2/clip.json')['ViT-L/14']!)).toBe('ViT-L/14')
    expect(displayName({})).toBe('')
    expect(displayName({ name: 42 })).toBe('')
  })
})

describe('hasShowcase and hasTrigger', () => {
  // Counted here without the helpers: a non-empty array whose items are strings.
  const count = (records: Record<string, Json>, key: string) => Object.values(records).filter((record) => Array.isArray(record[key]) && (record[key] as unknown[]).some((item) => typeof item === 'string' && item !== '')).length

  it('the counts equal an independent count of the real data: 73 showcases, 24 triggers', () => {
    expect(count(images, 'showcases')).toBe(73)
    expect(count(images, 'trigger')).toBe(24)
    expect(Object.values(images).filter(hasShowcase)).toHaveLength(73)
    expect(Object.values(images).filter(hasTrigger)).toHaveLength(24)
    expect(count(legacyImages, 'showcases')).toBe(73)
    expect(Object.values(legacyImages).filter(hasShowcase)).toHaveLength(73)
    expect(Object.values(legacyImages).filter(hasTrigger)).toHaveLength(24)
    for (const [name, image] of Object.entries(images)) {
      expect(hasShowcase(image), name).toBe((image.showcases as unknown[]).length > 0)
      expect(hasTrigger(image), name).toBe((image.trigger as unknown[]).length > 0)
    }
  })

  it('the one legacy record with showcases: [] has none', () => {
    expect(legacyImages['stable_diffusion_inpainting']!.showcases).toEqual([])
    expect(hasShowcase(legacyImages['stable_diffusion_inpainting']!)).toBe(false)
  })

  it('wrong types and empty strings are no showcase or trigger', () => {
    expect(hasShowcase({ showcases: 'https://example.com/a.webp' })).toBe(false)
    expect(hasShowcase({ showcases: [null, 3, ''] })).toBe(false)
    expect(hasTrigger({ trigger: [' '] })).toBe(false)
    expect(hasTrigger({ trigger: { 0: 'word', length: 1 } })).toBe(false)
    expect(hasTrigger({ trigger: [null, 'word'] })).toBe(true)
  })
})

describe('hostile records', () => {
  const all = (record: object) => [
    controlNetBaselines(record),
    controlNetWorksWith(record, 'stable_diffusion_1'),
    fitsBaseline('SD 1.5', record),
    nativeResolution(record),
    applyRequirements(record, { steps: 30 }),
    displayName(record),
    hasShowcase(record),
    hasTrigger(record),
  ]

  it('inherited fields do not count', () => {
    const inherited = Object.create({ name: 'control_canny_sd2', baseline: 'stable_diffusion_xl', requirements: { clip_skip: 2 }, showcases: ['u'], trigger: ['t'], display_name: 'D' }) as object
    expect(all(inherited)).toEqual([
      { baselines: [], evidence: 'no base-model marker in the name, file names, download URLs or config files', status: 'unknown' },
      'unknown',
      'unknown',
      undefined,
      { params: { steps: 30 }, changes: [], unknownRequirements: [], invalidRequirements: [] },
      '',
      false,
      false,
    ])
  })

  it('a JSON __proto__ key is an own field like any other, and never changes a prototype', () => {
    const record = JSON.parse('{"__proto__":{"baseline":"stable_diffusion_xl","showcases":["u"]},"name":"m","config":{"__proto__":{"download":[{"file_name":"x_sdxl.safetensors","file_url":""}]}}}') as object
    expect(controlNetBaselines(record).status).toBe('unknown')
    expect(nativeResolution(record)).toBeUndefined()
    expect(hasShowcase(record)).toBe(false)
    expect(({} as Json).baseline).toBeUndefined()
  })

  it('getters are never run; a throwing Proxy or a revoked one reads as an empty record', () => {
    let runs = 0
    const getters = Object.defineProperties({}, Object.fromEntries(['name', 'baseline', 'config', 'requirements', 'showcases', 'trigger', 'display_name'].map((key) => [key, { enumerable: true, get: () => ((runs += 1), 'x') }])))
    all(getters)
    expect(runs).toBe(0)
    const throwing = new Proxy({}, { getOwnPropertyDescriptor: () => { throw new Error('trap') }, get: () => { throw new Error('trap') }, ownKeys: () => { throw new Error('trap') } })
    expect(() => all(throwing)).not.toThrow()
    const { proxy, revoke } = Proxy.revocable({ name: 'control_canny_sd2' }, {})
    revoke()
    expect(() => all(proxy)).not.toThrow()
    // A requirements object whose keys cannot be listed.
    expect(applyRequirements({ requirements: throwing }, { steps: 3 }).params).toEqual({ steps: 3 })
  })

  it('wrong types everywhere are absent', () => {
    const bad = { name: 42, baseline: { x: 1 }, config: { download: 'x', files: [null, 'cldm_v15.yaml', { path: 5 }] }, requirements: [], showcases: {}, trigger: 'word', display_name: false }
    expect(all(bad)).toEqual([
      { baselines: [], evidence: 'no base-model marker in the name, file names, download URLs or config files', status: 'unknown' },
      'unknown',
      'unknown',
      undefined,
      { params: { steps: 30 }, changes: [], unknownRequirements: [], invalidRequirements: [] },
      '',
      false,
      false,
    ])
    expect(controlNetBaselines({ config: { download: [null, 'x', { file_name: 7, file_url: {} }, { file_name: 'a_sd15.pth' }] } }).baselines).toEqual(SD1)
    expect(controlNetBaselines({ config: [] }).status).toBe('unknown')
    expect(controlNetBaselines(['control_canny_sd2']).status).toBe('unknown')
  })

  it('a sparse array with a huge length costs nothing', () => {
    const trigger: string[] = []
    trigger.length = 2 ** 32 - 1
    trigger[7] = 'word'
    const started = performance.now()
    expect(hasTrigger({ trigger })).toBe(true)
    expect(hasShowcase({ showcases: trigger })).toBe(true)
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('a non-object record argument is a TypeError', () => {
    for (const value of [null, undefined, 'control_canny', 42, true]) {
      expect(() => controlNetBaselines(value as never)).toThrow(TypeError)
      expect(() => controlNetWorksWith(value as never, 'SDXL')).toThrow(TypeError)
      expect(() => applyRequirements(value as never, {})).toThrow(TypeError)
      expect(() => displayName(value as never)).toThrow(TypeError)
      expect(() => hasShowcase(value as never)).toThrow(TypeError)
      expect(() => hasTrigger(value as never)).toThrow(TypeError)
    }
    for (const value of [null, undefined, 42]) {
      expect(() => fitsBaseline('SD 1.5', value as never)).toThrow(TypeError)
      expect(() => nativeResolution(value as never)).toThrow(TypeError)
      expect(() => controlNetWorksWith(derivedControlnets['control_canny']!, value as never)).toThrow(TypeError)
    }
    expect(() => applyRequirements({}, null as never)).toThrow(TypeError)
  })
})
