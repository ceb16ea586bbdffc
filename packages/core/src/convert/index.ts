// `@horde-model-reference/core/convert`: upstream's legacy files to v2, and per-record validation.
export { convertLegacyJson, normalizeLegacyBaseline } from './legacy-json.js'
export { convertTextCsv, type ConversionResult, type ConvertedEntries } from './text-csv.js'
export { validateRecords, type ValidatedModels } from '../records/validate.js'
