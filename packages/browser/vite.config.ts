import { libraryConfig } from '../library.vite.js'

export default libraryConfig(['@horde-model-reference/core', '@horde-model-reference/storage-indexeddb'])
