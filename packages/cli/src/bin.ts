#!/usr/bin/env node
// The `horde-model-reference` executable: runs the CLI on the process's own streams.
import { EXIT } from './exit-codes.js'
import { runCli } from './main.js'

// A reader that stops early (`| head -1`) closes the pipe: stop quietly, with no stack trace.
const quit = (error: NodeJS.ErrnoException): void => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(process.exitCode ?? EXIT.ok)
  throw error
}
process.stdout.on('error', quit)
process.stderr.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error
})

const controller = new AbortController()
process.once('SIGINT', () => {
  controller.abort()
  // A second Ctrl-C, or a read that does not stop within 2 s, ends the process at once.
  process.once('SIGINT', () => process.exit(EXIT.interrupted))
  setTimeout(() => process.exit(EXIT.interrupted), 2_000).unref()
})

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal })
process.exitCode = code
// Nothing should be left running; if something is (a socket, a timer), it must not keep the
// process alive: the output is written (stdout and stderr are synchronous for files and pipes).
setTimeout(() => process.exit(code), 200).unref()
