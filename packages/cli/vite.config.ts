import { libraryConfig } from '../library.vite.js'

// Node only: the core and Node's built-ins stay external. `bin` is the executable, `index` the
// same commands as a function (`runCli`) for programs and tests.
export default libraryConfig([/^@horde-model-reference\/core(\/|$)/, /^node:/], {
  bin: 'src/bin.ts',
  index: 'src/index.ts',
})
