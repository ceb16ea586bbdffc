import { libraryConfig } from '../library.vite.js'

export default libraryConfig(['ky', 'valibot'])
