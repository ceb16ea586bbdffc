/**
 * Text model names: the backend prefixes (`aphrodite/`, `koboldcpp/`) as a registry, a name's
 * legacy variants, and the parser that splits a name into author, base name, size, variant and
 * quantisation.
 *
 * @module @horde-model-reference/core/text-names
 */

/** How a text backend writes the legacy duplicate of a model name. */
export interface TextBackend {
  /** The backend's name, such as `'aphrodite'`. */
  readonly name: string
  /** `'full'`: `{backend}/{author}/{model}`; `'without-author'`: `{backend}/{model}`. */
  readonly prefixes: 'full' | 'without-author'
}

const backends = new Map<string, TextBackend>()

/**
 * Registers a text backend whose legacy names carry a prefix (upstream's `register_text_backend`).
 * `aphrodite` (full name) and `koboldcpp` (name without the author) are built in.
 *
 * @param name The backend's name, the prefix before the first `/`.
 * @param prefixes Whether the prefixed name keeps the author (`'full'`) or not.
 */
export function registerTextBackend(name: string, prefixes: TextBackend['prefixes'] = 'full'): TextBackend {
  if (typeof name !== 'string' || name === '' || name.includes('/')) throw new TypeError('A text backend needs a name without "/".')
  const backend = Object.freeze({ name, prefixes })
  backends.set(name, backend)
  return backend
}
registerTextBackend('aphrodite', 'full')
registerTextBackend('koboldcpp', 'without-author')

/** The registered text backends. */
export function getTextBackends(): readonly TextBackend[] {
  return [...backends.values()]
}

/** The text backends upstream knows (`TEXT_BACKENDS`). */
export const TEXT_BACKENDS = Object.freeze({ aphrodite: 'aphrodite', koboldcpp: 'koboldcpp' } as const)

function prefixOf(name: string): TextBackend | undefined {
  const slash = name.indexOf('/')
  return slash === -1 ? undefined : backends.get(name.slice(0, slash))
}

/** `true` when a text model name starts with a registered backend prefix (`aphrodite/`, `koboldcpp/`). */
export function hasBackendPrefix(name: string): boolean {
  return prefixOf(name) !== undefined
}

/** Removes one backend prefix; other names are returned as they are. */
export function stripBackendPrefix(name: string): string {
  const backend = prefixOf(name)
  return backend === undefined ? name : name.slice(backend.name.length + 1)
}

/**
 * Every name a text model is known by: the canonical name, then one per backend
 * (`aphrodite/` + the full name, `koboldcpp/` + the name without the author), as in the
 * legacy `db.json`.
 *
 * @example
 * ```ts
 * getModelNameVariants('ReadyArt/Broken-Tutu-24B')
 * // ['ReadyArt/Broken-Tutu-24B', 'aphrodite/ReadyArt/Broken-Tutu-24B', 'koboldcpp/Broken-Tutu-24B']
 * ```
 */
export function getModelNameVariants(name: string): string[] {
  const base = stripBackendPrefix(name)
  const withoutAuthor = base.includes('/') ? base.slice(base.indexOf('/') + 1) : base
  return [base, ...[...backends.values()].map((b) => `${b.name}/${b.prefixes === 'full' ? base : withoutAuthor}`)]
}

/** The parts of a text model name, as upstream's `parse_text_model_name` finds them. */
export interface ParsedTextModelName {
  /** The name parsed, as given. */
  readonly originalName: string
  /** What is left once size, version, quantisation, variant and date are taken out: the group name. */
  readonly baseName: string
  /** The parameter size, upper-cased (`'7B'`, `'8X7B'`). */
  readonly size: string | undefined
  /** `Instruct`, `Chat`, `Base`, ... as written. */
  readonly variant: string | undefined
  /** The quantisation, upper-cased (`'Q4_K_M'`, `'GGUF'`). */
  readonly quant: string | undefined
  /** `v0.1`, `V3`, ... as written. */
  readonly version: string | undefined
  /** The base name in lower case with separators as `_`. */
  readonly normalizedName: string
  /** Other parts found: a leading dotted version, a date. */
  readonly extras: readonly string[]
}

// The extraction steps of upstream's parser, in order. Within a step the patterns are tried in
// order, each over the whole string; the first that matches anywhere wins, and its whole match
// is cut out. At most one cut per step.
const SIZE = [/(?<![a-zA-Z])(\d+\.?\d*[BMK]\d*)(?![a-zA-Z])/i, /(?<![a-zA-Z])(\d+x\d+[BMK])(?![a-zA-Z])/i]
const VERSION = [/(?<![a-zA-Z0-9])([vV]\d+(?:\.\d+)+)(?![a-zA-Z0-9])/i, /(?<![a-zA-Z0-9])([vV]\d+)(?![a-zA-Z0-9.])/i]
const QUANT = [/\b(Q[2-8]_K(?:_[SMLH])?)\b/i, /\b(Q[2-8]_[01])\b/i, /\b(Q[2-8])\b/i, /\b(GGUF|GGML|GPTQ|AWQ|EXL2)\b/i, /\b(fp16|fp32|int8|int4)\b/i]
const VARIANT = [/\b(Instruct|Chat|Code|Base|Uncensored|Finetune|FT)\b/i, /\b(Thinking|Reasoning)\b/i, /\b(turbo|preview|latest)\b/i]
// Dates are matched case-sensitively, as upstream does.
const DATE = [/(?<![a-zA-Z0-9])(\d{2}-\d{4})(?![a-zA-Z0-9])/, /(?<![a-zA-Z0-9])(\d{4}-\d{2})(?![a-zA-Z0-9])/, /(?<![a-zA-Z0-9])(\d{4})(?![a-zA-Z0-9])/]
const LEADING_VERSION = /^(\d+\.\d+(?:\.\d+)?)[_-]/
const SEPARATORS = ['-', '_', ' ', '.'] as const
const EDGE_SEPARATORS = /^[-_ .]+|[-_ .]+$/g

const parsed = new Map<string, ParsedTextModelName>()

/**
 * Splits a text model name (author and backend prefix already removed, or not: it is parsed as
 * given) into base name, size, variant, quantisation and version, as upstream's parser does.
 *
 * @example
 * ```ts
 * parseTextModelName('Llama-3-8B-Instruct-Q4_K_M')
 * // { baseName: 'Llama-3', size: '8B', variant: 'Instruct', quant: 'Q4_K_M', ... }
 * ```
 */
export function parseTextModelName(name: string): ParsedTextModelName {
  const cached = parsed.get(name)
  if (cached !== undefined) return cached
  let rest = name
  const extras: string[] = []
  const cut = (patterns: readonly RegExp[]): string | undefined => {
    for (const pattern of patterns) {
      const match = pattern.exec(rest)
      if (match) {
        rest = rest.slice(0, match.index) + rest.slice(match.index + match[0].length)
        return match[1]
      }
    }
    return undefined
  }
  const leading = LEADING_VERSION.exec(rest)
  if (leading) {
    extras.push(leading[1]!)
    rest = rest.slice(leading[0].length)
  }
  const size = cut(SIZE)?.toUpperCase()
  const version = cut(VERSION)
  const quant = cut(QUANT)?.toUpperCase()
  const variant = cut(VARIANT)
  const date = cut(DATE)
  if (date !== undefined) extras.push(date)
  for (const separator of SEPARATORS) {
    const doubled = separator + separator
    while (rest.includes(doubled)) rest = rest.replaceAll(doubled, separator)
  }
  rest = rest.replace(EDGE_SEPARATORS, '')
  const baseName = rest === '' ? name : rest
  const result: ParsedTextModelName = Object.freeze({
    originalName: name,
    baseName,
    size,
    variant,
    quant,
    version,
    normalizedName: baseName.toLowerCase().replace(/[-_ .]+/g, '_'),
    extras: Object.freeze(extras),
  })
  // Bounded, as upstream's lru_cache(2048): names repeat a lot in one reference.
  if (parsed.size >= 4096) parsed.clear()
  parsed.set(name, result)
  return result
}

/**
 * The base model name that groups a text model's sizes, versions, quantisations and variants,
 * as upstream computes `text_model_group`: the backend prefix and the author are removed, then
 * the name is parsed by {@link parseTextModelName}.
 *
 * @example
 * ```ts
 * getBaseModelName('Llama-3-8B-Instruct-Q4_K_M') // 'Llama-3'
 * getBaseModelName('aphrodite/ReadyArt/Broken-Tutu-24B') // 'Broken-Tutu'
 * ```
 */
export function getBaseModelName(name: string): string {
  let rest = stripBackendPrefix(name)
  const slash = rest.indexOf('/')
  if (slash !== -1) rest = rest.slice(slash + 1)
  return parseTextModelName(rest).baseName
}

/** `true` when a text model name names a quantised build (`Q4_K_M`, `GGUF`, `AWQ`, ...). */
export function isQuantizedModelName(name: string): boolean {
  return parseTextModelName(stripBackendPrefix(name)).quant !== undefined
}
