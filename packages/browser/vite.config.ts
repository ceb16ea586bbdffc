import { libraryConfig } from '../library.vite.js'

export default libraryConfig([/^@horde-model-reference\//])
