import { describe, expect, it } from 'vitest'
import { MODEL_REFERENCE_CATEGORIES, type ModelReferenceCategory } from '../src/index.js'
import { convertLegacyJson, convertTextCsv } from '../src/convert/index.js'
import { getBaseModelName } from '../src/convert/text-names.js'
import { DERIVED_V2_FILES, fixtureJson, fixtureText, LEGACY_FILES } from '../../../e2e/fixtures.js'

const JSON_CATEGORIES = Object.keys(LEGACY_FILES).filter((c) => c !== 'text_generation') as ModelReferenceCategory[]

describe('legacy -> v2 conversion equals derived-v2 record for record', () => {
  it.each(JSON_CATEGORIES)('%s', (category) => {
    const { entries, issues } = convertLegacyJson(category, fixtureJson(LEGACY_FILES[category]!))
    const derived = fixtureJson(DERIVED_V2_FILES[category]!) as Record<string, unknown>
    expect(entries.map(([key]) => key)).toEqual(Object.keys(derived))
    // JSON.stringify compares values and the order of every field.
    for (const [key, record] of entries) expect(JSON.stringify(record), key).toBe(JSON.stringify(derived[key]))
    expect(issues.filter((i) => i.severity === 'error')).toEqual([])
  })

  it('text_generation from models.csv', () => {
    const { entries, issues } = convertTextCsv(fixtureText(LEGACY_FILES.text_generation!))
    const derived = fixtureJson(DERIVED_V2_FILES.text_generation!) as Record<string, unknown>
    expect(entries).toHaveLength(719)
    expect(entries.map(([key]) => key)).toEqual(Object.keys(derived))
    for (const [key, record] of entries) expect(JSON.stringify(record), key).toBe(JSON.stringify(derived[key]))
    // The four repeated names are reported, nothing is skipped.
    expect(issues.filter((i) => i.severity === 'error')).toEqual([])
    expect(issues.filter((i) => i.message.includes('repeated')).map((i) => i.key).sort()).toEqual([
      'Casual-Autopsy/Maginum-Cydoms-24B',
      'Sao10K/Llama-3.1-8B-Stheno-v3.4',
      'lightblue/Karasu-Mixtral-8x22B-v0.1',
      'mistralai/Ministral-3-14B-Instruct-2512',
    ])
  })

  it('covers every category that has a legacy file', () => {
    expect(MODEL_REFERENCE_CATEGORIES.filter((c) => LEGACY_FILES[c] !== undefined).sort()).toEqual(Object.keys(DERIVED_V2_FILES).sort())
  })
})

describe('getBaseModelName', () => {
  it('agrees with text_model_group on every real text model name', () => {
    const derived = fixtureJson(DERIVED_V2_FILES.text_generation!) as Record<string, { name: string; text_model_group: string }>
    const mismatches = Object.values(derived).filter((r) => getBaseModelName(r.name) !== r.text_model_group)
    expect(mismatches).toEqual([])
    expect(Object.keys(derived)).toHaveLength(719)
  })

  it.each([
    ['Llama-3-8B-Instruct-Q4_K_M', 'Llama-3'],
    ['Mistral-7B-v0.1', 'Mistral'],
    ['Phi-3-Mini-4K-Instruct', 'Phi-3-Mini'],
    ['bloomz-7b1', 'bloomz'],
    ['Captain-Eris_Violet-V0.420-12B', 'Captain-Eris_Violet'],
    ['koboldcpp/Llama-3-8B-Instruct', 'Llama-3'],
    ['aphrodite/ReadyArt/Broken-Tutu-24B', 'Broken-Tutu'],
    ['lightblue/Karasu-Mixtral-8x22B-v0.1', 'Karasu-Mixtral-8x2'],
    ['zerofata/Q3.5-BlueStar-27B', '5-BlueStar'],
    ['mistralai/Mixtral-8x7B-Instruct-v0.1', 'Mixtral'],
    ['7B-Instruct', '7B-Instruct'],
  ])('%s -> %s (upstream and rules-document examples)', (name, base) => {
    expect(getBaseModelName(name)).toBe(base)
  })
})
