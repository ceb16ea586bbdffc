import { EXIT } from './exit-codes.js'
import { GLOBAL_FLAGS } from './global-flags.js'
import type { CommandSpec, FlagSpec } from './spec.js'

const BIN = 'horde-model-reference'

function flagLines(flags: Readonly<Record<string, FlagSpec>>): string[] {
  const entries = Object.entries(flags).map(([name, spec]) => [`${spec.short === undefined ? '    ' : `-${spec.short}, `}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? '<value>'}` : ''}`, spec.description] as const)
  const width = Math.max(...entries.map(([left]) => left.length))
  return entries.map(([left, text]) => `  ${left.padEnd(width)}  ${text}`)
}

/** The tool's help: every command, the global flags, the environment and the exit codes. */
export function toolHelp(commands: readonly CommandSpec[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    `${BIN} ${version}: the AI Horde model reference on the command line.`,
    '',
    `Usage: ${BIN} <command> [arguments] [flags]`,
    `       ${BIN} <command> --help`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Flags of every command:',
    ...flagLines({ ...GLOBAL_FLAGS, version: { type: 'boolean', description: 'Print the version.' } }),
    '',
    'Environment: HORDE_MODEL_REFERENCE_PRIMARY_URL, HORDE_MODEL_REFERENCE_GITHUB_URL, HORDE_MODEL_REFERENCE_HORDE_API_URL',
    '(mirrors; the flags win; an empty one is unset), NO_COLOR (no colour), FORCE_COLOR (colour even when not a terminal), COLUMNS (table width when not a terminal).',
    '',
    `Exit codes: ${EXIT.ok} ok, ${EXIT.dataProblem} invalid data or differences found, ${EXIT.usage} usage error, ${EXIT.unavailable} sources unavailable,`,
    `${EXIT.notFound} model not found, ${EXIT.io} file not readable or writable, ${EXIT.internal} unexpected error, ${EXIT.interrupted} interrupted.`,
    '',
  ].join('\n')
}

/** A command's help: usage, description, arguments, flags and examples. */
export function commandHelp(command: CommandSpec): string {
  const args = command.arguments.map((a) => (a.required ? `<${a.name}>` : `[<${a.name}>]`)).join(' ')
  const argWidth = Math.max(0, ...command.arguments.map((a) => a.name.length + 2))
  return [
    `Usage: ${BIN} ${command.name}${args === '' ? '' : ` ${args}`} [flags]`,
    '',
    command.summary + '.',
    '',
    command.description,
    '',
    ...(command.arguments.length > 0 ? ['Arguments:', ...command.arguments.map((a) => `  ${`<${a.name}>`.padEnd(argWidth)}  ${a.description}`), ''] : []),
    ...(Object.keys(command.flags).length > 0 ? ['Flags:', ...flagLines(command.flags), ''] : []),
    'Flags of every command:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
    '',
  ].join('\n')
}
