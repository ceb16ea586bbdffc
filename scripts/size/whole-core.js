// Everything the core exports, from every entry point: what "the whole core" weighs.
export * from '../../packages/core/dist/index.js'
export * from '../../packages/core/dist/query.js'
export * from '../../packages/core/dist/popular.js'
export * from '../../packages/core/dist/legacy.js'
export * from '../../packages/core/dist/raw.js'
export * from '../../packages/core/dist/text-names.js'
export * from '../../packages/core/dist/convert.js'
export * from '../../packages/core/dist/providers.js'
