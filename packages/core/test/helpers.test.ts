import { describe, expect, it } from 'vitest'
import {
  findDownloadBySha256,
  getAllDownloadUrls,
  getBaselineNativeResolution,
  getCategoryDescriptor,
  getDeclaredTotalSize,
  getPrimaryDownloadUrl,
  isKnownImageBaseline,
  KNOWN_IMAGE_GENERATION_BASELINE,
  MODEL_DOMAIN,
  MODEL_PURPOSE,
  MODEL_REFERENCE_CATEGORIES,
  MODEL_STYLE,
  CONTROLNET_STYLE,
  normalizeBaseline,
  registerControlNetStyle,
  registerImageBaseline,
  registerModelStyle,
  sha256Equals,
  type ImageGenerationModelRecord,
} from '../src/index.js'
import { getBaseModelName, getModelNameVariants, hasBackendPrefix, parseTextModelName, registerTextBackend, stripBackendPrefix } from '../src/convert/text-names.js'
import { validateRecords } from '../src/convert/index.js'
import { fixtureJson } from '../../../e2e/fixtures.js'

const texts = Object.values(fixtureJson('derived-v2/text_generation.json') as Record<string, { name: string; text_model_group: string }>)

describe('text model names', () => {
  it('every real name parses to its text_model_group (author removed)', () => {
    const wrong = texts.filter((t) => parseTextModelName(t.name.slice(t.name.indexOf('/') + 1)).baseName !== t.text_model_group)
    expect(wrong).toEqual([])
    expect(texts).toHaveLength(719)
  })

  it('finds size, variant, quantisation, version and extras', () => {
    expect(parseTextModelName('Llama-3-8B-Instruct-Q4_K_M')).toMatchObject({ baseName: 'Llama-3', size: '8B', variant: 'Instruct', quant: 'Q4_K_M', version: undefined, normalizedName: 'llama_3' })
    expect(parseTextModelName('Mistral-7B-v0.1')).toMatchObject({ baseName: 'Mistral', size: '7B', version: 'v0.1' })
    expect(parseTextModelName('Mixtral-8x7B-Instruct-v0.1')).toMatchObject({ baseName: 'Mixtral', size: '8X7B', variant: 'Instruct' })
    expect(parseTextModelName('4.2.0-Broken-Tutu-24b')).toMatchObject({ baseName: 'Broken-Tutu', size: '24B', extras: ['4.2.0'] })
    expect(parseTextModelName('c4ai-command-r-08-2024')).toMatchObject({ baseName: 'c4ai-command-r', extras: ['08-2024'] })
    expect(parseTextModelName('gpt2-xl')).toMatchObject({ baseName: 'gpt2-xl', size: undefined, quant: undefined })
  })

  it('backend prefixes and name variants', () => {
    expect(getModelNameVariants('ReadyArt/Broken-Tutu-24B')).toEqual(['ReadyArt/Broken-Tutu-24B', 'aphrodite/ReadyArt/Broken-Tutu-24B', 'koboldcpp/Broken-Tutu-24B'])
    expect(getModelNameVariants('aphrodite/ReadyArt/Broken-Tutu-24B')[0]).toBe('ReadyArt/Broken-Tutu-24B')
    expect(stripBackendPrefix('koboldcpp/Broken-Tutu-24B')).toBe('Broken-Tutu-24B')
    expect(stripBackendPrefix('ReadyArt/Broken-Tutu-24B')).toBe('ReadyArt/Broken-Tutu-24B')
    expect(hasBackendPrefix('aphrodite/x/y')).toBe(true)
    expect(hasBackendPrefix('ReadyArt/x')).toBe(false)
    // db.json holds each real model under its three names: all of them strip to one.
    const db = fixtureJson('legacy/text/db.json') as Record<string, { name: string }>
    const canonical = new Set(texts.map((t) => t.name))
    for (const key of Object.keys(db)) {
      const stripped = stripBackendPrefix(key)
      expect(canonical.has(stripped) || [...canonical].some((n) => n.endsWith(`/${stripped}`))).toBe(true)
    }
  })

  it('a registered backend is known to every helper', () => {
    registerTextBackend('test-backend-x', 'without-author')
    expect(hasBackendPrefix('test-backend-x/Model-7B')).toBe(true)
    expect(getModelNameVariants('a/Model-7B')).toContain('test-backend-x/Model-7B')
    expect(getBaseModelName('test-backend-x/a/Model-7B')).toBe('Model')
  })
})

describe('baselines and other vocabularies', () => {
  it('every alternative name is known and normalises to its baseline, with its native resolution', () => {
    const cases: [string, string, number | null][] = [
      ['SDXL', 'stable_diffusion_xl', 1024],
      ['stable diffusion xl', 'stable_diffusion_xl', 1024],
      ['SD1.5', 'stable_diffusion_1', 512],
      ['stable diffusion 1.4', 'stable_diffusion_1', 512],
      ['stable_diffusion', 'stable_diffusion_1', 512],
      ['qwen', 'qwen_image', 1024],
      ['zimage', 'z_image_turbo', 1024],
      ['flux dev', 'flux_dev', 1024],
      ['stable_diffusion_2_768', 'stable_diffusion_2_768', 768],
      ['infer', 'infer', null],
    ]
    for (const [spelling, baseline, resolution] of cases) {
      expect(isKnownImageBaseline(spelling)).toBe(true)
      expect(normalizeBaseline(spelling)).toBe(baseline)
      expect(getBaselineNativeResolution(spelling)).toBe(resolution)
    }
    expect(normalizeBaseline('sdxl')).toBeUndefined() // matching is case-sensitive, as upstream
    expect(Object.keys(KNOWN_IMAGE_GENERATION_BASELINE)).toHaveLength(11)
    expect(KNOWN_IMAGE_GENERATION_BASELINE.flux_1).toBe('flux_1')
  })

  it('every baseline in the real data is known', () => {
    const images = Object.values(fixtureJson('derived-v2/stable_diffusion.json') as Record<string, { baseline: string }>)
    expect(images.filter((m) => !isKnownImageBaseline(m.baseline))).toEqual([])
  })

  it('registering a baseline or style makes records with it validate without a warning', () => {
    const record = { name: 'm', baseline: 'test_flux_9', nsfw: false, style: 'test-vaporwave' }
    const before = validateRecords('image_generation', [['m', { ...record }]]).issues.map((i) => i.path)
    expect(before).toEqual(['baseline', 'style'])
    registerImageBaseline('test_flux_9', { nativeResolution: 2048, alternativeNames: ['test flux 9'] })
    registerModelStyle('test-vaporwave')
    expect(validateRecords('image_generation', [['m', { ...record }]]).issues).toEqual([])
    expect(normalizeBaseline('test flux 9')).toBe('test_flux_9')
    expect(getBaselineNativeResolution('test flux 9')).toBe(2048)
    registerControlNetStyle('control_test')
    expect(validateRecords('controlnet', [['c', { name: 'c', controlnet_style: 'control_test' }]]).issues).toEqual([])
  })

  it('the enums', () => {
    expect(Object.keys(MODEL_STYLE)).toEqual(['generalist', 'anime', 'furry', 'artistic', 'other', 'realistic'])
    expect(Object.keys(CONTROLNET_STYLE)).toHaveLength(17)
    expect(Object.keys(MODEL_DOMAIN)).toEqual(['image', 'text', 'video', 'audio', 'rendered_3d'])
    expect(Object.keys(MODEL_PURPOSE)).toEqual(['generation', 'post_processing', 'auxiliary_or_patch', 'feature_extractor', 'safety_checker', 'miscellaneous'])
  })

  it('a descriptor per category: domain, purpose, legacy file, GitHub source', () => {
    expect(MODEL_REFERENCE_CATEGORIES.map((c) => getCategoryDescriptor(c).category)).toEqual(MODEL_REFERENCE_CATEGORIES)
    expect(getCategoryDescriptor('image_generation')).toMatchObject({ domain: 'image', purpose: 'generation', githubSource: 'image', legacyFile: 'stable_diffusion.json' })
    expect(getCategoryDescriptor('text_generation')).toMatchObject({ domain: 'text', githubSource: 'text', legacyFile: 'models.csv' })
    expect(getCategoryDescriptor('controlnet_annotator')).toMatchObject({ githubSource: null, legacyFile: null, managedElsewhere: false })
    expect(getCategoryDescriptor('lora')).toMatchObject({ managedElsewhere: true })
  })
})

describe('download facts on real records', () => {
  const images = validateRecords('image_generation', fixtureJson('derived-v2/stable_diffusion.json') as Record<string, unknown>).models

  it('total size, primary URL and all URLs', () => {
    const cascade = images['Stable Cascade 1.0'] as ImageGenerationModelRecord
    expect(cascade.config.download).toHaveLength(2)
    expect(getAllDownloadUrls(cascade)).toEqual(cascade.config.download.map((d) => d.file_url))
    expect(getPrimaryDownloadUrl(cascade)).toBe(cascade.config.download[0]!.file_url)
    // No real file declares size_bytes: the total is size_on_disk_bytes.
    expect(getDeclaredTotalSize(cascade)).toBe(cascade.size_on_disk_bytes)
    const withSizes = { ...cascade, config: { download: cascade.config.download.map((d, i) => ({ ...d, size_bytes: 10 + i })) } }
    expect(getDeclaredTotalSize(withSizes)).toBe(21)
    expect(getDeclaredTotalSize({ ...cascade, size_on_disk_bytes: undefined, config: { download: [] } })).toBeUndefined()
  })

  it('sha256 comparison ignores case (the real data mixes both) and FIXME never matches', () => {
    const rpg = images.RPG!
    const hash = rpg.config.download[0]!.sha256sum!
    expect(hash).toMatch(/[A-F]/)
    expect(sha256Equals(hash, hash.toLowerCase())).toBe(true)
    expect(findDownloadBySha256(rpg, hash.toLowerCase())?.file_name).toBe(rpg.config.download[0]!.file_name)
    expect(sha256Equals('FIXME', 'FIXME')).toBe(false)
    expect(sha256Equals(undefined, hash)).toBe(false)
    expect(findDownloadBySha256(rpg, 'f'.repeat(64))).toBeUndefined()
  })
})
