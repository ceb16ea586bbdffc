import { libraryConfig } from '../library.vite.js'

// The core is imported for types only.
export default libraryConfig([/^@horde-model-reference\/core(\/|$)/])
