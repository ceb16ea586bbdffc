// Free-text search over model records, for autocomplete and "did you mean": pure, synchronous,
// no dependencies, no Node APIs. An index is built once per list of records (every field's
// tokens normalised up front); each query then scans the index's vocabulary once per query token
// and adds up the best match of each token per record.

import { getBaselineDescriptor } from '../records/vocabulary.js'
import { boundedDistance } from '../edit-distance.js'
import { checkOptions, type KnownOptions } from '../options-check.js'

/** One record found by {@link searchIndex}. */
export interface SearchHit<R> {
  /** The record, as it was given to {@link buildSearchIndex}. */
  readonly record: R
  /** The sum over query tokens of (match strength × field weight), plus the name bonus; higher is better. `0` for an empty query. */
  readonly score: number
  /** The record's fields in which some query token matched, such as `['name', 'baseline']`, in index order (name first). */
  readonly matched: readonly string[]
}

/**
 * The records of one list, prepared for {@link searchIndex} by {@link buildSearchIndex}. Its
 * tokens are held out of sight: only the records and their count are visible. It does not
 * follow later changes to the records; build a new one when they change.
 */
export interface SearchIndex<R> {
  /** The indexed records, in the order given. */
  readonly records: readonly R[]
  /** How many records there are. */
  readonly size: number
}

/** Options of {@link searchIndex}. */
export interface SearchOptions {
  /** At most this many hits (the best ones); all of them when left out. `0` or less gives none. */
  readonly limit?: number | undefined
}

/** Options of {@link suggestNames}. */
export interface SuggestOptions {
  /** At most this many names; 5 when left out. `0` or less gives none. */
  readonly limit?: number | undefined
}

const LIMIT = { limit: 1 } satisfies KnownOptions<SearchOptions> & KnownOptions<SuggestOptions>

// ---------------------------------------------------------------------------------------------
// Normalisation

const COMBINING_MARKS = /\p{M}+/gu
const SEPARATOR_RUNS = /[^\p{L}\p{N}]+/gu
const WORD_SPLIT = /[^\p{L}\p{N}]+/u
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/
// Boundaries inside a word: `albedoBase`, `AMPony` (`AM|Pony`), `gta5`, `5mix`.
const LOWER_UPPER = /(\p{Ll})(\p{Lu})/gu
const UPPER_RUN_END = /(\p{Lu})(\p{Lu}\p{Ll})/gu
const LETTER_DIGIT = /(\p{L})(\p{N})/gu
const DIGIT_LETTER = /(\p{N})(\p{L})/gu

/** Lower case without accents (`'Délibérate'` -> `'deliberate'`); everything else kept. */
const LIGATURE_SPELLINGS: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i' }
const LIGATURES = /[ßæœøđðþłı]/g

function fold(text: string): string {
  const lower = text.toLowerCase()
  // Plain ASCII needs no decomposition: the common case, kept fast.
  // Letters that do not decompose but are written out in ASCII: ß as ss, æ as ae, ø as o, ...
  return PRINTABLE_ASCII.test(lower) ? lower : lower.normalize('NFKD').replace(COMBINING_MARKS, '').replace(LIGATURES, (letter) => LIGATURE_SPELLINGS[letter]!)
}

/**
 * The form in which search compares text: decomposed (NFKD), without accents or other combining
 * marks, in lower case, with every run of characters that are neither letters nor digits made
 * one space, trimmed. A value that is not a string gives `''`.
 *
 * Words are not split further here (`'AlbedoBase'` -> `'albedobase'`): the index adds the parts
 * of camel-case and letter/digit words as tokens of their own (`albedo`, `base`; `gta`, `5`), so
 * that both `'albedobase'` and `'albedo'` find it.
 *
 * @example
 * ```ts
 * normalizeSearchText('  AlbedoBase XL (SDXL) ') // 'albedobase xl sdxl'
 * normalizeSearchText('Délibérate_3.0')          // 'deliberate 3 0'
 * ```
 */
export function normalizeSearchText(text: string): string {
  if (typeof text !== 'string') return ''
  return fold(text).replace(SEPARATOR_RUNS, ' ').trim()
}

/** The words of a normalised text. */
function wordsOf(normalized: string): string[] {
  return normalized === '' ? [] : normalized.split(' ')
}

/** The camel-case and letter/digit parts of one word, as written (`'AMPonyXL'` -> `['AM', 'Pony', 'XL']`). */
function partsOf(word: string): string[] {
  if (PRINTABLE_ASCII.test(word)) return asciiPartsOf(word)
  return word
    .replace(LOWER_UPPER, '$1 $2')
    .replace(UPPER_RUN_END, '$1 $2')
    .replace(LETTER_DIGIT, '$1 $2')
    .replace(DIGIT_LETTER, '$1 $2')
    .split(' ')
}

const LOWER = 1
const UPPER = 2
const DIGIT = 3

function asciiClass(code: number): number {
  if (code >= 97 && code <= 122) return LOWER
  if (code >= 65 && code <= 90) return UPPER
  return code >= 48 && code <= 57 ? DIGIT : 0
}

/** {@link partsOf} for a word of ASCII letters and digits: one pass, no regular expression (most words have no parts). */
function asciiPartsOf(word: string): string[] {
  let parts: string[] | undefined
  let start = 0
  let before = asciiClass(word.charCodeAt(0))
  for (let i = 1; i < word.length; i++) {
    const current = asciiClass(word.charCodeAt(i))
    const boundary =
      (before === LOWER && current === UPPER) ||
      (before === UPPER && current === UPPER && asciiClass(word.charCodeAt(i + 1)) === LOWER) ||
      (before === DIGIT) !== (current === DIGIT)
    if (boundary) {
      parts ??= []
      parts.push(word.slice(start, i))
      start = i
    }
    before = current
  }
  if (parts === undefined) return [word]
  parts.push(word.slice(start))
  return parts
}

/** The tokens of one field value: each word, the parts of compound words, and (optionally) each pair of neighbouring words joined. */
function tokenize(text: string, withJoins: boolean): { words: string[]; joins: string[] } {
  const raw = PRINTABLE_ASCII.test(text) ? text : text.normalize('NFKD').replace(COMBINING_MARKS, '')
  const words: string[] = []
  const joins: string[] = []
  let previous = ''
  for (const written of raw.split(WORD_SPLIT)) {
    if (written === '') continue
    const word = fold(written)
    words.push(word)
    const parts = partsOf(written)
    if (parts.length > 1) for (const part of parts) words.push(fold(part))
    if (withJoins && previous !== '') joins.push(previous + word)
    previous = word
  }
  return { words, joins }
}

/** A 32-bit signature of the characters of a token: a lower bound on how many edits separate two tokens. */
function charMask(token: string): number {
  let mask = 0
  for (let i = 0; i < token.length; i++) mask |= 1 << (token.charCodeAt(i) & 31)
  return mask
}

function bitCount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

// ---------------------------------------------------------------------------------------------
// Fields and scoring

interface FieldSpec {
  /** The record's own property. */
  readonly key: string
  readonly weight: number
  /** Neighbouring words joined are tokens too (`'SD XL'` -> `sdxl`): for name-like fields. */
  readonly joins: boolean
  /** Also names the field gives a name bonus on. */
  readonly isName: boolean
}

// Name first and highest; description last and lowest. At most 16 fields (4 bits per posting).
const FIELDS: readonly FieldSpec[] = [
  { key: 'name', weight: 10, joins: true, isName: true },
  { key: 'display_name', weight: 8, joins: true, isName: true },
  { key: 'alternative_names', weight: 8, joins: true, isName: true },
  { key: 'original_name', weight: 8, joins: true, isName: true },
  { key: 'aliases', weight: 8, joins: true, isName: true },
  { key: 'text_model_group', weight: 6, joins: true, isName: false },
  { key: 'pretrained_name', weight: 6, joins: true, isName: false },
  { key: 'baseline', weight: 5, joins: true, isName: false },
  { key: 'tags', weight: 5, joins: true, isName: false },
  { key: 'style', weight: 4, joins: false, isName: false },
  { key: 'controlnet_style', weight: 4, joins: true, isName: false },
  { key: 'description', weight: 1, joins: false, isName: false },
]
const FIELD_BITS = 4
const FIELD_MASK = (1 << FIELD_BITS) - 1
const BASELINE_FIELD = FIELDS.findIndex((field) => field.key === 'baseline')

// How well one query token matches one indexed token.
const EXACT = 100
const PREFIX = 70
const SUBSTRING = 45
const TYPO_1 = 30
const TYPO_2 = 18
// Added once when the whole query (spaces and punctuation ignored) equals, begins or occurs in a name.
const NAME_EQUAL_BONUS = 800
const NAME_PREFIX_BONUS = 400
const NAME_CONTAINS_BONUS = 100
// Query tokens longer than this are not matched with typos (the cost grows with the square).
const MAX_TYPO_LENGTH = 32
const DIGITS_ONLY = /^\p{N}+$/u

/** How many edits a query token of this length may have; 0 for none. */
function typoBudget(token: string): number {
  if (token.length < 4 || token.length > MAX_TYPO_LENGTH || DIGITS_ONLY.test(token)) return 0
  return token.length >= 8 ? 2 : 1
}

/** The tokens of one kind with, for each, where it occurs: `recordIndex << 4 | fieldIndex`. */
interface Vocabulary {
  readonly tokens: readonly string[]
  readonly masks: Int32Array
  readonly postings: readonly Int32Array[]
}

interface IndexInternals {
  readonly count: number
  /** Words, compound parts and baseline spellings: matched exactly, by prefix, substring and typo. */
  readonly words: Vocabulary
  /** Neighbouring words joined: matched exactly and by prefix only. */
  readonly joins: Vocabulary
  /** Per record, its names without spaces (`'albedobasexlsdxl'`), also without an `author/` part. */
  readonly names: readonly (readonly string[])[]
  // Scratch space of one search (searching is synchronous, so one set per index is enough).
  readonly total: Int32Array
  readonly matchedTokens: Int32Array
  readonly fieldBits: Int32Array
  readonly best: Int32Array
  readonly touched: Int32Array
}

const internalsOf = /* @__PURE__ */ new WeakMap<object, IndexInternals>()

/**
 * The strings of a record's own data property: a string, or the strings of an array. Inherited
 * properties, getters, values of other types and records that throw when read (a revoked
 * `Proxy`) give none.
 */
function fieldStrings(record: unknown, key: string): string[] {
  if (record === null || (typeof record !== 'object' && typeof record !== 'function')) return []
  try {
    const descriptor = Object.getOwnPropertyDescriptor(record, key)
    return descriptor === undefined ? [] : stringsOf(descriptor.value)
  } catch {
    return []
  }
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value]
  if (!Array.isArray(value)) return []
  const strings: string[] = []
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i]
    if (typeof item === 'string' && item !== '') strings.push(item)
  }
  return strings
}

/** A baseline's value plus every spelling the vocabulary knows for it (`'stable_diffusion_xl'` -> also `'SDXL'`, `'stable diffusion xl'`). */
function baselineSpellings(value: string): string[] {
  const descriptor = getBaselineDescriptor(value)
  return descriptor === undefined ? [value] : [value, descriptor.name, ...descriptor.alternativeNames]
}

/** Name keys for the name bonus: the name without spaces, and its last `/` segment likewise. */
function nameKeys(name: string): string[] {
  const keys = [normalizeSearchText(name).replaceAll(' ', '')]
  const slash = name.lastIndexOf('/')
  if (slash >= 0) keys.push(normalizeSearchText(name.slice(slash + 1)).replaceAll(' ', ''))
  return keys.filter((key) => key !== '')
}

class VocabularyBuilder {
  private readonly positions = new Map<string, number[]>()

  add(token: string, posting: number): void {
    const list = this.positions.get(token)
    if (list === undefined) this.positions.set(token, [posting])
    else if (list[list.length - 1] !== posting) list.push(posting)
  }

  build(): Vocabulary {
    const tokens = [...this.positions.keys()]
    const masks = new Int32Array(tokens.length)
    const postings: Int32Array[] = []
    tokens.forEach((token, i) => {
      masks[i] = charMask(token)
      postings.push(Int32Array.from(this.positions.get(token)!))
    })
    return { tokens, masks, postings }
  }
}

/**
 * Indexes records for {@link searchIndex}: every searchable field of every record is read once
 * and split into normalised tokens. Records of any category can be mixed; the fields read are
 * `name` (weight 10), `display_name`, `alternative_names`, `original_name` and `aliases` (8),
 * `text_model_group` and `pretrained_name` (6), `baseline` (5, with every spelling the baseline
 * vocabulary knows: `stable_diffusion_xl` is also `SDXL` and `stable diffusion xl`), `tags` (5),
 * `style` and `controlnet_style` (4) and `description` (1). A field may be a string or an array
 * of strings; only a record's own data properties are read, and values of other types, missing
 * fields and records that are not objects are passed over (such a record is still in the index,
 * found by an empty query only).
 *
 * Building takes time in proportion to the records' text (a few milliseconds for a thousand
 * records); build once per list and reuse the index for every query.
 *
 * @example
 * ```ts
 * const index = buildSearchIndex(Object.values(models))
 * searchIndex(index, 'pony xl', { limit: 10 }).map((hit) => hit.record.name)
 * ```
 */
export function buildSearchIndex<R extends { readonly name: string }>(records: Iterable<R>): SearchIndex<R> {
  const list = Object.freeze([...records])
  const words = new VocabularyBuilder()
  const joins = new VocabularyBuilder()
  const names: string[][] = []
  list.forEach((record, recordIndex) => {
    const keys: string[] = []
    FIELDS.forEach((field, fieldIndex) => {
      const posting = (recordIndex << FIELD_BITS) | fieldIndex
      let values = fieldStrings(record, field.key)
      if (fieldIndex === BASELINE_FIELD) values = values.flatMap(baselineSpellings)
      for (const value of values) {
        const tokens = tokenize(value, field.joins)
        for (const word of tokens.words) words.add(word, posting)
        for (const join of tokens.joins) joins.add(join, posting)
        if (field.isName) keys.push(...nameKeys(value))
      }
    })
    names.push(keys)
  })
  const count = list.length
  const index: SearchIndex<R> = Object.freeze({ records: list, size: count })
  internalsOf.set(index, {
    count,
    words: words.build(),
    joins: joins.build(),
    names,
    total: new Int32Array(count),
    matchedTokens: new Int32Array(count),
    fieldBits: new Int32Array(count),
    best: new Int32Array(count),
    touched: new Int32Array(count),
  })
  return index
}

/** How well `query` matches the indexed `token`, from {@link EXACT} down to 0 for no match. */
function wordStrength(query: string, budget: number, queryMask: number, token: string, tokenMask: number): number {
  if (token === query) return EXACT
  if (token.startsWith(query)) return PREFIX
  if (query.length >= 3 && token.length > query.length && token.includes(query)) return SUBSTRING
  if (budget === 0 || token.length < query.length - budget) return 0
  // Each edit can remove at most one of the query's distinct characters.
  if (bitCount(queryMask & ~tokenMask) > budget) return 0
  const distance = boundedDistance(query, token, budget, true)
  return distance > budget ? 0 : distance <= 1 ? TYPO_1 : TYPO_2
}

/** Records, for one query token, each record's best (strength × weight) in `best` and its matched fields in `fieldBits`; returns how many records were touched. */
function matchToken(internals: IndexInternals, query: string, mustHave: number): number {
  const { best, touched, fieldBits, matchedTokens } = internals
  let touchedCount = 0
  const credit = (postings: Int32Array, strength: number): void => {
    for (let p = 0; p < postings.length; p++) {
      const posting = postings[p]!
      const record = posting >>> FIELD_BITS
      // A record that missed an earlier token cannot be a hit any more.
      if (matchedTokens[record] !== mustHave) continue
      const field = posting & FIELD_MASK
      const value = strength * FIELDS[field]!.weight
      if (best[record] === 0) touched[touchedCount++] = record
      if (value > best[record]!) best[record] = value
      fieldBits[record]! |= 1 << field
    }
  }
  const budget = typoBudget(query)
  const queryMask = charMask(query)
  const { words, joins } = internals
  for (let t = 0; t < words.tokens.length; t++) {
    const strength = wordStrength(query, budget, queryMask, words.tokens[t]!, words.masks[t]!)
    if (strength > 0) credit(words.postings[t]!, strength)
  }
  for (let t = 0; t < joins.tokens.length; t++) {
    const token = joins.tokens[t]!
    const strength = token === query ? EXACT : token.startsWith(query) ? PREFIX : 0
    if (strength > 0) credit(joins.postings[t]!, strength)
  }
  return touchedCount
}

/** The bonus of a record whose name equals, begins with or contains the whole query (spaces ignored). */
function nameBonus(keys: readonly string[], compactQuery: string): number {
  let bonus = 0
  for (const key of keys) {
    if (key === compactQuery) return NAME_EQUAL_BONUS
    if (key.startsWith(compactQuery)) bonus = NAME_PREFIX_BONUS
    else if (bonus === 0 && compactQuery.length >= 3 && key.includes(compactQuery)) bonus = NAME_CONTAINS_BONUS
  }
  return bonus
}

function limitOf(limit: number | undefined, fallback: number): number {
  if (limit === undefined || Number.isNaN(limit)) return fallback
  return Math.max(0, Math.floor(limit))
}

/** The distinct tokens of a query, in order. */
function queryTokens(text: string): string[] {
  return [...new Set(wordsOf(normalizeSearchText(text)))]
}

/**
 * Finds the records matching `text`, best first.
 *
 * The query is normalised ({@link normalizeSearchText}) and split into tokens; a record is a hit
 * only when every token matches one of its fields. A token matches an indexed token exactly
 * (strongest), as its beginning, inside it (tokens of 3 characters or more), or with typos
 * (weakest: one edit for tokens of 4 to 7 characters, two from 8, never for shorter tokens or
 * digits only), against whole tokens and their beginnings. The score adds up, over the query
 * tokens, the best (strength × field weight) of each (see {@link buildSearchIndex} for the
 * weights), plus a bonus when the whole query, spaces and punctuation ignored, equals, begins or
 * occurs in the record's name. Equal scores keep the records' order in the index.
 *
 * An empty or blank query (or one of punctuation only, or not a string) matches every record: all
 * of them, in index order, with score `0` and nothing `matched`. The result is the same for the
 * same index and text, every time. A query costs well under a millisecond for a thousand records.
 *
 * @example
 * ```ts
 * searchIndex(index, 'albedo xl')[0]?.record.name // 'AlbedoBase XL (SDXL)'
 * searchIndex(index, 'deliberat')                 // typos and prefixes are forgiven
 * ```
 * @param index What {@link buildSearchIndex} built.
 * @param text What the user typed.
 * @param options `limit`: at most this many hits.
 * @throws {TypeError} when `index` was not made by {@link buildSearchIndex}.
 */
export function searchIndex<R>(index: SearchIndex<R>, text: string, options: SearchOptions = {}): SearchHit<R>[] {
  checkOptions('searchIndex', options, LIMIT)
  const internals = internalsOf.get(index)
  if (internals === undefined) throw new TypeError('searchIndex needs an index made by buildSearchIndex.')
  const limit = limitOf(options.limit, Number.POSITIVE_INFINITY)
  if (limit === 0) return []
  const tokens = typeof text === 'string' ? queryTokens(text) : []
  if (tokens.length === 0) return index.records.slice(0, limit).map((record) => Object.freeze({ record, score: 0, matched: Object.freeze([]) }))

  const { total, matchedTokens, fieldBits, best, touched } = internals
  total.fill(0)
  matchedTokens.fill(0)
  fieldBits.fill(0)
  for (let q = 0; q < tokens.length; q++) {
    const touchedCount = matchToken(internals, tokens[q]!, q)
    for (let i = 0; i < touchedCount; i++) {
      const record = touched[i]!
      total[record]! += best[record]!
      matchedTokens[record] = q + 1
      best[record] = 0
    }
    if (touchedCount === 0) return []
  }
  return collectHits(index, internals, tokens, limit)
}

/** The records that matched every token, scored, sorted and cut to `limit`. */
function collectHits<R>(index: SearchIndex<R>, internals: IndexInternals, tokens: readonly string[], limit: number): SearchHit<R>[] {
  const compactQuery = tokens.join('')
  const order: number[] = []
  for (let record = 0; record < internals.count; record++) {
    if (internals.matchedTokens[record] !== tokens.length) continue
    internals.total[record]! += nameBonus(internals.names[record]!, compactQuery)
    order.push(record)
  }
  order.sort((a, b) => internals.total[b]! - internals.total[a]! || a - b)
  if (order.length > limit) order.length = limit
  return order.map((record) => Object.freeze({ record: index.records[record]!, score: internals.total[record]!, matched: matchedFields(internals.fieldBits[record]!) }))
}

function matchedFields(bits: number): readonly string[] {
  const fields: string[] = []
  for (let field = 0; field < FIELDS.length; field++) if ((bits & (1 << field)) !== 0) fields.push(FIELDS[field]!.key)
  return Object.freeze(fields)
}

/**
 * Names close to `wanted`, for a "did you mean" message, best first and without repeats:
 * first the names equal to it once case, accents, spaces and punctuation are ignored (in the
 * given order); then the names {@link searchIndex} finds for it (every word matched, prefixes
 * and typos allowed), best first; then names within a small edit distance of it as a whole
 * (spaces and punctuation ignored, with or without an `author/` part; one edit per 4 characters,
 * at most 3), nearest first. Ties keep the given order.
 *
 * An empty or blank `wanted` gives no suggestion. The names are indexed on every call, so keep
 * this for errors, not for each keystroke (use {@link buildSearchIndex} there).
 *
 * @example
 * ```ts
 * suggestNames(names, 'Albedobase XL') // ['AlbedoBase XL (SDXL)', 'AlbedoBase XL 3.1', ...]
 * suggestNames(names, 'Deliberat')     // ['Deliberate', ...]
 * ```
 * @param names The names to choose from, such as `Object.keys(models)`.
 * @param wanted The name that was not found.
 * @param options `limit`: at most this many suggestions (5 by default).
 */
export function suggestNames(names: Iterable<string>, wanted: string, options: SuggestOptions = {}): string[] {
  checkOptions('suggestNames', options, LIMIT)
  const limit = limitOf(options.limit, 5)
  const compactWanted = typeof wanted === 'string' ? normalizeSearchText(wanted).replaceAll(' ', '') : ''
  if (compactWanted === '' || limit === 0) return []
  const unique = [...new Set([...names].filter((name) => typeof name === 'string' && name !== ''))]
  const chosen = new Set<string>()
  const take = (name: string): boolean => {
    chosen.add(name)
    return chosen.size >= limit
  }

  for (const name of unique) if (normalizeSearchText(name).replaceAll(' ', '') === compactWanted && take(name)) return [...chosen]
  const index = buildSearchIndex(unique.map((name) => ({ name })))
  for (const hit of searchIndex(index, wanted)) if (!chosen.has(hit.record.name) && take(hit.record.name)) return [...chosen]

  const budget = Math.min(3, Math.floor(compactWanted.length / 4))
  const near: { name: string; distance: number; position: number }[] = []
  for (let i = 0; i < unique.length && budget > 0; i++) {
    if (chosen.has(unique[i]!)) continue
    let distance = budget + 1
    for (const key of nameKeys(unique[i]!)) distance = Math.min(distance, boundedDistance(compactWanted, key, budget, false))
    if (distance <= budget) near.push({ name: unique[i]!, distance, position: i })
  }
  near.sort((a, b) => a.distance - b.distance || a.position - b.position)
  for (const { name } of near) if (take(name)) break
  return [...chosen]
}
