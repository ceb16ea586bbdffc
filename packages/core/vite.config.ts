import { libraryConfig } from '../library.vite.js'

// One entry per public entry point; what a first read does not need is not in `index`.
export default libraryConfig(['ky', 'valibot'], {
  index: 'src/index.ts',
  query: 'src/query/index.ts',
  popular: 'src/popular.ts',
  legacy: 'src/legacy.ts',
  raw: 'src/raw.ts',
  'text-names': 'src/convert/text-names.ts',
  convert: 'src/convert/index.ts',
  providers: 'src/providers/index.ts',
  availability: 'src/availability.ts',
  diff: 'src/diff/index.ts',
  compat: 'src/compat/index.ts',
  observer: 'src/observer.ts',
})
