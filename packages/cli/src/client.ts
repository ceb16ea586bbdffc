import { createModelReferenceClient, PrefetchStrategy, type ModelReferenceClient, type ModelReferenceOptions } from '@horde-model-reference/core'
import { usageError } from './exit-codes.js'
import type { ParsedArguments } from './spec.js'

/** The environment variables the CLI reads for mirrors (the flags win over them). */
export const ENV = {
  primaryUrl: 'HORDE_MODEL_REFERENCE_PRIMARY_URL',
  githubUrl: 'HORDE_MODEL_REFERENCE_GITHUB_URL',
  hordeApiUrl: 'HORDE_MODEL_REFERENCE_HORDE_API_URL',
} as const

/** The total time a command may spend reading, in seconds, unless `--timeout` says otherwise. @default 30 */
export const DEFAULT_TIMEOUT_SECONDS = 30

function url(flag: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw usageError(`${flag} must be an http(s) URL, not ${JSON.stringify(value)}.`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usageError(`${flag} must be an http(s) URL, not ${JSON.stringify(value)}.`)
  return value.replace(/\/+$/, '')
}

/** `--timeout` in milliseconds (a positive number of seconds). */
export function timeoutMs(args: ParsedArguments): number {
  const value = args.flags.timeout
  if (typeof value !== 'string') return DEFAULT_TIMEOUT_SECONDS * 1000
  const seconds = Number(value)
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) throw usageError(`--timeout takes a positive number of seconds, not ${JSON.stringify(value)}.`)
  return Math.max(1, Math.round(seconds * 1000))
}

/**
 * The client for a run: the mirrors from the flags or the environment, one deadline for all of a
 * read (`--timeout`), nothing fetched until a command reads, no BroadcastChannel or locks (a
 * process of its own shares nothing), so no handle keeps the process alive.
 */
export function createClient(args: ParsedArguments, env: Readonly<Record<string, string | undefined>>): ModelReferenceClient {
  const flag = (name: string): string | undefined => (typeof args.flags[name] === 'string' ? (args.flags[name] as string) : undefined)
  const primaryUrl = url('--primary-url', flag('primary-url') ?? env[ENV.primaryUrl])
  const githubUrl = url('--github-url', flag('github-url') ?? env[ENV.githubUrl])
  const hordeApiUrl = url('--horde-api-url', flag('horde-api-url') ?? env[ENV.hordeApiUrl])
  const total = timeoutMs(args)
  const options: ModelReferenceOptions = {
    prefetchStrategy: PrefetchStrategy.LAZY,
    totalTimeoutMs: total,
    timeoutMs: Math.min(10_000, total),
    fallbackAfterMs: Math.min(1_000, total),
    broadcastChannel: false,
    locks: false,
    ...(primaryUrl !== undefined && { primaryUrl }),
    ...(githubUrl !== undefined && { githubUrl }),
    ...(hordeApiUrl !== undefined && { hordeApiUrl }),
    ...(args.flags['no-github'] === true && { githubFallback: false }),
  }
  return createModelReferenceClient(options)
}
