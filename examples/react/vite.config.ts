import { libraryConfig } from '../../packages/library.vite.js'

// The hooks as a library: React and the core stay external (the app brings its own).
export default libraryConfig(['react', 'react/jsx-runtime', /^@horde-model-reference\/core(\/|$)/], 'src/hooks.ts')
