/**
 * The `horde-model-reference` command as a function: {@link runCli} runs it once with streams of
 * your own and resolves with its {@link EXIT} code, never exiting the process.
 *
 * @module @horde-model-reference/cli
 */
export { runCli, getVersion } from './main.js'
export type { CliIo } from './context.js'
export type { OutputStream } from './terminal.js'
export { EXIT, type ExitCode } from './exit-codes.js'
