/**
 * The exit codes of `horde-model-reference`, documented in the package README. Scripts can rely
 * on them: they never change meaning within a major version.
 */
export const EXIT = {
  /** The command did what was asked (and `validate` found no error, `diff` no difference). */
  ok: 0,
  /** The data is invalid (`validate`, `convert`) or differs (`diff`, as `diff(1)` does). */
  dataProblem: 1,
  /** A usage error: unknown command, flag, category or field, a missing argument, a bad value. */
  usage: 2,
  /** No source could be read: network error, timeout, HTTP error, a body that is not the data. */
  unavailable: 3,
  /** The model asked for is not in the category (`show`). */
  notFound: 4,
  /** A file could not be read or written. */
  io: 5,
  /** Something the CLI did not expect (a bug: please report it with the message). */
  internal: 70,
  /** Interrupted by SIGINT (128 + 2, as shells report it). */
  interrupted: 130,
} as const

/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** An error the CLI reports as one message on stderr and turns into an exit code (no stack trace). */
export class CliError extends Error {
  /** The process's exit code for this error. */
  readonly exitCode: ExitCode
  /** Extra data for `--json` output (`suggestions`, `validCategories`, ...). */
  readonly details: Readonly<Record<string, unknown>>

  constructor(exitCode: ExitCode, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'CliError'
    this.exitCode = exitCode
    this.details = details
  }
}

/** A usage error (exit code 2): the message says what was wrong and what to type instead. */
export function usageError(message: string, details: Record<string, unknown> = {}): CliError {
  return new CliError(EXIT.usage, message, details)
}
