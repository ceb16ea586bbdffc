/** A stream the CLI writes to: `process.stdout`/`process.stderr`, or a test's. */
export interface OutputStream {
  /** Writes text as it is (the CLI adds the newlines); the return value is ignored. */
  write(text: string): unknown
  /** A terminal (colour, progress line and width follow it). */
  readonly isTTY?: boolean
  /** The terminal's width in characters. */
  readonly columns?: number
}

/** How output looks on this terminal. */
export interface TerminalStyle {
  /** Colour (ANSI SGR codes) on stdout. */
  readonly color: boolean
  /** The width tables are cut to; `Infinity` when stdout is not a terminal and `COLUMNS` is unset. */
  readonly width: number
}

/**
 * Colour when stdout is a terminal, or when `FORCE_COLOR` is set to something other than `0` or
 * `false`; never when `NO_COLOR` is set and non-empty (it wins over `FORCE_COLOR`) or with
 * `--no-color`. Width: the terminal's columns (`COLUMNS`, else 80, when it does not say); not a
 * terminal, `COLUMNS` when set (a positive integer), else no limit, so a pipe or a file gets
 * whole lines.
 */
export function getTerminalStyle(stdout: OutputStream, env: Readonly<Record<string, string | undefined>>, noColorFlag: boolean): TerminalStyle {
  const force = env.FORCE_COLOR
  const forced = force !== undefined && force !== '0' && force.toLowerCase() !== 'false'
  const color = !noColorFlag && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && (forced || stdout.isTTY === true)
  const columnsEnv = Number(env.COLUMNS)
  const fromEnv = Number.isInteger(columnsEnv) && columnsEnv > 0 ? columnsEnv : undefined
  // A terminal that does not say its width (a serial console, some CI ptys) gets 80 columns.
  const width = stdout.isTTY === true ? (typeof stdout.columns === 'number' && stdout.columns > 0 ? stdout.columns : (fromEnv ?? 80)) : (fromEnv ?? Number.POSITIVE_INFINITY)
  return { color, width }
}

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const

/** A colour or weight {@link paint} applies. */
export type Paint = keyof typeof CODES

/** `text` in the style, or unchanged when colour is off. */
export function paint(style: TerminalStyle, code: Paint, text: string): string {
  if (!style.color || text === '') return text
  const [open, close] = CODES[code]
  return `\u001b[${open}m${text}\u001b[${close}m`
}

/** Removes control characters (record data is untrusted: an escape sequence must not reach the terminal). */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
}
