/** The backend prefixes of legacy text model names, checked in this order. */
export const TEXT_BACKEND_PREFIXES = Object.freeze(['aphrodite/', 'koboldcpp/'] as const)

/** `true` when a text model name starts with a legacy backend prefix (`aphrodite/`, `koboldcpp/`). */
export function hasBackendPrefix(name: string): boolean {
  return TEXT_BACKEND_PREFIXES.some((prefix) => name.startsWith(prefix))
}

/** Removes one legacy backend prefix, the first that matches; other names are returned as they are. */
export function stripBackendPrefix(name: string): string {
  for (const prefix of TEXT_BACKEND_PREFIXES) if (name.startsWith(prefix)) return name.slice(prefix.length)
  return name
}

// The extraction steps of upstream's text-name parser, in order. Within a step the patterns
// are tried in order, each over the whole string; the first that matches anywhere wins, and
// its whole match is cut out. At most one cut per step.
const STEPS: readonly (readonly RegExp[])[] = [
  // size: "7B", "1.5B", "7B1"; then MoE "8x7B" (found only when no plain size occurs)
  [/(?<![a-zA-Z])(\d+\.?\d*[BMK]\d*)(?![a-zA-Z])/i, /(?<![a-zA-Z])(\d+x\d+[BMK])(?![a-zA-Z])/i],
  // version
  [/(?<![a-zA-Z0-9])([vV]\d+(?:\.\d+)+)(?![a-zA-Z0-9])/i, /(?<![a-zA-Z0-9])([vV]\d+)(?![a-zA-Z0-9.])/i],
  // quantisation
  [
    /\b(Q[2-8]_K(?:_[SMLH])?)\b/i,
    /\b(Q[2-8]_[01])\b/i,
    /\b(Q[2-8])\b/i,
    /\b(GGUF|GGML|GPTQ|AWQ|EXL2)\b/i,
    /\b(fp16|fp32|int8|int4)\b/i,
  ],
  // variant
  [/\b(Instruct|Chat|Code|Base|Uncensored|Finetune|FT)\b/i, /\b(Thinking|Reasoning)\b/i, /\b(turbo|preview|latest)\b/i],
  // date (case-sensitive, as upstream)
  [
    /(?<![a-zA-Z0-9])(\d{2}-\d{4})(?![a-zA-Z0-9])/,
    /(?<![a-zA-Z0-9])(\d{4}-\d{2})(?![a-zA-Z0-9])/,
    /(?<![a-zA-Z0-9])(\d{4})(?![a-zA-Z0-9])/,
  ],
]

const LEADING_VERSION = /^(\d+\.\d+(?:\.\d+)?)[_-]/
const SEPARATORS = ['-', '_', ' ', '.'] as const
const EDGE_SEPARATORS = /^[-_ .]+|[-_ .]+$/g

function parseBaseName(input: string): string {
  let rest = input
  const leading = LEADING_VERSION.exec(rest)
  if (leading) rest = rest.slice(leading[0].length)
  for (const patterns of STEPS) {
    for (const pattern of patterns) {
      const match = pattern.exec(rest)
      if (match) {
        rest = rest.slice(0, match.index) + rest.slice(match.index + match[0].length)
        break
      }
    }
  }
  for (const separator of SEPARATORS) {
    const doubled = separator + separator
    while (rest.includes(doubled)) rest = rest.replaceAll(doubled, separator)
  }
  rest = rest.replace(EDGE_SEPARATORS, '')
  return rest === '' ? input : rest
}

/**
 * The base model name that groups a text model's sizes, versions, quantisations and variants,
 * as upstream computes `text_model_group`: the backend prefix and the author are removed, then
 * the size, version, quantisation, variant and date parts.
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
  return parseBaseName(rest)
}
