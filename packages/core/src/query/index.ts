/**
 * The query builder: immutable, lazy queries over a category's records ({@link query}) or every
 * category's ({@link queryAll}), with filters over dotted field paths checked against the fields
 * the records have, ranked search as you type, ordering, paging and provenance terminals.
 *
 * @module @horde-model-reference/core/query
 */
export {
  query,
  queryAll,
  createQuery,
  ModelQuery,
  ImageGenerationQuery,
  TextGenerationQuery,
  ControlNetQuery,
  type AllModelsQuery,
  type ClassificationFilter,
  type Comparison,
  type FieldOf,
  type FieldPath,
  type PathOf,
  type PathValue,
  type QueryBranch,
  type ModelReferenceReader,
  type QueryFor,
  type QueryOptions,
  type RecordWithSource,
  type SourceStatus,
  type TaggedCategory,
} from './builder.js'
export type { QueryInput, RecordsWithProvenance } from './provenance.js'
export { UnknownFieldError, isUnknownFieldError } from '../errors/unknown-field.js'
export { buildSearchIndex, normalizeSearchText, searchIndex, suggestNames, type SearchHit, type SearchIndex, type SearchOptions, type SuggestOptions } from '../search/matcher.js'
