import type { ModelReferenceClient } from '@horde-model-reference/core'
import { createClient } from './client.js'
import type { ParsedArguments } from './spec.js'
import { getTerminalStyle, sanitize, type OutputStream, type TerminalStyle } from './terminal.js'

/** Where a run of the CLI reads and writes (the process's own streams, or a test's). */
export interface CliIo {
  /** Where results go: tables, JSON, the records asked for. */
  readonly stdout: OutputStream
  /** Where warnings, errors and the progress line go. */
  readonly stderr: OutputStream
  /**
   * The environment variables read (`HORDE_MODEL_REFERENCE_PRIMARY_URL`, `NO_COLOR`, ...).
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /**
   * The folder relative file arguments (`--out`, `--from`, reference files) are resolved against.
   * @default process.cwd()
   */
  readonly cwd?: string | undefined
  /** Aborts the run (the binary aborts it on SIGINT). */
  readonly signal?: AbortSignal | undefined
}

/** What a command runs with. */
export interface Context {
  readonly args: ParsedArguments
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  readonly style: TerminalStyle
  /** `--json` was given. */
  readonly json: boolean
  readonly signal: AbortSignal
  /** Writes text on stdout. */
  out(text: string): void
  /** Writes `value` as JSON on stdout (two-space indent, one trailing newline). */
  printJson(value: unknown): void
  /** Writes a note on stderr (never on stdout, so `--json` output stays clean). */
  note(text: string): void
  /** Shows `text` as a progress line on stderr while `task` runs, when stderr is a terminal. */
  withProgress<T>(text: string, task: () => Promise<T>): Promise<T>
  /** The client for this run, built from the flags and environment on first use. */
  client(): ModelReferenceClient
  /** Disposes the client, if one was built. */
  close(): void
}

/** Builds the context of one command's run. */
export function createContext(io: CliIo, args: ParsedArguments, signal: AbortSignal): Context {
  const env = io.env ?? process.env
  const style = getTerminalStyle(io.stdout, env, args.flags['no-color'] === true)
  let client: ModelReferenceClient | undefined
  const progressOn = io.stderr.isTTY === true
  return {
    args,
    env,
    cwd: io.cwd ?? process.cwd(),
    style,
    json: args.flags.json === true,
    signal,
    out: (text) => void io.stdout.write(text),
    printJson: (value) => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    note: (text) => void io.stderr.write(`${text}\n`),
    async withProgress(text, task) {
      if (!progressOn) return task()
      const width = typeof io.stderr.columns === 'number' && io.stderr.columns > 1 ? io.stderr.columns - 1 : 79
      io.stderr.write(`\r${sanitize(text).slice(0, width)}`)
      try {
        return await task()
      } finally {
        io.stderr.write('\r\u001b[2K')
      }
    },
    client() {
      client ??= createClient(args, env)
      return client
    },
    close() {
      client?.dispose()
    },
  }
}
