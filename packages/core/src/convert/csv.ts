/** A CSV table as parsed: one array of cells per row, with the 1-based line each row starts on. */
export interface CsvTable {
  /** Each row's cells, the header row first; blank lines are left out. */
  readonly rows: readonly (readonly string[])[]
  /** The 1-based line each row of `rows` starts on (a quoted cell may span lines). */
  readonly lines: readonly number[]
  /** Set when the text ended inside a quoted field. */
  readonly unterminatedQuoteAtLine?: number
}

const QUOTE = 34 // "
const COMMA = 44 // ,
const CR = 13
const LF = 10

/**
 * Parses RFC 4180 CSV the way Python's `csv` module (excel dialect) does: `,` separates, `"`
 * quotes, `""` inside quotes is one `"`, CRLF, LF or CR end a row, a newline inside quotes is
 * kept, cells are not trimmed, and a fully blank line is skipped.
 */
export function parseCsv(text: string): CsvTable {
  const rows: string[][] = []
  const lines: number[] = []
  let row: string[] = []
  let line = 1
  let rowLine = 1
  let i = 0
  const n = text.length
  // A leading byte-order mark is not part of the first header name.
  if (text.charCodeAt(0) === 0xfeff) i = 1
  let unterminatedQuoteAtLine: number | undefined
  let lastCellQuoted = false

  const endRow = (): void => {
    // A blank line yields one empty, unquoted cell: Python skips it.
    if (!(row.length === 1 && row[0] === '' && !lastCellQuoted)) {
      rows.push(row)
      lines.push(rowLine)
    }
    row = []
  }

  while (i <= n) {
    // Start of a cell.
    let cell = ''
    lastCellQuoted = false
    if (i < n && text.charCodeAt(i) === QUOTE) {
      lastCellQuoted = true
      i++
      const quoteLine = line
      for (;;) {
        const close = text.indexOf('"', i)
        if (close === -1) {
          cell += text.slice(i)
          for (let k = i; k < n; k++) if (text.charCodeAt(k) === LF) line++
          i = n
          unterminatedQuoteAtLine = quoteLine
          break
        }
        const chunk = text.slice(i, close)
        for (let k = 0; k < chunk.length; k++) if (chunk.charCodeAt(k) === LF) line++
        cell += chunk
        if (text.charCodeAt(close + 1) === QUOTE) {
          cell += '"'
          i = close + 2
          continue
        }
        i = close + 1
        break
      }
    }
    // Unquoted text, or text after a closing quote, runs to the next comma or line end.
    let j = i
    while (j < n) {
      const c = text.charCodeAt(j)
      if (c === COMMA || c === CR || c === LF) break
      j++
    }
    cell += text.slice(i, j)
    row.push(cell)
    if (j >= n) {
      if (!(row.length === 1 && row[0] === '' && !lastCellQuoted)) {
        rows.push(row)
        lines.push(rowLine)
      }
      break
    }
    const c = text.charCodeAt(j)
    if (c === COMMA) {
      i = j + 1
      if (i === n) {
        row.push('')
        rows.push(row)
        lines.push(rowLine)
        break
      }
      continue
    }
    // Line end: CRLF counts once.
    i = c === CR && text.charCodeAt(j + 1) === LF ? j + 2 : j + 1
    line++
    endRow()
    rowLine = line
    if (i >= n) break
  }
  return unterminatedQuoteAtLine === undefined ? { rows, lines } : { rows, lines, unterminatedQuoteAtLine }
}
