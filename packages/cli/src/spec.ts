import type { Context } from './context.js'

/** A flag a command accepts. */
export interface FlagSpec {
  /** `boolean` flags take no value; `string` flags take one (`--limit 5` or `--limit=5`). */
  readonly type: 'boolean' | 'string'
  /** The flag may be given several times; its value is then the list of values. @default false */
  readonly multiple?: boolean
  /** A one-letter alias (`-h`). */
  readonly short?: string
  /** The value's placeholder in the help (`<n>`). */
  readonly valueName?: string
  /** One line for the help. */
  readonly description: string
}

/** A positional argument of a command. */
export interface ArgumentSpec {
  readonly name: string
  readonly required: boolean
  readonly description: string
}

/** A command: its help text, what it takes, and what it does. */
export interface CommandSpec {
  readonly name: string
  /** One line for the tool's help. */
  readonly summary: string
  /** A paragraph for the command's help. */
  readonly description: string
  readonly arguments: readonly ArgumentSpec[]
  readonly flags: Readonly<Record<string, FlagSpec>>
  readonly examples: readonly string[]
  /** Runs the command; resolves with the exit code. */
  run(context: Context): Promise<number>
}

/** The parsed command line of one command. */
export interface ParsedArguments {
  /** Values by flag name: `true` for a boolean given, the string, or the strings of a `multiple` flag. */
  readonly flags: Readonly<Record<string, string | boolean | readonly string[] | undefined>>
  readonly positionals: readonly string[]
}
