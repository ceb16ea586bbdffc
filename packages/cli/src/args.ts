import { parseArgs } from 'node:util'
import { didYouMean } from './closest.js'
import { usageError } from './exit-codes.js'
import type { FlagSpec, ParsedArguments } from './spec.js'

/** The first positional of `argv` (the command's name) and the index it is at, skipping flags and their values. */
export function findCommand(argv: readonly string[], allFlags: Readonly<Record<string, FlagSpec>>): { name: string; index: number } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') return argv[i + 1] === undefined ? undefined : { name: argv[i + 1]!, index: i + 1 }
    if (arg.startsWith('-') && arg !== '-') {
      const name = arg.replace(/^--?/, '').split('=')[0]!
      const spec = allFlags[name] ?? Object.values(allFlags).find((flag) => flag.short === name)
      if (spec?.type === 'string' && !arg.includes('=')) i++
      continue
    }
    return { name: arg, index: i }
  }
  return undefined
}

/**
 * Parses `argv` (the command's name removed) against `flags` with `node:util`'s tokenizer, and
 * turns every mistake into a usage error that names the closest known flag.
 */
export function parseArguments(argv: readonly string[], flags: Readonly<Record<string, FlagSpec>>, command: string | undefined): ParsedArguments {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string; multiple: true }> = {}
  for (const [name, spec] of Object.entries(flags)) options[name] = { type: spec.type, multiple: true, ...(spec.short !== undefined && { short: spec.short }) }
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true })
  const values: Record<string, string | boolean | string[] | undefined> = Object.create(null)
  const positionals: string[] = []
  const where = command === undefined ? '' : ` for "${command}"`
  const known = Object.keys(flags)
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value)
      continue
    }
    if (token.kind !== 'option') continue
    const spec = Object.prototype.hasOwnProperty.call(flags, token.name) ? flags[token.name] : undefined
    if (spec === undefined) {
      throw usageError(`Unknown flag ${token.rawName}${where}.${didYouMean(token.name, known, '--')} See --help.`, { flag: token.rawName })
    }
    if (spec.type === 'boolean') {
      if (token.inlineValue === true) throw usageError(`--${token.name} takes no value (got ${JSON.stringify(token.value)}).`)
      values[token.name] = true
      continue
    }
    const value = token.value
    if (value === undefined || (token.inlineValue !== true && value.startsWith('--'))) {
      throw usageError(`--${token.name} needs a value: --${token.name} ${spec.valueName ?? '<value>'}.`)
    }
    // An empty value (`--out ''`, `--primary-url=`) is a mistake for every flag, never "the default".
    if (value.trim() === '') throw usageError(`--${token.name} needs a value, not an empty one: --${token.name} ${spec.valueName ?? '<value>'}.`, { flag: `--${token.name}` })
    if (spec.multiple === true) {
      const list = (values[token.name] as string[] | undefined) ?? []
      list.push(value)
      values[token.name] = list
    } else {
      if (values[token.name] !== undefined) throw usageError(`--${token.name} is given twice; give it once.`)
      values[token.name] = value
    }
  }
  return { flags: values, positionals }
}
