// JSON as upstream's Python writes it (`json.dumps(value, indent=4)`): 4-space indent, `": "`
// after keys, non-ASCII escaped as \uXXXX (surrogate pairs for astral characters), and floats
// as Python's `repr` prints them (`3.0`, `1e-05`, `1e+16`). JavaScript numbers do not say
// whether a source literal was `3` or `3.0`, so the float positions are found in the source text.

/** A path into a JSON value: its keys and indices. */
export type JsonPath = readonly (string | number)[]

const pathKey = (path: JsonPath): string => JSON.stringify(path)

/** Options of {@link toPythonJson}. */
export interface PythonJsonOptions {
  /** Escape every character outside printable ASCII, as Python's `ensure_ascii=True` (its default). @default true */
  readonly ascii?: boolean | undefined
  /** Whether the integral number at `path` is a float (written `3.0`, not `3`). Non-integral numbers are always floats. */
  readonly isFloat?: ((path: JsonPath) => boolean) | undefined
}

/** A number as Python's `repr(float)` writes it: the shortest round-trip digits, `.0` on integral values, an exponent below 1e-4 and from 1e16. */
export function pythonFloat(value: number): string {
  // json.dumps' spellings; JSON.parse never yields them.
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const sign = value < 0 ? '-' : ''
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string]
  const digits = mantissa.replace('.', '')
  const exponent = Number(exponentText)
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0')
    const fraction = digits.slice(exponent + 1)
    return `${sign}${whole}.${fraction === '' ? '0' : fraction}`
  }
  const fraction = digits.slice(1)
  return `${sign}${digits[0]}${fraction === '' ? '' : `.${fraction}`}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
}

function pythonInteger(value: number): string {
  // Python ints have every digit; JavaScript writes 1e21 and up with an exponent.
  if (Object.is(value, -0)) return '0'
  return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString()
}

const SHORT: Readonly<Record<number, string>> = { 0x22: '\\"', 0x5c: '\\\\', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' }

/** A string as Python's json module writes it (`ascii`: `ensure_ascii=True`; otherwise only lone surrogates are escaped, as UTF-8 cannot hold them). */
export function pythonString(text: string, ascii = true): string {
  let out = '"'
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const short = SHORT[code]
    if (short !== undefined) out += short
    else if (code < 0x20 || (ascii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, '0')}`
    else if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1)
      const paired = code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff
      if (paired) {
        out += text[i]! + text[i + 1]!
        i++
      } else out += `\\u${code.toString(16)}`
    } else out += text[i]!
  }
  return `${out}"`
}

/**
 * `value` as `json.dumps(value, indent=4)` writes it (without the trailing newline). The top
 * level may be given as entries, to keep keys in their order even when they look like
 * integers (a JavaScript object puts those first).
 */
export function toPythonJson(value: unknown, options: PythonJsonOptions = {}): string {
  const ascii = options.ascii ?? true
  const isFloat = options.isFloat ?? (() => false)
  const path: (string | number)[] = []
  const write = (item: unknown, indent: string): string => {
    if (item === null || item === undefined || typeof item === 'function' || typeof item === 'symbol') return 'null'
    if (typeof item === 'boolean') return item ? 'true' : 'false'
    if (typeof item === 'number') return Number.isInteger(item) && !isFloat(path) ? pythonInteger(item) : pythonFloat(item)
    if (typeof item === 'bigint') return item.toString()
    if (typeof item === 'string') return pythonString(item, ascii)
    const inner = `${indent}    `
    if (Array.isArray(item)) {
      if (item.length === 0) return '[]'
      const parts = item.map((element, index) => {
        path.push(index)
        const text = `${inner}${write(element, inner)}`
        path.pop()
        return text
      })
      return `[\n${parts.join(',\n')}\n${indent}]`
    }
    const record = item as Record<string, unknown>
    const entries = item instanceof TopLevelEntries ? item.entries : Object.keys(record).map((key) => [key, record[key]] as const)
    const parts: string[] = []
    for (const [key, element] of entries) {
      // As JSON.stringify and Python (which never holds them): undefined and functions are left out.
      if (element === undefined || typeof element === 'function' || typeof element === 'symbol') continue
      path.push(key)
      parts.push(`${inner}${pythonString(key, ascii)}: ${write(element, inner)}`)
      path.pop()
    }
    return parts.length === 0 ? '{}' : `{\n${parts.join(',\n')}\n${indent}}`
  }
  return write(value, '')
}

/** An object given as its entries, in order, for {@link toPythonJson}. */
export class TopLevelEntries {
  constructor(readonly entries: readonly (readonly [string, unknown])[]) {}
}

/**
 * The paths of the number literals a JSON text writes as floats (with a `.` or an exponent:
 * `3.0`, `1e3`), keyed as {@link floatPathKey} does. `text` is JSON that `JSON.parse` accepted;
 * for a repeated key, its last value counts, as in `JSON.parse`.
 */
export function findFloatLiterals(text: string): Set<string> {
  const floats = new Set<string>()
  const path: (string | number)[] = []
  let i = 0
  const n = text.length
  const space = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++
  }
  const string = (): string => {
    const start = i
    i++
    while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const value = (depth: number): void => {
    // Deeper than any reference file: no float is tracked below it (JSON.parse took it, the writer prints the value).
    if (depth > 512) throw new RangeError('too deep')
    space()
    const c = text[i]
    if (c === '{') {
      i++
      space()
      if (text[i] === '}') {
        i++
        return
      }
      for (;;) {
        space()
        const key = string()
        space()
        i++ // :
        path.push(key)
        value(depth + 1)
        path.pop()
        space()
        if (text[i++] === '}') return
      }
    }
    if (c === '[') {
      i++
      space()
      if (text[i] === ']') {
        i++
        return
      }
      for (let index = 0; ; index++) {
        path.push(index)
        value(depth + 1)
        path.pop()
        space()
        if (text[i++] === ']') return
      }
    }
    if (c === '"') {
      string()
      return
    }
    const start = i
    while (i < n && /[-+.\deE]/.test(text[i]!)) i++
    if (i === start) {
      // true, false, null
      while (i < n && /[a-z]/.test(text[i]!)) i++
      return
    }
    // A repeated key: its last value is the one kept, so an integer after a float undoes it.
    if (/[.eE]/.test(text.slice(start, i))) floats.add(pathKey(path))
    else floats.delete(pathKey(path))
  }
  try {
    value(0)
  } catch {
    // Too deep (or not JSON after all): the floats found so far.
  }
  return floats
}

/** The key {@link findFloatLiterals} gives a path. */
export const floatPathKey = pathKey
