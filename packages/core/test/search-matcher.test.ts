import { describe, expect, it } from 'vitest'
import { buildSearchIndex, normalizeSearchText, searchIndex, suggestNames, type SearchHit } from '../src/search/matcher.js'
import { getBaselineDescriptor } from '../src/records/vocabulary.js'
import type { ImageGenerationModelRecord, TextGenerationModelRecord } from '../src/records/types.js'
import { fixtureJson } from '../../../e2e/fixtures.js'

const images = Object.values(fixtureJson('derived-v2/stable_diffusion.json') as Record<string, ImageGenerationModelRecord>)
const texts = Object.values(fixtureJson('derived-v2/text_generation.json') as Record<string, TextGenerationModelRecord>)
const imageIndex = buildSearchIndex(images)
const textIndex = buildSearchIndex(texts)

const names = <R extends { readonly name: string }>(hits: readonly SearchHit<R>[]): string[] => hits.map((hit) => hit.record.name)
const nameSet = <R extends { readonly name: string }>(hits: readonly SearchHit<R>[]): Set<string> => new Set(names(hits))
const words = (text: string): string[] => normalizeSearchText(text).split(' ').filter((word) => word !== '')

// The fields the index reads, as plain strings (a test oracle, independent of the index).
const SEARCHED = ['name', 'display_name', 'text_model_group', 'baseline', 'tags', 'style', 'description'] as const
function fieldTexts(record: object): string[] {
  const texts: string[] = []
  for (const key of SEARCHED) {
    const value: unknown = (record as Record<string, unknown>)[key]
    if (typeof value === 'string') texts.push(value)
    else if (Array.isArray(value)) texts.push(...value.filter((item): item is string => typeof item === 'string'))
  }
  const baseline = (record as { baseline?: unknown }).baseline
  const descriptor = typeof baseline === 'string' ? getBaselineDescriptor(baseline) : undefined
  if (descriptor !== undefined) texts.push(descriptor.name, ...descriptor.alternativeNames)
  return texts
}
// Every word of a record's fields, with the parts of camel-case and letter/digit words.
const PART_BOUNDARY = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u
function oracleTokens(record: object): Set<string> {
  const tokens = new Set<string>()
  for (const text of fieldTexts(record)) {
    for (const written of text.normalize('NFKD').replace(/\p{M}/gu, '').split(/[^\p{L}\p{N}]+/u)) {
      if (written === '') continue
      tokens.add(written.toLowerCase())
      for (const part of written.split(PART_BOUNDARY)) tokens.add(part.toLowerCase())
    }
  }
  return tokens
}
const isSdxl = (record: ImageGenerationModelRecord): boolean => record.baseline === 'stable_diffusion_xl'

describe('normalizeSearchText', () => {
  it('folds accents, case, punctuation and compatibility forms; keeps words whole', () => {
    expect(normalizeSearchText('  AlbedoBase XL (SDXL) ')).toBe('albedobase xl sdxl')
    expect(normalizeSearchText('Délibérate_3.0')).toBe('deliberate 3 0')
    expect(normalizeSearchText('ＳＤＸＬ')).toBe('sdxl')
    expect(normalizeSearchText('Ångström—Café')).toBe('angstrom cafe')
    expect(normalizeSearchText('meta-llama/Meta-Llama-3-8B')).toBe('meta llama meta llama 3 8b')
    expect(normalizeSearchText('')).toBe('')
    expect(normalizeSearchText(' -_/ ')).toBe('')
  })

  it('is idempotent and gives lower-case words separated by single spaces, on every real name and description', () => {
    for (const record of [...images, ...texts]) {
      for (const text of [record.name, record.description ?? '']) {
        const normalized = normalizeSearchText(text)
        expect(normalizeSearchText(normalized)).toBe(normalized)
        expect(normalized).toBe(normalized.toLowerCase())
        expect(normalized).not.toMatch(/^ | $|  |[^\p{L}\p{N} ]|\p{M}/u)
      }
    }
  })
})

describe('searchIndex on the real image records', () => {
  it('pony xl: the SDXL models with Pony in their name come first, then SDXL models that mention Pony', () => {
    const ponyNamed = images.filter((r) => normalizeSearchText(r.name).includes('pony'))
    expect(ponyNamed.length).toBeGreaterThan(10)
    expect(ponyNamed.every(isSdxl)).toBe(true)
    const hits = searchIndex(imageIndex, 'pony xl')
    expect(new Set(names(hits.slice(0, ponyNamed.length)))).toEqual(new Set(ponyNamed.map((r) => r.name)))
    for (const hit of hits.slice(ponyNamed.length)) {
      expect(isSdxl(hit.record)).toBe(true)
      expect(words(hit.record.description ?? '')).toContain('pony')
    }
    // The best hits have both words in the name itself.
    expect(hits[0]!.record.name.toLowerCase()).toMatch(/pony.*xl/)
    expect(hits[0]!.matched).toContain('name')
  })

  it('sdxl finds exactly the records with an SDXL baseline, those naming SDXL first', () => {
    const sdxl = images.filter(isSdxl)
    const hits = searchIndex(imageIndex, 'sdxl')
    expect(nameSet(hits)).toEqual(new Set(sdxl.map((r) => r.name)))
    expect(hits.every((hit) => hit.matched.includes('baseline'))).toBe(true)
    const naming = sdxl.filter((r) => words(r.name).includes('sdxl'))
    expect(naming.length).toBeGreaterThan(0)
    expect(new Set(names(hits.slice(0, naming.length)))).toEqual(new Set(naming.map((r) => r.name)))
    expect(nameSet(searchIndex(imageIndex, 'stable diffusion xl'))).toEqual(new Set(sdxl.map((r) => r.name)))
  })

  it('sd1.5 and SD15 find the stable_diffusion_1 records through the baseline’s other names', () => {
    const sd1 = new Set(images.filter((r) => r.baseline === 'stable_diffusion_1').map((r) => r.name))
    expect(sd1.size).toBeGreaterThan(50)
    for (const query of ['sd1.5', 'SD15', 'SD1.4']) {
      const hits = searchIndex(imageIndex, query)
      expect(nameSet(hits), query).toEqual(sd1)
    }
  })

  it('ignores accents and case: délibérate, DELIBERATE and deliberate give the same hits, Deliberate first', () => {
    const plain = searchIndex(imageIndex, 'deliberate')
    expect(plain[0]!.record.name).toBe('Deliberate')
    expect(searchIndex(imageIndex, 'délibérate')).toEqual(plain)
    expect(searchIndex(imageIndex, 'DELIBERATE')).toEqual(plain)
    // The records with the word in their name come first; after them only typos (Reliberate).
    const named = images.filter((r) => normalizeSearchText(r.name).includes('deliberate')).map((r) => r.name)
    expect(named.length).toBeGreaterThan(3)
    expect(names(plain).slice(0, named.length).sort()).toEqual([...named].sort())
    expect(names(plain).slice(named.length)).toEqual(['Reliberate'])
  })

  it('forgives typos: a missing letter, a swap, a wrong letter; prefixes rank above typos', () => {
    expect(searchIndex(imageIndex, 'deliberat')[0]!.record.name).toBe('Deliberate')
    expect(searchIndex(imageIndex, 'delibreate')[0]!.record.name).toBe('Deliberate')
    const albedo = images.filter((r) => r.name.startsWith('AlbedoBase')).map((r) => r.name)
    expect(albedo.length).toBe(2)
    expect(names(searchIndex(imageIndex, 'albdo'))).toEqual(albedo)
    expect(names(searchIndex(imageIndex, 'albedo'))).toEqual(albedo)
    const pony = new Set(names(searchIndex(imageIndex, 'pony')))
    expect(nameSet(searchIndex(imageIndex, 'pnoy'))).toEqual(pony)
    // A typo scores below the exact word.
    expect(searchIndex(imageIndex, 'pnoy')[0]!.score).toBeLessThan(searchIndex(imageIndex, 'pony')[0]!.score)
    const realistic = searchIndex(imageIndex, 'realstic')
    expect(realistic.length).toBeGreaterThan(0)
    expect(realistic[0]!.record.name.toLowerCase()).toContain('realistic')
  })

  it('never applies typos to tokens shorter than 4 characters', () => {
    // 'xk' is one edit from 'xl', which every SDXL record has.
    expect(searchIndex(imageIndex, 'xk')).toEqual([])
    expect(searchIndex(imageIndex, 'poy')).toEqual([])
    expect(searchIndex(imageIndex, 'pony').length).toBeGreaterThan(0)
  })

  it('does not depend on the order of the query words', () => {
    expect(nameSet(searchIndex(imageIndex, 'xl pony'))).toEqual(nameSet(searchIndex(imageIndex, 'pony xl')))
    expect(nameSet(searchIndex(textIndex, '8b llama 3'))).toEqual(nameSet(searchIndex(textIndex, 'llama 3 8b')))
    expect(nameSet(searchIndex(textIndex, 'instruct mistral 7b'))).toEqual(nameSet(searchIndex(textIndex, 'mistral 7b instruct')))
  })

  it('requires every query word: one word that matches nothing gives no hit', () => {
    expect(searchIndex(imageIndex, 'pony').length).toBeGreaterThan(0)
    expect(searchIndex(imageIndex, 'pony qqqq')).toEqual([])
    expect(searchIndex(imageIndex, 'zzzzzz pony')).toEqual([])
    expect(searchIndex(textIndex, 'llama 3 8b xqzv')).toEqual([])
    // Adding a word only ever narrows the hits.
    const xl = nameSet(searchIndex(imageIndex, 'xl'))
    for (const name of nameSet(searchIndex(imageIndex, 'pony xl'))) expect(xl.has(name)).toBe(true)
  })

  it('matches short words exactly as an independent oracle says: a prefix of a word or a part (3 letters: inside one)', () => {
    const check = <R extends { readonly name: string }>(records: readonly R[], queries: readonly string[]): void => {
      const index = buildSearchIndex(records)
      for (const query of queries) {
        const expected = records.filter((record) => [...oracleTokens(record)].some((token) => (query.length >= 3 ? token.includes(query) : token.startsWith(query))))
        expect(expected.length, query).toBeGreaterThan(0)
        expect(nameSet(searchIndex(index, query)), query).toEqual(new Set(expected.map((r) => r.name)))
      }
    }
    check(images, ['a', 'al', 'xl', 'sd', 'v3', 'ama', 'oni', 'mix', 'ill'])
    check(texts, ['a', 'al', 'xl', '8b', 'qw', 'ama', 'oni', 'mix', '70b'])
  })

  it('ranks names above other fields: the records naming Pony come before those that only describe it', () => {
    const hits = searchIndex(imageIndex, 'pony')
    const firstOther = hits.findIndex((hit) => !hit.matched.includes('name'))
    expect(firstOther).toBeGreaterThan(0)
    expect(hits.slice(firstOther).every((hit) => !hit.matched.includes('name'))).toBe(true)
    expect(hits.slice(firstOther).every((hit) => hit.matched.includes('description'))).toBe(true)
  })

  it('an empty or blank query gives every record in order with score 0', () => {
    for (const query of ['', '   ', ' -/_ ']) {
      const hits = searchIndex(imageIndex, query)
      expect(hits.map((hit) => hit.record)).toEqual(images)
      expect(hits.every((hit) => hit.score === 0 && hit.matched.length === 0)).toBe(true)
    }
    expect(searchIndex(imageIndex, '', { limit: 3 }).map((hit) => hit.record)).toEqual(images.slice(0, 3))
  })

  it('limit keeps the best hits; 0 or less gives none', () => {
    const all = searchIndex(imageIndex, 'pony')
    expect(searchIndex(imageIndex, 'pony', { limit: 3 })).toEqual(all.slice(0, 3))
    expect(searchIndex(imageIndex, 'pony', { limit: 2.7 })).toEqual(all.slice(0, 2))
    expect(searchIndex(imageIndex, 'pony', { limit: 0 })).toEqual([])
    expect(searchIndex(imageIndex, 'pony', { limit: -1 })).toEqual([])
    expect(searchIndex(imageIndex, 'pony', { limit: 1000 })).toEqual(all)
  })

  it('is deterministic: the same hits every time and from a second index; equal scores keep the records’ order', () => {
    const again = buildSearchIndex(images)
    for (const query of ['pony xl', 'sdxl', 'anime', 'a', 'realstic']) {
      const first = searchIndex(imageIndex, query)
      expect(searchIndex(imageIndex, query)).toEqual(first)
      expect(searchIndex(again, query)).toEqual(first)
      for (let i = 1; i < first.length; i++) {
        expect(first[i - 1]!.score).toBeGreaterThanOrEqual(first[i]!.score)
        if (first[i - 1]!.score === first[i]!.score) expect(images.indexOf(first[i - 1]!.record)).toBeLessThan(images.indexOf(first[i]!.record))
      }
    }
    // Reversing the records reverses the order within each score.
    const reversed = [...images].reverse()
    const forward = searchIndex(imageIndex, 'sdxl')
    const backward = searchIndex(buildSearchIndex(reversed), 'sdxl')
    const byScore = (hits: readonly SearchHit<ImageGenerationModelRecord>[]): Map<number, string[]> => {
      const groups = new Map<number, string[]>()
      for (const hit of hits) groups.set(hit.score, [...(groups.get(hit.score) ?? []), hit.record.name])
      return groups
    }
    const backwardGroups = byScore(backward)
    expect(backwardGroups.size).toBeGreaterThan(1)
    for (const [score, group] of byScore(forward)) expect(backwardGroups.get(score)).toEqual([...group].reverse())
  })

  it('reports which fields matched', () => {
    const hit = searchIndex(imageIndex, 'albedobase sdxl')[0]!
    expect(hit.record.name).toBe('AlbedoBase XL (SDXL)')
    const description = words(hit.record.description ?? '')
    const inDescription = description.includes('sdxl') || description.some((word) => word.startsWith('albedobase'))
    expect(hit.matched).toEqual(inDescription ? ['name', 'baseline', 'description'] : ['name', 'baseline'])
    // A record whose name matches neither word is found by its baseline only.
    const mistoon = searchIndex(imageIndex, 'sdxl').find((h) => h.record.name === 'Mistoon Anime')!
    expect(mistoon.record.baseline).toBe('stable_diffusion_xl')
    expect(mistoon.matched).toEqual(words(mistoon.record.description ?? '').includes('sdxl') ? ['baseline', 'description'] : ['baseline'])
    const anime = searchIndex(imageIndex, 'anime')
    expect(anime.some((h) => h.matched.includes('tags'))).toBe(true)
    expect(anime.some((h) => h.matched.includes('style'))).toBe(true)
  })
})

describe('searchIndex on the real text records', () => {
  it('llama 3 8b finds the Llama 3 models of 8B parameters, each naming all three', () => {
    const hits = searchIndex(textIndex, 'llama 3 8b')
    expect(hits.length).toBeGreaterThan(10)
    const expected = texts.filter((r) => ['llama', '3', '8b'].every((word) => oracleTokens({ name: r.name }).has(word)))
    const found = nameSet(hits)
    for (const record of expected) expect(found.has(record.name), record.name).toBe(true)
    // Those naming all three words are the best hits.
    expect(new Set(names(hits.slice(0, expected.length)))).toEqual(new Set(expected.map((r) => r.name)))
  })

  it('mistrl finds the Mistral models through a typo, the exact query finding the same ones and more strongly', () => {
    const typo = searchIndex(textIndex, 'mistrl')
    const exact = searchIndex(textIndex, 'mistral')
    // Mixtral is one edit from mistral, but two from mistrl: only the names containing mistral are expected.
    const mistral = exact.filter((hit) => normalizeSearchText(hit.record.name).includes('mistral'))
    expect(mistral.length).toBeGreaterThan(10)
    const typoNames = nameSet(typo)
    for (const hit of mistral) expect(typoNames.has(hit.record.name), hit.record.name).toBe(true)
    expect(typo[0]!.score).toBeLessThan(exact[0]!.score)
  })

  it('a swapped pair of letters (rolepaly) finds the same records as roleplay', () => {
    const roleplay = searchIndex(textIndex, 'roleplay')
    expect(roleplay.length).toBeGreaterThan(50)
    expect(nameSet(searchIndex(textIndex, 'rolepaly'))).toEqual(nameSet(roleplay))
  })

  it('a full name with its author finds that model first', () => {
    for (const record of texts.slice(0, 40)) {
      expect(searchIndex(textIndex, record.name)[0]!.record.name, record.name).toBe(record.name)
    }
  })
})

describe('match strengths and field weights', () => {
  const records = [
    { name: 'Alpha pomy' },
    { name: 'Alpha mypony' },
    { name: 'Alpha ponytail' },
    { name: 'Alpha pony' },
    { name: 'Beta', description: 'a pony' },
    { name: 'Gamma', tags: ['pony'] },
  ]
  const index = buildSearchIndex(records)

  it('exact word > prefix > inside a word > typo; name > tags > description', () => {
    expect(names(searchIndex(index, 'pony'))).toEqual(['Alpha pony', 'Alpha ponytail', 'Alpha mypony', 'Gamma', 'Alpha pomy', 'Beta'])
    expect(searchIndex(index, 'pony').map((hit) => hit.matched)).toEqual([['name'], ['name'], ['name'], ['tags'], ['name'], ['description']])
  })

  it('a name equal to the query beats one that begins with it', () => {
    const named = buildSearchIndex([{ name: 'Juggernaut XL Lightning' }, { name: 'Juggernaut XL' }, { name: 'Old Juggernaut XL' }])
    expect(names(searchIndex(named, 'juggernaut xl'))).toEqual(['Juggernaut XL', 'Juggernaut XL Lightning', 'Old Juggernaut XL'])
    expect(names(searchIndex(named, 'JuggernautXL'))).toEqual(['Juggernaut XL', 'Juggernaut XL Lightning', 'Old Juggernaut XL'])
  })

  it('finds camel-case parts and the joined words: albedo, albedobase, sdxl in SD XL', () => {
    const camel = buildSearchIndex([{ name: 'AlbedoBase XL' }, { name: 'SD XL Turbo' }, { name: 'AMPonyXL' }])
    expect(names(searchIndex(camel, 'albedo'))).toEqual(['AlbedoBase XL'])
    expect(names(searchIndex(camel, 'base'))).toEqual(['AlbedoBase XL'])
    expect(names(searchIndex(camel, 'albedobase xl'))).toEqual(['AlbedoBase XL'])
    expect(names(searchIndex(camel, 'sdxl'))).toEqual(['SD XL Turbo'])
    expect(names(searchIndex(camel, 'pony'))).toEqual(['AMPonyXL'])
    expect(names(searchIndex(camel, 'am'))).toEqual(['AMPonyXL'])
  })
})

describe('hostile and malformed records', () => {
  const revoked = Proxy.revocable({ name: 'revoked' }, {})
  revoked.revoke()
  const throwing = { name: 'throwing pony', get description(): string { throw new Error('read') } }
  const inherited = Object.assign(Object.create({ description: 'pony', tags: ['pony'] }) as object, { name: 'inherited' })
  const records = [
    { name: '__proto__' },
    JSON.parse('{"name":"own proto","__proto__":{"tags":["pony"]},"tags":["constructor"]}') as object,
    inherited,
    { name: 42, description: 'numeric pony' },
    { name: 'wrong types', tags: 'pony', baseline: { stable_diffusion_xl: true }, description: ['pony', 7], style: 3 },
    { name: 'mixed tags', tags: [1, null, {}, 'pony', ['pony']] },
    { name: 'missing' },
    throwing,
    revoked.proxy,
    null,
    'a string',
    { name: 'toString hasOwnProperty constructor' },
  ] as unknown as { readonly name: string }[]

  it('builds and searches without throwing, reading only own data properties', () => {
    const index = buildSearchIndex(records)
    expect(index.size).toBe(records.length)
    // `tags: 'pony'` is read as one tag; inherited fields, getters and non-strings are not.
    // The name first, then tags (record 4's description array counts too, but less), then a description.
    expect(searchIndex(index, 'pony').map((hit) => records.indexOf(hit.record))).toEqual([7, 4, 5, 3])
    expect(searchIndex(index, 'pony')[1]!.matched).toEqual(['tags', 'description'])
    expect(searchIndex(index, 'proto').map((hit) => records.indexOf(hit.record))).toEqual([0, 1])
    expect(searchIndex(index, 'constructor').map((hit) => records.indexOf(hit.record))).toEqual([11, 1])
    expect(searchIndex(index, 'hasownproperty').map((hit) => hit.record)).toEqual([records[11]])
    expect(searchIndex(index, 'inherited').map((hit) => hit.record)).toEqual([inherited])
    expect(searchIndex(index, '').length).toBe(records.length)
    expect(({} as Record<string, unknown>).tags).toBeUndefined()
  })

  it('suggestNames skips values that are not strings', () => {
    expect(suggestNames(['pony', 3, null, 'Pony'] as unknown as string[], 'PONY')).toEqual(['pony', 'Pony'])
  })

  it('rejects an index it did not build', () => {
    expect(() => searchIndex({ records: [], size: 0 }, 'x')).toThrow(TypeError)
  })
})

describe('suggestNames', () => {
  const imageNames = images.map((r) => r.name)
  const textNames = texts.map((r) => r.name)

  it('suggests the real names for misspelt ones', () => {
    expect(suggestNames(imageNames, 'Albedobase XL')[0]).toBe('AlbedoBase XL (SDXL)')
    expect(suggestNames(imageNames, 'Albedobase XL')).toEqual(imageNames.filter((name) => name.startsWith('AlbedoBase XL')))
    expect(suggestNames(imageNames, 'Deliberat')[0]).toBe('Deliberate')
    expect(suggestNames(imageNames, 'Jugernaut XL')).toEqual(['Juggernaut XL'])
    expect(suggestNames(imageNames, 'ponydiffusionxl')).toEqual(['Pony Diffusion XL'])
    expect(suggestNames(['Flux.1-Schnell', 'Flux.1-Dev', 'Stable Cascade', 'FLUX.1 [dev] fp8'], 'flux dev')).toEqual(['Flux.1-Dev', 'FLUX.1 [dev] fp8'])
  })

  it('puts names equal but for case, accents, spaces and punctuation first, even when listed later', () => {
    expect(suggestNames(['Deliberate 3.0', 'deliberate', 'Reliberate'], 'DÉLIBERATE')[0]).toBe('deliberate')
    expect(suggestNames(imageNames, 'stable diffusion')[0]).toBe('stable_diffusion')
    expect(suggestNames(textNames, 'META LLAMA meta llama 3 8b')[0]).toBe('meta-llama/Meta-Llama-3-8B')
  })

  it('falls back to the edit distance of the whole name, with or without its author', () => {
    // No model has a "2" token, so the words do not all match; one edit separates the names.
    expect(searchIndex(textIndex, 'Mistral-7B-Instruct-v0.2')).toEqual([])
    expect(suggestNames(textNames, 'Mistral-7B-Instruct-v0.2')).toEqual(['mistralai/Mistral-7B-Instruct-v0.1'])
  })

  it('suggests nothing for an empty, blank or unrelated name', () => {
    expect(suggestNames(imageNames, '')).toEqual([])
    expect(suggestNames(imageNames, '  -  ')).toEqual([])
    expect(suggestNames(imageNames, 'qqqqqq')).toEqual([])
    expect(suggestNames([], 'pony')).toEqual([])
  })

  it('gives at most 5 by default, or the limit; no name twice; the same answer every time', () => {
    const five = suggestNames(textNames, 'llama')
    expect(five.length).toBe(5)
    expect(suggestNames(textNames, 'llama', { limit: 12 }).length).toBe(12)
    expect(suggestNames(textNames, 'llama', { limit: 12 }).slice(0, 5)).toEqual(five)
    expect(suggestNames(textNames, 'llama', { limit: 0 })).toEqual([])
    expect(suggestNames(textNames, 'llama')).toEqual(five)
    expect(suggestNames(['Pony', 'Pony', 'pony'], 'pony')).toEqual(['Pony', 'pony'])
  })
})
