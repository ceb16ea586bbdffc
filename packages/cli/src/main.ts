import { checkOptions, isHordeModelReferenceError, isModelNotFoundError, isSourcesUnavailableError, isUnknownCategoryError, isValidationError, type KnownOptions } from '@horde-model-reference/core'
import { isUnknownFieldError } from '@horde-model-reference/core/query'
import { setMaxListeners } from 'node:events'
import { readFileSync } from 'node:fs'
import { findCommand, parseArguments } from './args.js'
import { didYouMean } from './closest.js'
import { COMMANDS } from './commands/index.js'
import { createContext, type CliIo } from './context.js'
import { sourcesUnavailableMessage } from './core-errors.js'
import { CliError, EXIT, usageError } from './exit-codes.js'
import { GLOBAL_FLAGS } from './global-flags.js'
import { commandHelp, toolHelp } from './help.js'
import type { FlagSpec } from './spec.js'

const BIN = 'horde-model-reference'
const VERSION_FLAG: Readonly<Record<string, FlagSpec>> = { version: { type: 'boolean', description: 'Print the version.' } }

/** The package's version, read from its package.json (beside `dist/`). */
export function getVersion(): string {
  // `src/main.ts`, built to `dist/main.js`: the manifest is one folder up (two, for an app that
  // bundles this module into a subfolder). A literal `new URL(...)` would be inlined by Vite.
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown }
      if (manifest.name === '@horde-model-reference/cli' && typeof manifest.version === 'string') return manifest.version
    } catch {
      // Not this one.
    }
  }
  return 'unknown'
}

function toCliError(error: unknown, signal: AbortSignal): CliError {
  if (error instanceof CliError) return error
  if (signal.aborted || (error instanceof Error && error.name === 'AbortError' && signal.aborted)) return new CliError(EXIT.interrupted, 'Interrupted.')
  if (isUnknownCategoryError(error)) return usageError(`${error.message}${didYouMean(String(error.category), error.validCategories)}`, { validCategories: error.validCategories })
  if (isUnknownFieldError(error)) return usageError(error.message, { field: error.field, suggestions: error.suggestions })
  if (isModelNotFoundError(error)) return new CliError(EXIT.notFound, error.message, { suggestions: error.suggestions })
  if (isSourcesUnavailableError(error)) return new CliError(EXIT.unavailable, sourcesUnavailableMessage(error))
  if (isValidationError(error)) return new CliError(EXIT.dataProblem, error.message)
  if (isHordeModelReferenceError(error)) return new CliError(EXIT.unavailable, error.message, { code: error.code })
  // The core's option checks are TypeErrors and RangeErrors that say what to change.
  if (error instanceof TypeError || error instanceof RangeError) return new CliError(EXIT.usage, error.message)
  return new CliError(EXIT.internal, `Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
}

/**
 * Runs the CLI once, as `horde-model-reference ...argv` would, writing to `io`'s streams, and
 * resolves with the exit code (see the README's exit codes); it never throws and never exits
 * the process.
 *
 * @example
 * ```ts
 * import { runCli } from '@horde-model-reference/cli'
 * const code = await runCli(['list', 'image_generation', '--json'], { stdout: process.stdout, stderr: process.stderr })
 * ```
 *
 * @param argv The arguments after the command's name: a command, its arguments and flags.
 * @param io The streams, environment, working folder and abort signal of the run.
 * @returns An {@link EXIT} code: 0 on success.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === 'string')) throw new TypeError('runCli(argv, io) takes the arguments as a list of strings (process.argv.slice(2)).')
  if (typeof io !== 'object' || io === null) throw new TypeError('runCli(argv, io) needs io: { stdout, stderr } (process.stdout and process.stderr, or anything with write(text)).')
  checkOptions('runCli', io, { stdout: 1, stderr: 1, env: 1, cwd: 1, signal: 1 } satisfies KnownOptions<CliIo>)
  for (const stream of ['stdout', 'stderr'] as const) {
    if (typeof io[stream]?.write !== 'function') throw new TypeError(`runCli(argv, io) needs io.${stream} with a write(text) method.`)
  }
  const signal = io.signal ?? new AbortController().signal
  // Every category read of `categories` and `snapshot` listens to the one signal.
  setMaxListeners(64, signal)
  // `--json` anywhere before `--` (after it, it is an argument).
  const end = argv.indexOf('--')
  const json = argv.slice(0, end === -1 ? argv.length : end).includes('--json')
  const version = (): number => {
    io.stdout.write(json ? `${JSON.stringify({ version: getVersion() }, null, 2)}\n` : `${getVersion()}\n`)
    return EXIT.ok
  }
  const fail = (error: CliError): number => {
    io.stderr.write(`${BIN}: ${error.message}\n`)
    if (json) io.stdout.write(`${JSON.stringify({ error: { exitCode: error.exitCode, message: error.message, ...error.details } }, null, 2)}\n`)
    return error.exitCode
  }
  const allFlags: Record<string, FlagSpec> = { ...GLOBAL_FLAGS, ...VERSION_FLAG }
  for (const command of COMMANDS) Object.assign(allFlags, command.flags)
  const found = findCommand(argv, allFlags)
  const names = COMMANDS.map((c) => c.name)
  try {
    if (found === undefined || found.name === 'help') {
      const rest = found === undefined ? [...argv] : argv.filter((_, i) => i !== found.index)
      const { flags, positionals } = parseArguments(rest, { ...GLOBAL_FLAGS, ...VERSION_FLAG }, undefined)
      if (flags.version === true) return version()
      const topic = found?.name === 'help' ? positionals[0] : undefined
      if (topic !== undefined) {
        const command = COMMANDS.find((c) => c.name === topic)
        if (command === undefined) throw usageError(`Unknown command "${topic}".${didYouMean(topic, names)} Commands: ${names.join(', ')}.`)
        io.stdout.write(commandHelp(command))
        return EXIT.ok
      }
      if (flags.help === true || found?.name === 'help') {
        io.stdout.write(toolHelp(COMMANDS, getVersion()))
        return EXIT.ok
      }
      // No command: the help on stderr; with --json, the usage error as JSON like any other.
      if (json) throw usageError(`Give a command: one of ${names.join(', ')}. See ${BIN} --help.`, { commands: names })
      io.stderr.write(toolHelp(COMMANDS, getVersion()))
      return EXIT.usage
    }
    const command = COMMANDS.find((c) => c.name === found.name)
    if (command === undefined) throw usageError(`Unknown command "${found.name}".${didYouMean(found.name, names)} Commands: ${names.join(', ')}. See ${BIN} --help.`, { command: found.name })
    const args = parseArguments(
      argv.filter((_, i) => i !== found.index),
      { ...GLOBAL_FLAGS, ...VERSION_FLAG, ...command.flags },
      command.name,
    )
    if (args.flags.help === true) {
      io.stdout.write(commandHelp(command))
      return EXIT.ok
    }
    if (args.flags.version === true) return version()
    const context = createContext(io, args, signal)
    try {
      return await command.run(context)
    } finally {
      context.close()
    }
  } catch (error) {
    return fail(toCliError(error, signal))
  }
}
