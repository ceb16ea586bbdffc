import type { ModelReferenceCategory } from '@horde-model-reference/core'
import { cell, describeBytes } from './format.js'
import type { Column } from './table.js'

type AnyRecord = Readonly<Record<string, unknown>>

interface RecordColumn extends Column {
  readonly value: (record: AnyRecord) => string
}

function parameters(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return ''
  return value >= 1e9 ? `${(value / 1e9).toFixed(1).replace(/\.0$/, '')}B` : `${(value / 1e6).toFixed(0)}M`
}

const NAME: RecordColumn = { header: 'NAME', value: (r) => cell(r.name) }
const DESCRIPTION: RecordColumn = { header: 'DESCRIPTION', value: (r) => cell(r.description) }

/** The columns a table of a category's records shows (the name first, then what tells records apart). */
export function recordColumns(category: ModelReferenceCategory | 'any'): readonly RecordColumn[] {
  switch (category) {
    case 'image_generation':
      return [
        NAME,
        { header: 'BASELINE', value: (r) => cell(r.baseline) },
        { header: 'STYLE', value: (r) => cell(r.style) },
        { header: 'NSFW', shrink: false, value: (r) => cell(r.nsfw === true) },
        { header: 'SIZE', align: 'right', shrink: false, value: (r) => describeBytes(r.size_on_disk_bytes) },
      ]
    case 'text_generation':
      return [
        NAME,
        { header: 'PARAMS', align: 'right', shrink: false, value: (r) => parameters(r.parameters) },
        { header: 'BASELINE', value: (r) => cell(r.baseline) },
        { header: 'TAGS', value: (r) => cell(r.tags) },
      ]
    case 'controlnet':
      return [NAME, { header: 'STYLE', value: (r) => cell(r.controlnet_style) }, DESCRIPTION]
    case 'any':
      return [NAME, { header: 'CATEGORY', value: (r) => cell(r.record_type) }, DESCRIPTION]
    default:
      return [NAME, DESCRIPTION]
  }
}

/** A table's columns and rows for `records`. */
export function recordTable(category: ModelReferenceCategory | 'any', records: readonly AnyRecord[]): { columns: readonly Column[]; rows: string[][] } {
  const columns = recordColumns(category)
  return { columns, rows: records.map((record) => columns.map((column) => column.value(record))) }
}
