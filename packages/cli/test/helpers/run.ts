import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { useLoopbackServer } from '../../../../e2e/hooks.js'
import type { ReferenceServer } from '../../../../e2e/reference-server.js'

/** The built executable the tests run (`pnpm build` makes it). */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url))

/** What a run of the binary did. */
export interface BinRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** How long the process lived, in ms. */
  readonly ms: number
}

/** Options of {@link runBin}. */
export interface RunOptions {
  /** Added to a clean environment (PATH and HOME only: no NO_COLOR, FORCE_COLOR or mirrors leak in from the test's). */
  readonly env?: Readonly<Record<string, string>>
  readonly cwd?: string
  /** The run is killed (and the test fails on its result) after this long. @default 10000 */
  readonly timeoutMs?: number
  /** Called once the child is spawned (to send it a signal, close its stdout, ...). */
  readonly onSpawn?: (child: ChildProcess) => void
}

/** Runs `node dist/bin.js ...args` as a child process and collects its output; never hangs past `timeoutMs`. */
export function runBin(args: readonly string[], options: RunOptions = {}): Promise<BinRun> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm build\` first.`)
  return runCommand(process.execPath, [BIN, ...args], options)
}

/** Runs any command like {@link runBin} (for `sh -c` pipelines and `script`). */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<BinRun> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${command} ${args.join(' ')} did not exit within ${options.timeoutMs ?? 10_000} ms.\nstdout: ${stdout.slice(0, 2000)}\nstderr: ${stderr.slice(0, 2000)}`))
    }, options.timeoutMs ?? 10_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started })
    })
    options.onSpawn?.(child)
  })
}

/** A loopback reference server for the file, and the environment that points the CLI at it. */
export function useCliServer(): { readonly server: ReferenceServer; env(extra?: Record<string, string>): Record<string, string> } {
  const loopback = useLoopbackServer()
  return {
    get server() {
      return loopback.server
    },
    env(extra = {}) {
      return {
        HORDE_MODEL_REFERENCE_PRIMARY_URL: loopback.server.primaryUrl,
        HORDE_MODEL_REFERENCE_GITHUB_URL: loopback.server.githubUrl,
        HORDE_MODEL_REFERENCE_HORDE_API_URL: loopback.server.hordeApiUrl,
        ...extra,
      }
    },
  }
}

/** `stdout` parsed as JSON (the test fails with the text when it is not). */
export function parseJson<T = unknown>(run: BinRun): T {
  try {
    return JSON.parse(run.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON:\n${run.stdout.slice(0, 2000)}\nstderr: ${run.stderr.slice(0, 2000)}`)
  }
}
