import { libraryConfig } from '../library.vite.js'

// The core is imported for types only.
export default libraryConfig(['idb-keyval', /^@horde-model-reference\/core(\/|$)/])
