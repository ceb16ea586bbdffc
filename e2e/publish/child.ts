import { spawn, type ChildProcess } from 'node:child_process'

// Child processes of the publish round trip: each in a process group of its own (so that a
// timeout or a failed test ends its children too, npm's and wrangler's included), with a
// deadline, and an error that says what ran and ends with what it printed last.

const live = new Set<ChildProcess>()

/** Ends a child and its process group (SIGKILL after `graceMs` if SIGTERM did not end it); resolves when it has exited. */
export async function killTree(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, name)
    } catch {
      // The group is gone already.
    }
  }
  signal('SIGTERM')
  const timer = setTimeout(() => signal('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

/** Ends every child started here that is still running (for afterAll). */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((child) => killTree(child)))
}

/** The last `lines` lines of a text. */
export const tail = (text: string, lines = 30): string => text.trimEnd().split('\n').slice(-lines).join('\n')

/** A failed child: its command, how it ended and its output's tail. */
export class ChildProcessError extends Error {
  constructor(
    readonly command: string,
    readonly reason: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`${command} ${reason}\n--- stderr (tail) ---\n${tail(stderr) || '(empty)'}\n--- stdout (tail) ---\n${tail(stdout, 15) || '(empty)'}`)
    this.name = 'ChildProcessError'
  }
}

export interface RunOptions {
  readonly cwd: string
  readonly env?: NodeJS.ProcessEnv
  /** Milliseconds before the child (and its group) is killed and the run fails. */
  readonly timeoutMs: number
  /** Whether a non-zero exit is a result rather than an error. */
  readonly allowFailure?: boolean
}

/** What a finished child printed, and its exit code. */
export interface RunResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command to its end within `timeoutMs`; a non-zero exit, a signal or the deadline is a ChildProcessError. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const label = [command, ...args].map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : JSON.stringify(part))).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    live.add(child)
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      timedOut = true
      void killTree(child)
    }, options.timeoutMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      live.delete(child)
      reject(new ChildProcessError(label, `could not start: ${error.message}`, stdout, stderr))
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      live.delete(child)
      if (timedOut) reject(new ChildProcessError(label, `did not finish within ${options.timeoutMs} ms (killed)`, stdout, stderr))
      else if (signal !== null) reject(new ChildProcessError(label, `was killed by ${signal}`, stdout, stderr))
      else if (code !== 0 && options.allowFailure !== true) reject(new ChildProcessError(label, `exited with ${code}`, stdout, stderr))
      else resolve({ code, stdout, stderr })
    })
  })
}

/**
 * Starts a long-running child and resolves once `ready` finds what it waits for in its output
 * (within `timeoutMs`); the child is killed if it exits or the wait times out first.
 */
export function startChild<T>(command: string, args: readonly string[], options: RunOptions & { ready: (output: string) => T | undefined }): Promise<{ child: ChildProcess; value: T; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    live.add(child)
    child.once('exit', () => live.delete(child))
    let stdout = ''
    let stderr = ''
    let settled = false
    const fail = (reason: string): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      void killTree(child)
      reject(new ChildProcessError([command, ...args].join(' '), reason, stdout, stderr))
    }
    const check = (): void => {
      if (settled) return
      const value = options.ready(stdout)
      if (value === undefined) return
      settled = true
      clearTimeout(timer)
      resolve({ child, value, output: () => `${stdout}${stderr}` })
    }
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      check()
    })
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', (error) => fail(`could not start: ${error.message}`))
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before it was ready`))
    const timer = setTimeout(() => fail(`was not ready within ${options.timeoutMs} ms`), options.timeoutMs)
  })
}
