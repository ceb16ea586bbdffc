import { paint, sanitize, type Paint, type TerminalStyle } from './terminal.js'

/** A column of {@link renderTable}. */
export interface Column {
  readonly header: string
  /** Numbers are right-aligned. @default 'left' */
  readonly align?: 'left' | 'right'
  /** The column may be cut to fit the width (the others keep their width when they can). @default true */
  readonly shrink?: boolean
  /** A colour for the cells. */
  readonly paint?: Paint
}

const GAP = '  '
const MIN_WIDTH = 4

function cut(text: string, width: number): string {
  const chars = [...text]
  if (chars.length <= width) return text
  return width <= 1 ? chars.slice(0, width).join('') : `${chars.slice(0, width - 1).join('')}…`
}

/**
 * Aligned columns, one line per row, cut to `style.width`: the widest shrinkable column loses
 * characters first (cut cells end with `…`). Cells are sanitised; colour is added after the
 * widths are computed, so escape codes never count.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[], style: TerminalStyle): string {
  const cells = rows.map((row) => columns.map((_, i) => sanitize(row[i] ?? '')))
  const widths = columns.map((column, i) => Math.max([...column.header].length, ...cells.map((row) => [...row[i]!].length)))
  const total = (): number => widths.reduce((sum, w) => sum + w, 0) + GAP.length * (widths.length - 1)
  while (total() > style.width) {
    let widest = -1
    for (let i = 0; i < widths.length; i++) {
      if (columns[i]!.shrink === false || widths[i]! <= MIN_WIDTH) continue
      if (widest === -1 || widths[i]! > widths[widest]!) widest = i
    }
    if (widest === -1) break
    widths[widest]!--
  }
  const line = (row: readonly string[], header: boolean): string =>
    columns
      .map((column, i) => {
        const text = cut(row[i]!, widths[i]!)
        const padded = i === columns.length - 1 && column.align !== 'right' ? text : column.align === 'right' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)
        return header ? paint(style, 'bold', padded) : column.paint === undefined ? padded : paint(style, column.paint, padded)
      })
      .join(GAP)
      .trimEnd()
  // padStart/padEnd count code units; a cell with astral characters is rare and only misaligns.
  return [line(columns.map((c) => c.header), true), ...cells.map((row) => line(row, false))].join('\n') + '\n'
}

/** A line cut to the width (for one-line messages above a table). */
export function fitLine(text: string, style: TerminalStyle): string {
  return Number.isFinite(style.width) ? cut(sanitize(text), style.width) : sanitize(text)
}
