// Runs dist/main.js with the Deno binary from npm (@deno/linux-x64-glibc), allowed only to use
// the network and read the environment, with no npm or remote modules.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
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
  // Deno KV still needs --unstable-kv in Deno 2.9 (Deno Deploy has it on).
  return ['run', '--unstable-kv', '--no-remote', '--no-npm', '--no-prompt', '--allow-net', '--allow-env', ...extra, script]
}

/**
 * Read and write access to the folder of a Deno KV database file (SQLite writes files beside it).
 * @param {string} file
 */
export function kvPermissions(file) {
  const folder = dirname(file)
  return [`--allow-read=${folder}`, `--allow-write=${folder}`]
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const script = fileURLToPath(new URL('./dist/main.js', import.meta.url))
  // Locally the copy is kept in .kv/models.db beside this file (DENO_KV_PATH to move it).
  const kvPath = process.env.DENO_KV_PATH ?? fileURLToPath(new URL('./.kv/models.db', import.meta.url))
  mkdirSync(dirname(kvPath), { recursive: true })
  const snapshot = process.env.SNAPSHOT_FILE
  const child = spawn(denoBinary(), denoArgs(script, [...kvPermissions(kvPath), ...(snapshot ? [`--allow-read=${snapshot}`] : [])]), {
    stdio: 'inherit',
    env: { ...process.env, DENO_KV_PATH: kvPath },
  })
  child.on('exit', (code) => process.exit(code ?? 0))
}
