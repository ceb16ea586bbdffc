import { createModelReferenceClient, PrefetchStrategy, type ModelReferenceClient, type ModelReferenceOptions } from '@horde-model-reference/core'
import { CliError, EXIT, usageError } from './exit-codes.js'
import type { ParsedArguments } from './spec.js'

/** The environment variables the CLI reads for mirrors (the flags win over them; an empty one is unset). */
export const ENV = {
  primaryUrl: 'HORDE_MODEL_REFERENCE_PRIMARY_URL',
  githubUrl: 'HORDE_MODEL_REFERENCE_GITHUB_URL',
  hordeApiUrl: 'HORDE_MODEL_REFERENCE_HORDE_API_URL',
} as const

/** The flag of each URL option. */
const FLAGS = { primaryUrl: '--primary-url', githubUrl: '--github-url', hordeApiUrl: '--horde-api-url' } as const

type UrlOption = keyof typeof ENV

/** The total time a command may spend reading, in seconds, unless `--timeout` says otherwise. @default 30 */
export const DEFAULT_TIMEOUT_SECONDS = 30

/** The longest `--timeout`, in seconds: a timer's ceiling (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMEOUT_SECONDS = 2_147_483

// A URL in a message: its `user:password@` part is never shown.
const shown = (value: string): string => JSON.stringify(value.replace(/^([a-z][a-z\d+.-]*:\/*)[^/?#]*@/i, '$1***@'))

/** Where a URL option's value came from: the flag, or the environment variable (the flag wins; an empty variable is unset). */
function urlSource(args: ParsedArguments, env: Readonly<Record<string, string | undefined>>, option: UrlOption): { value: string; from: string } | undefined {
  const flag = args.flags[FLAGS[option].slice(2)]
  if (typeof flag === 'string') return { value: flag, from: FLAGS[option] }
  const variable = env[ENV[option]]
  if (variable === undefined || variable.trim() === '') return undefined
  return { value: variable, from: ENV[option] }
}

function checkUrl(source: { value: string; from: string }): string {
  const { value, from } = source
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw usageError(`${from} must be an http(s) URL, not ${shown(value)}.`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usageError(`${from} must be an http(s) URL, not ${shown(value)}.`)
  if (/[?#]/.test(value)) throw usageError(`${from} must be a base URL without a query string or fragment (the CLI appends paths to it), not ${shown(value)}.`)
  return value.replace(/\/+$/, '')
}

/** `--timeout` in milliseconds (a positive number of seconds, at most {@link MAX_TIMEOUT_SECONDS}). */
export function timeoutMs(args: ParsedArguments): number {
  const value = args.flags.timeout
  if (typeof value !== 'string') return DEFAULT_TIMEOUT_SECONDS * 1000
  const seconds = Number(value)
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw usageError(`--timeout takes a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS} (about 24 days), not ${JSON.stringify(value)}.`)
  }
  return Math.max(1, Math.round(seconds * 1000))
}

/**
 * The client for a run: the mirrors from the flags or the environment, one deadline for all of a
 * read (`--timeout`), nothing fetched until a command reads, no BroadcastChannel or locks (a
 * process of its own shares nothing), so no handle keeps the process alive. An option the core
 * refuses is reported with the flag or environment variable it came from, never the option's name.
 */
export function createClient(args: ParsedArguments, env: Readonly<Record<string, string | undefined>>): ModelReferenceClient {
  const sources = { primaryUrl: urlSource(args, env, 'primaryUrl'), githubUrl: urlSource(args, env, 'githubUrl'), hordeApiUrl: urlSource(args, env, 'hordeApiUrl') }
  const urls: Partial<Record<UrlOption, string>> = {}
  for (const option of Object.keys(sources) as UrlOption[]) {
    const source = sources[option]
    if (source !== undefined) urls[option] = checkUrl(source)
  }
  const total = timeoutMs(args)
  const options: ModelReferenceOptions = {
    prefetchStrategy: PrefetchStrategy.LAZY,
    totalTimeoutMs: total,
    timeoutMs: Math.min(10_000, total),
    fallbackAfterMs: Math.min(1_000, total),
    broadcastChannel: false,
    locks: false,
    ...urls,
    ...(args.flags['no-github'] === true && { githubFallback: false }),
  }
  try {
    return createModelReferenceClient(options)
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof RangeError)) throw error
    // "Option primaryUrl must be ..." names a library option; say which flag or variable it was.
    const match = /^Option (\w+) (.*)$/s.exec(error.message)
    const option = match?.[1]
    const label = option === undefined ? undefined : Object.prototype.hasOwnProperty.call(sources, option) ? sources[option as UrlOption]?.from : /timeout|fallbackAfter/i.test(option) ? '--timeout' : undefined
    if (match === null || label === undefined) throw new CliError(EXIT.internal, `Unexpected error: the CLI built options the core refuses: ${error.message}`)
    throw usageError(`${label} ${match[2]!.replace(/ \(paths are appended to it\)/, '')}`)
  }
}
