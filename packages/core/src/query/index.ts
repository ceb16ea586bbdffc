// `@horde-model-reference/core/query`: the query builder.
export {
  query,
  createQuery,
  ModelQuery,
  ImageGenerationQuery,
  TextGenerationQuery,
  ControlNetQuery,
  type Comparison,
  type FieldOf,
  type ModelReferenceReader,
  type QueryFor,
  type TaggedCategory,
} from './builder.js'
