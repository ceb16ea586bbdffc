/**
 * Upstream's legacy files (the GitHub JSON files and the text `models.csv`) converted to v2
 * records as upstream's converters do, the CSV parser they use, and per-record validation of v2
 * records.
 *
 * @module @horde-model-reference/core/convert
 */
export { convertLegacyJson, normalizeLegacyBaseline } from './legacy-json.js'
export { convertTextCsv, type ConversionResult, type ConvertedEntries } from './text-csv.js'
export { parseCsv, type CsvTable } from './csv.js'
export { validateRecords, type ValidatedModels } from '../records/validate.js'
