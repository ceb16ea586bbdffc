// `@horde-model-reference/cli`: the `horde-model-reference` command, and the same as a function.
export { runCli, getVersion } from './main.js'
export type { CliIo } from './context.js'
export type { OutputStream } from './terminal.js'
export { EXIT, type ExitCode } from './exit-codes.js'
