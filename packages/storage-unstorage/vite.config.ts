import { libraryConfig } from '../library.vite.js'

// The core is imported for types only; users bring their own unstorage and driver.
export default libraryConfig([/^@horde-model-reference\/core(\/|$)/, /^unstorage(\/|$)/])
