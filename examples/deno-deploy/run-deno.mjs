// Runs dist/main.js with the Deno binary from npm (@deno/linux-x64-glibc), allowed only to use
// the network and read the environment, with no npm or remote modules.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function denoBinary() {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('@deno/linux-x64-glibc/package.json')), 'deno')
}

/**
 * @param {string} script
 * @param {readonly string[]} [extra] more permissions, such as `--allow-read=/path/to/snapshot.json`
 */
export function denoArgs(script, extra = []) {
  return ['run', '--no-remote', '--no-npm', '--no-prompt', '--allow-net', '--allow-env', ...extra, script]
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const script = fileURLToPath(new URL('./dist/main.js', import.meta.url))
  const snapshot = process.env.SNAPSHOT_FILE
  const child = spawn(denoBinary(), denoArgs(script, snapshot ? [`--allow-read=${snapshot}`] : []), { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}
