import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { beginCheckRun, compileInPlaceCheck } from '../src/records/fast-check.js'
import { getRecordSchema } from '../src/records/schemas.js'
import { MODEL_REFERENCE_CATEGORIES, type ModelReferenceCategory } from '../src/index.js'
import { DERIVED_V2_FILES, fixtureJson } from '../../../e2e/fixtures.js'

// The in-place fast path must agree with valibot: whatever it accepts, valibot accepts with the
// same output. Checked on every real record and on variants with each field replaced.
const HOSTILE_VALUES: unknown[] = [null, undefined, 0, -1.5, Number.NaN, '', 'x', true, [], [1], ['a', 1], [null], {}, { a: 1 }, { download: 5 }]

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]))
}

function agree(category: ModelReferenceCategory, record: unknown): boolean {
  const schema = getRecordSchema(category)
  const check = compileInPlaceCheck(schema)
  const forValibot = structuredClone(record)
  const forFast = structuredClone(record)
  beginCheckRun()
  const fast = check(forFast)
  const slow = v.safeParse(schema, forValibot)
  if (fast) {
    expect(slow.success).toBe(true)
    expect(sortKeys(forFast)).toEqual(sortKeys(slow.output))
  }
  return fast
}

function variants(record: Record<string, unknown>): unknown[] {
  const out: unknown[] = []
  for (const key of [...Object.keys(record), 'record_type', 'metadata', 'config', 'model_classification', 'name', 'nsfw']) {
    for (const value of HOSTILE_VALUES) {
      const copy = structuredClone(record)
      if (value === undefined) delete copy[key]
      else copy[key] = value
      out.push(copy)
    }
  }
  const config = record.config as { download?: Record<string, unknown>[] } | undefined
  if (config?.download?.[0]) {
    for (const key of ['file_name', 'file_url', 'sha256sum', 'known_slow_download', 'size_bytes']) {
      for (const value of HOSTILE_VALUES) {
        const copy = structuredClone(record) as { config: { download: Record<string, unknown>[] } }
        if (value === undefined) delete copy.config.download[0]![key]
        else copy.config.download[0]![key] = value
        out.push(copy)
      }
    }
  }
  return out
}

describe('the in-place check agrees with valibot', () => {
  const categories = Object.keys(DERIVED_V2_FILES) as ModelReferenceCategory[]

  it.each(categories)('%s: accepts every real record with valibot’s output', (category) => {
    const records = Object.values(fixtureJson(DERIVED_V2_FILES[category]!) as Record<string, unknown>)
    for (const record of records) expect(agree(category, record)).toBe(true)
  })

  it.each(categories)('%s: never accepts a mutated record that valibot rejects', (category) => {
    const records = Object.values(fixtureJson(DERIVED_V2_FILES[category]!) as Record<string, Record<string, unknown>>).slice(0, 3)
    let rejected = 0
    for (const record of records) for (const variant of variants(record)) if (!agree(category, variant)) rejected++
    expect(rejected).toBeGreaterThan(0)
  })

  it.each(MODEL_REFERENCE_CATEGORIES)('%s: a minimal record', (category) => {
    const minimal: Record<string, unknown> = { name: 'm' }
    if (category === 'image_generation') Object.assign(minimal, { baseline: 'flux_1', nsfw: false })
    if (category === 'text_generation') minimal.parameters = 1
    expect(agree(category, minimal)).toBe(true)
  })

  it('leaves records with prototype keys to valibot', () => {
    const record = JSON.parse('{"name": "m", "__proto__": {"x": 1}}')
    expect(agree('blip', record)).toBe(false)
  })

  // (valibot itself cannot run in such a realm: its own for...in over schema entries picks the key up.)
  it('reads own keys only when Object.prototype has an enumerable key', () => {
    const check = compileInPlaceCheck(getRecordSchema('image_generation'))
    Object.defineProperty(Object.prototype, 'injected', { value: { evil: true }, enumerable: true, configurable: true, writable: true })
    try {
      const record: Record<string, unknown> = { name: 'm', baseline: 'flux_1', nsfw: false }
      beginCheckRun()
      expect(check(record)).toBe(true)
      expect(Object.keys(record).sort()).toEqual(['baseline', 'config', 'inpainting', 'metadata', 'model_classification', 'name', 'nsfw', 'record_type', 'showcases', 'tags', 'trigger'])
      expect(Object.isFrozen((Object.prototype as Record<string, unknown>).injected)).toBe(false)
    } finally {
      delete (Object.prototype as Record<string, unknown>).injected
    }
  })
})
