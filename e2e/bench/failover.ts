import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { validateRecords } from '@horde-model-reference/core/convert'
import type { ReferenceServer } from '../reference-server.js'

// Failover and read-path benchmarks, against hand-written `fetch` baselines measured in the same
// run on the same loopback server. The subject is built by the caller from the URLs alone, so
// that a client whose options change (a redesign adding, say, `fallbackAfterMs`) is measured by
// the same code: `measureFailover(server, (options) => createModelReferenceClient({ ...options, fallbackAfterMs: 1000 }))`.
//
// Nothing here leaves 127.0.0.1; every client is disposed, every timer cleared, every request
// either read to its end or aborted. Benchmarks, not tests: no time is asserted, only that
// each run returned data.

/** What the subject is built from: the loopback server's URLs, every other option at its default. */
export interface FailoverClientOptions {
  readonly primaryUrl: string
  readonly githubUrl: string
}

/** The part of a client the benchmarks use (`ModelReferenceClient` has it). */
export interface FailoverClient {
  getModelReference(category: 'image_generation' | 'text_generation'): Promise<unknown>
  dispose(): void
}

/** Builds a fresh, cold client: `(options) => createModelReferenceClient(options)`. */
export type MakeClient = (options: FailoverClientOptions) => FailoverClient

/** The state of the PRIMARY in a failover scenario; GitHub is up in all of them. */
export type FailoverScenario = 'up' | 'refused' | 'status-503' | 'hung'

export const FAILOVER_SCENARIOS: readonly FailoverScenario[] = ['up', 'refused', 'status-503', 'hung']

const SCENARIO_LABELS: Readonly<Record<FailoverScenario, string>> = {
  up: 'up',
  refused: 'refusing connections (a loopback port with nothing listening)',
  'status-503': 'answering 503 every time',
  hung: 'hung (accepts, never answers)',
}

/** Options of {@link measureFailover}. */
export interface FailoverOptions {
  /**
   * Measured rounds, after one warm-up round (none for `hung`, whose fallback path the scenarios
   * before it have warmed): per scenario, or one number for every scenario but `hung`.
   * @default { up: 21, refused: 21, 'status-503': 5, hung: 2 }
   */
  readonly rounds?: number | Partial<Record<FailoverScenario, number>>
  /** The baselines' per-attempt timeout: keep it equal to the subject's. @default 10000 (the SDK's default `timeoutMs` today) */
  readonly timeoutMs?: number
  /** When the hedged baseline starts GitHub if the primary has not answered. @default 1000 */
  readonly hedgeAfterMs?: number
  /** The scenarios to run, in this order. @default FAILOVER_SCENARIOS */
  readonly scenarios?: readonly FailoverScenario[]
}

/** Data requests of one subject run, as the loopback server logged them. */
export interface RequestCount {
  readonly primary: number
  readonly github: number
}

/** One scenario: medians in milliseconds, from the start of a cold run to data in hand. */
export interface FailoverRow {
  readonly scenario: FailoverScenario
  readonly label: string
  readonly rounds: number
  /** The subject: a new client, `getModelReference('image_generation')`. */
  readonly subjectMs: number
  /** `fetch` the primary; on any failure or non-2xx, `fetch` the GitHub legacy file and `JSON.parse` it. */
  readonly baselineMs: number
  /** The same, but GitHub also starts when the primary has not answered within `hedgeAfterMs`. */
  readonly hedgedMs: number
  /** The subject's data requests per run (the last measured run). A refused connection reaches no server and is not counted. */
  readonly subjectRequests: RequestCount
  /** Records in the subject's answer. */
  readonly subjectRecords: number
}

/** What {@link measureFailover} measured. */
export interface FailoverReport {
  readonly category: 'image_generation'
  readonly timeoutMs: number
  readonly hedgeAfterMs: number
  readonly rows: readonly FailoverRow[]
  /** Wall time of the whole measurement. */
  readonly durationMs: number
}

/** Options of {@link measureReadPath}. */
export interface ReadPathOptions {
  /** Measured rounds per category, after three warm-up rounds. @default 51 */
  readonly rounds?: number
  /** The categories, served by the loopback primary. @default ['image_generation', 'text_generation'] */
  readonly categories?: readonly ('image_generation' | 'text_generation')[]
}

/** One category's read path from the loopback primary: medians in milliseconds. */
export interface ReadPathRow {
  readonly category: 'image_generation' | 'text_generation'
  /** The body's length as the primary sends it. */
  readonly bytes: number
  readonly records: number
  /** `await (await fetch(url)).json()`. */
  readonly naiveMs: number
  /** A new client, `getModelReference(category)`: request, read, parse, validate, bookkeeping. */
  readonly subjectMs: number
  /** Breakdown: `await (await fetch(url)).text()`, the network and the UTF-8 decode. */
  readonly fetchTextMs: number
  /** Breakdown: `JSON.parse` of those bytes. */
  readonly parseMs: number
  /** Breakdown: `validateRecords(category, parsed)` alone, on a fresh parse each time. */
  readonly validateMs: number
}

/** What {@link measureReadPath} measured. */
export interface ReadPathReport {
  readonly rounds: number
  readonly rows: readonly ReadPathRow[]
  readonly durationMs: number
}

// ---------------------------------------------------------------------------------------------

const CATEGORY = 'image_generation'
const DEFAULT_ROUNDS: Readonly<Record<FailoverScenario, number>> = { up: 21, refused: 21, 'status-503': 5, hung: 2 }
const IMAGE_LEGACY_PATH = '/Haidra-Org/AI-Horde-image-model-reference/refs/heads/main/stable_diffusion.json'
/** The SDK's default per-attempt timeout today (`DEFAULT_OPTIONS.timeoutMs`). */
const SDK_DEFAULT_TIMEOUT_MS = 10_000

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** An `AbortSignal.timeout(ms)` that can also be cleared, so that no timer outlives its run. */
interface Deadline {
  readonly signal: AbortSignal
  abort(): void
  clear(): void
}
function deadline(timeoutMs: number): Deadline {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs)
  return {
    signal: controller.signal,
    abort: () => controller.abort(new DOMException('the run is over', 'AbortError')),
    clear: () => clearTimeout(timer),
  }
}

const primaryUrlOf = (primaryBase: string, category: string): string => `${primaryBase}/model_references/v2/${category}`

interface BaselineUrls {
  readonly primary: string
  readonly github: string
}

/** Reads a JSON body, failing on a non-2xx status; `onResponse` is told when the headers arrive. */
async function readJson(url: string, signal: AbortSignal, asText: boolean, onResponse?: () => void): Promise<unknown> {
  const response = await fetch(url, { signal })
  onResponse?.()
  if (!response.ok) {
    await response.body?.cancel()
    throw new Error(`HTTP ${response.status}`)
  }
  return asText ? JSON.parse(await response.text()) : await response.json()
}

/** The hand-written baseline: the primary, and on any failure or non-2xx the GitHub legacy file. */
async function plainBaseline(urls: BaselineUrls, timeoutMs: number): Promise<unknown> {
  const primary = deadline(timeoutMs)
  try {
    return await readJson(urls.primary, primary.signal, false)
  } catch {
    // Any failure: GitHub.
  } finally {
    primary.clear()
  }
  const github = deadline(timeoutMs)
  try {
    return await readJson(urls.github, github.signal, true)
  } finally {
    github.clear()
  }
}

/**
 * The baseline with a hedge: GitHub starts as soon as the primary fails, or after
 * `hedgeAfterMs` without the primary's headers; the first body in hand wins, the other
 * request is aborted.
 */
async function hedgedBaseline(urls: BaselineUrls, timeoutMs: number, hedgeAfterMs: number): Promise<unknown> {
  const primary = deadline(timeoutMs)
  let github: Deadline | undefined
  let hedge: ReturnType<typeof setTimeout> | undefined
  try {
    return await new Promise<unknown>((resolve, reject) => {
      let settled = false
      let failures = 0
      const succeed = (value: unknown): void => {
        if (settled) return
        settled = true
        resolve(value)
      }
      const fail = (error: unknown): void => {
        if (++failures === 2 && !settled) {
          settled = true
          reject(error)
        }
      }
      const startGithub = (): void => {
        clearTimeout(hedge)
        if (github !== undefined || settled) return
        github = deadline(timeoutMs)
        readJson(urls.github, github.signal, true).then(succeed, fail)
      }
      hedge = setTimeout(startGithub, hedgeAfterMs)
      readJson(urls.primary, primary.signal, false, () => clearTimeout(hedge)).then(succeed, (error: unknown) => {
        fail(error)
        startGithub()
      })
    })
  } finally {
    clearTimeout(hedge)
    primary.abort()
    primary.clear()
    github?.abort()
    github?.clear()
  }
}

function recordCount(value: unknown, who: string): number {
  if (typeof value !== 'object' || value === null) throw new Error(`${who} returned no data`)
  const count = Object.keys(value).length
  if (count === 0) throw new Error(`${who} returned no records`)
  return count
}

/** A loopback port with nothing listening: bound, then closed. */
async function refusedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', resolve)
  })
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  // It must refuse: otherwise the scenario would measure something else.
  const probeDeadline = deadline(2_000)
  const refused = await fetch(`http://127.0.0.1:${port}/`, { signal: probeDeadline.signal }).then(
    async (response) => {
      await response.body?.cancel()
      return false
    },
    (error: unknown) => (error as { cause?: { code?: unknown } }).cause?.code === 'ECONNREFUSED',
  )
  probeDeadline.clear()
  if (!refused) throw new Error(`port ${port} did not refuse the connection`)
  return port
}

const dataRequests = (server: ReferenceServer): RequestCount => ({ primary: server.count('primary'), github: server.count('github') })

/**
 * Time to first data for `image_generation` from a cold client in four PRIMARY scenarios (up,
 * refusing connections, 503 every time, hung), GitHub up in all of them, against a
 * hand-written `fetch` baseline with the same per-attempt timeout, and that baseline hedged.
 * Rounds are interleaved (the order rotates each round) and run one at a time; the `hung`
 * scenario has no warm-up (the fallback path has been warmed by the scenarios before it).
 * Leaves the server reset.
 */
export async function measureFailover(server: ReferenceServer, makeClient: MakeClient, options: FailoverOptions = {}): Promise<FailoverReport> {
  const rounds: Record<FailoverScenario, number> = { ...DEFAULT_ROUNDS, ...(typeof options.rounds === 'number' ? { up: options.rounds, refused: options.rounds, 'status-503': options.rounds } : options.rounds) }
  const timeoutMs = options.timeoutMs ?? SDK_DEFAULT_TIMEOUT_MS
  const hedgeAfterMs = options.hedgeAfterMs ?? 1_000
  const scenarios = options.scenarios ?? FAILOVER_SCENARIOS
  const started = performance.now()
  const rows: FailoverRow[] = []
  try {
    for (const scenario of scenarios) {
      server.reset()
      let primaryBase = server.primaryUrl
      if (scenario === 'refused') primaryBase = `http://127.0.0.1:${await refusedPort()}/api`
      if (scenario === 'status-503') server.primaryDown({ kind: 'status', status: 503 })
      if (scenario === 'hung') server.primaryDown({ kind: 'hang' })
      const clientOptions: FailoverClientOptions = { primaryUrl: primaryBase, githubUrl: server.githubUrl }
      const urls: BaselineUrls = { primary: primaryUrlOf(primaryBase, CATEGORY), github: `${server.githubUrl}${IMAGE_LEGACY_PATH}` }

      let subjectRequests: RequestCount = { primary: 0, github: 0 }
      let subjectRecords = 0
      const subject = async (): Promise<number> => {
        const before = dataRequests(server)
        const start = performance.now()
        const client = makeClient(clientOptions)
        try {
          const models = await client.getModelReference(CATEGORY)
          const elapsed = performance.now() - start
          subjectRecords = recordCount(models, 'the subject')
          const after = dataRequests(server)
          subjectRequests = { primary: after.primary - before.primary, github: after.github - before.github }
          return elapsed
        } finally {
          client.dispose()
        }
      }
      const timed = (run: () => Promise<unknown>, who: string) => async (): Promise<number> => {
        const start = performance.now()
        const value = await run()
        const elapsed = performance.now() - start
        recordCount(value, who)
        return elapsed
      }
      const runs = [subject, timed(() => plainBaseline(urls, timeoutMs), 'the baseline'), timed(() => hedgedBaseline(urls, timeoutMs, hedgeAfterMs), 'the hedged baseline')]

      const measured = rounds[scenario]
      if (scenario !== 'hung') for (const run of runs) await run()
      const times: number[][] = runs.map(() => [])
      for (let round = 0; round < measured; round++) {
        for (let i = 0; i < runs.length; i++) {
          const index = (i + round) % runs.length
          times[index]!.push(await runs[index]!())
        }
      }
      rows.push({
        scenario,
        label: SCENARIO_LABELS[scenario],
        rounds: measured,
        subjectMs: median(times[0]!),
        baselineMs: median(times[1]!),
        hedgedMs: median(times[2]!),
        subjectRequests,
        subjectRecords,
      })
    }
  } finally {
    server.reset()
  }
  return { category: CATEGORY, timeoutMs, hedgeAfterMs, rows, durationMs: performance.now() - started }
}

/**
 * The full path from a `Response` to records, from the loopback primary: a naive
 * `fetch().json()` of the same bytes against a cold read through a new client, interleaved
 * round by round, with a breakdown (`fetch` + `text()`, `JSON.parse`, `validateRecords`).
 * Leaves the server reset.
 */
export async function measureReadPath(server: ReferenceServer, makeClient: MakeClient, options: ReadPathOptions = {}): Promise<ReadPathReport> {
  const rounds = options.rounds ?? 51
  const categories = options.categories ?? ['image_generation', 'text_generation']
  const started = performance.now()
  const rows: ReadPathRow[] = []
  server.reset()
  try {
    for (const category of categories) {
      const url = primaryUrlOf(server.primaryUrl, category)
      const clientOptions: FailoverClientOptions = { primaryUrl: server.primaryUrl, githubUrl: server.githubUrl }
      let text = ''
      let records = 0
      const naive = async (): Promise<number> => {
        const start = performance.now()
        const data: unknown = await (await fetch(url)).json()
        const elapsed = performance.now() - start
        recordCount(data, 'fetch().json()')
        return elapsed
      }
      const subject = async (): Promise<number> => {
        const start = performance.now()
        const client = makeClient(clientOptions)
        try {
          const models = await client.getModelReference(category)
          const elapsed = performance.now() - start
          records = recordCount(models, 'the subject')
          return elapsed
        } finally {
          client.dispose()
        }
      }
      const fetchText = async (): Promise<number> => {
        const start = performance.now()
        text = await (await fetch(url)).text()
        return performance.now() - start
      }
      // CPU only, a few iterations per round (one parse is under a millisecond).
      const iterations = 5
      const parse = async (): Promise<number> => {
        const start = performance.now()
        for (let i = 0; i < iterations; i++) JSON.parse(text)
        return (performance.now() - start) / iterations
      }
      const validate = async (): Promise<number> => {
        let total = 0
        for (let i = 0; i < iterations; i++) {
          // validateRecords works in place: each call gets a fresh parse, outside the clock.
          const data: unknown = JSON.parse(text)
          const start = performance.now()
          validateRecords(category, data as Record<string, unknown>)
          total += performance.now() - start
        }
        return total / iterations
      }
      await fetchText()
      const runs = [naive, subject, fetchText, parse, validate]
      for (let round = 0; round < 3; round++) for (const run of runs) await run()
      const times: number[][] = runs.map(() => [])
      for (let round = 0; round < rounds; round++) {
        for (let i = 0; i < runs.length; i++) {
          const index = (i + round) % runs.length
          times[index]!.push(await runs[index]!())
        }
      }
      rows.push({
        category,
        bytes: Buffer.byteLength(text),
        records,
        naiveMs: median(times[0]!),
        subjectMs: median(times[1]!),
        fetchTextMs: median(times[2]!),
        parseMs: median(times[3]!),
        validateMs: median(times[4]!),
      })
    }
  } finally {
    server.reset()
  }
  return { rounds, rows, durationMs: performance.now() - started }
}

// ---------------------------------------------------------------------------------------------

const ms = (value: number): string => (value >= 1000 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value >= 1 ? value.toFixed(2) : value.toFixed(3))
const ratio = (subject: number, baseline: number): string => `${(subject / baseline).toFixed(2)}x`

function requestsCell(row: FailoverRow): string {
  const primary = row.scenario === 'refused' ? 'refused' : String(row.subjectRequests.primary)
  return `${primary} + ${row.subjectRequests.github}`
}

/** The failover report as a markdown table with its explanation. */
export function renderFailover(report: FailoverReport): string {
  const lines = [
    `Time to first data for \`${report.category}\` from a cold client (nothing cached), GitHub up in every scenario, medians in ms. The baseline is hand-written: \`fetch\` the primary, and on any failure or non-2xx \`fetch\` the GitHub legacy file and \`JSON.parse\` it, with the same per-attempt timeout (${report.timeoutMs} ms, the SDK's default); it neither converts nor validates. The hedged baseline also starts GitHub after ${report.hedgeAfterMs} ms without an answer from the primary. Rounds interleaved, one run at a time.`,
    '',
    `| the PRIMARY | rounds | SDK | baseline | SDK / baseline | hedged baseline | SDK / hedged | SDK requests (primary + GitHub) |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...report.rows.map((row) => `| ${row.label} | ${row.rounds} | ${ms(row.subjectMs)} | ${ms(row.baselineMs)} | ${ratio(row.subjectMs, row.baselineMs)} | ${ms(row.hedgedMs)} | ${ratio(row.subjectMs, row.hedgedMs)} | ${requestsCell(row)} |`),
    '',
    `The SDK's requests are those the loopback server logged during one run (a refused connection reaches no server). ${report.rows[0] ? `The SDK answered ${report.rows[0].subjectRecords} records.` : ''} Measured in ${(report.durationMs / 1000).toFixed(1)} s.`,
  ]
  return lines.join('\n')
}

/** The read-path report as a markdown table with its explanation. */
export function renderReadPath(report: ReadPathReport): string {
  const lines = [
    `From the loopback primary's \`Response\` to records: a naive \`await (await fetch(url)).json()\` against a cold read through a new client, medians of ${report.rounds} interleaved rounds, in ms. The breakdown is measured separately in the same rounds: \`fetch\` + \`text()\` (network and decode), \`JSON.parse\` of the same text, and \`validateRecords\` alone; the rest is the SDK's request and client plumbing (SDK − fetch − parse − validate).`,
    '',
    '| category | bytes | records | `fetch().json()` | SDK cold read | SDK / naive | `fetch` + `text()` | `JSON.parse` | `validateRecords` | rest |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...report.rows.map((row) => {
      const rest = row.subjectMs - row.fetchTextMs - row.parseMs - row.validateMs
      return `| ${row.category} | ${row.bytes} | ${row.records} | ${ms(row.naiveMs)} | ${ms(row.subjectMs)} | ${ratio(row.subjectMs, row.naiveMs)} | ${ms(row.fetchTextMs)} | ${ms(row.parseMs)} | ${ms(row.validateMs)} | ${ms(rest)} |`
    }),
    '',
    `Measured in ${(report.durationMs / 1000).toFixed(1)} s.`,
  ]
  return lines.join('\n')
}
