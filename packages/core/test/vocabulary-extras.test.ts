import { describe, expect, it } from 'vitest'
import {
  getAllImageBaselines,
  getBaselineNativeResolution,
  getBaselinesByNativeResolution,
  getKnownTags,
  isKnownTag,
  KNOWN_TAGS,
  registerImageBaseline,
  registerTag,
  type ImageGenerationModelRecord,
  type TextGenerationModelRecord,
} from '../src/index.js'
import { validateRecords } from '../src/convert/index.js'
import { fixtureJson } from '../../../e2e/fixtures.js'

const images = Object.values(fixtureJson('derived-v2/stable_diffusion.json') as Record<string, ImageGenerationModelRecord>)
const texts = Object.values(fixtureJson('derived-v2/text_generation.json') as Record<string, TextGenerationModelRecord>)
const UPSTREAM_TAGS = ['anime', 'manga', 'cyberpunk', 'tv show', 'booru', 'retro', 'character', 'hentai', 'scenes', 'low poly', 'cg', 'sketch', 'high resolution', 'landscapes', 'comic', 'cartoon', 'painting', 'game']

describe('known tags', () => {
  it('KNOWN_TAGS is upstream’s initial list, in its order, frozen', () => {
    expect(KNOWN_TAGS).toEqual(UPSTREAM_TAGS)
    expect(Object.isFrozen(KNOWN_TAGS)).toBe(true)
  })

  it('every tag of the real image records is known; matching is exact', () => {
    const used = new Set(images.flatMap((m) => m.tags))
    expect(used.size).toBe(10)
    expect([...used].filter((tag) => !isKnownTag(tag))).toEqual([])
    expect(isKnownTag('Anime')).toBe(false)
    expect(isKnownTag('roleplay')).toBe(false)
  })

  it('tags are not validated against the list: the real text records’ own tags pass without an issue', () => {
    const unknown = new Set(texts.flatMap((m) => m.tags ?? []).filter((tag) => !isKnownTag(tag)))
    expect(unknown.has('roleplay')).toBe(true)
    expect(validateRecords('text_generation', fixtureJson('derived-v2/text_generation.json') as Record<string, unknown>).issues).toEqual([])
    expect(validateRecords('image_generation', { m: { name: 'm', baseline: 'flux_1', nsfw: false, tags: ['not-a-known-tag'] } }).issues).toEqual([])
  })

  it('registerTag makes a tag known to isKnownTag and getKnownTags (after the initial list); KNOWN_TAGS stays upstream’s', () => {
    expect(getKnownTags()).toEqual(UPSTREAM_TAGS)
    expect(isKnownTag('pixel art')).toBe(false)
    registerTag('pixel art')
    registerTag('anime') // already known: not listed twice
    expect(isKnownTag('pixel art')).toBe(true)
    expect(getKnownTags()).toEqual([...UPSTREAM_TAGS, 'pixel art'])
    expect(Object.isFrozen(getKnownTags())).toBe(true)
    expect(KNOWN_TAGS).toEqual(UPSTREAM_TAGS)
    expect(() => registerTag('')).toThrow(TypeError)
  })
})

describe('getBaselinesByNativeResolution', () => {
  const namesAt = (pixels: number) => getBaselinesByNativeResolution(pixels).map((b) => b.name)

  it('lists the registered baselines of that native resolution, in registration order', () => {
    expect(namesAt(512)).toEqual(['stable_diffusion_1', 'stable_diffusion_2_512'])
    expect(namesAt(768)).toEqual(['stable_diffusion_2_768'])
    expect(namesAt(1024)).toEqual(['stable_diffusion_xl', 'stable_cascade', 'flux_1', 'flux_schnell', 'flux_dev', 'qwen_image', 'z_image_turbo'])
    expect(namesAt(640)).toEqual([])
    expect(getBaselinesByNativeResolution(1024)[0]).toBe(getAllImageBaselines().find((b) => b.name === 'stable_diffusion_xl'))
  })

  it('sorts the real image records by native resolution: each record’s baseline is listed at its resolution', () => {
    const at = new Map<number, number>()
    for (const record of images) {
      const pixels = getBaselineNativeResolution(record.baseline)!
      expect(namesAt(pixels)).toContain(record.baseline)
      at.set(pixels, (at.get(pixels) ?? 0) + 1)
    }
    expect([...at.keys()].sort()).toEqual([1024, 512, 768])
    expect(at.get(512)).toBe(images.filter((m) => m.baseline === 'stable_diffusion_1' || m.baseline === 'stable_diffusion_2_512').length)
  })

  it('includes a baseline registered later', () => {
    registerImageBaseline('test_baseline_640', { nativeResolution: 640 })
    expect(namesAt(640)).toEqual(['test_baseline_640'])
  })
})
