import { fixtureJson } from './fixtures.js'
import type { Fault, ReferenceServer } from './reference-server.js'

/** The state of the client's cache when the read happens. */
export type CacheState = 'empty' | 'fresh' | 'stale'
/** Whether GitHub answers. */
export type GithubState = 'up' | 'down'

/** One row: what the PRIMARY does to `GET /model_references/v2/image_generation`. */
export interface FaultRow {
  readonly id: string
  readonly primary: string
  /** Sets the fault up on the loopback server. */
  apply(server: ReferenceServer): void
  /** `answers`: the primary's answer is used. `fails`: it counts as a failure (fall back to GitHub). */
  readonly outcome: 'answers' | 'fails'
  /** When the primary fails: the failure kind reported in `attempts`. */
  readonly kind?: 'http' | 'timeout' | 'network' | 'malformed' | 'empty'
  /** When the primary answers: how many records are served, and what the issues say. */
  readonly records?: number
  readonly issues?: string
  /** The exact issue counts, by severity, when the primary's answer is used. */
  readonly issueCounts?: { readonly error: number; readonly warning: number }
  /** Checks specific to the row, run when the primary's answer is served. */
  readonly check?: (models: Readonly<Record<string, unknown>>) => void
}

/** What one cell expects. */
export interface Expected {
  readonly result: 'served' | 'error'
  readonly source?: 'primary' | 'github'
  readonly stale?: boolean
  readonly records?: number
  readonly issues?: string
  readonly issueCounts?: { readonly error: number; readonly warning: number }
  /** Whether any request is made. */
  readonly requests: boolean
}

const IMAGE = 161
const v2Images = (): Record<string, Record<string, unknown>> => fixtureJson('derived-v2/stable_diffusion.json') as Record<string, Record<string, unknown>>

function body(server: ReferenceServer, value: unknown, contentType = 'application/json'): void {
  server.fault('/v2/image_generation', { kind: 'body', body: typeof value === 'string' ? value : JSON.stringify(value), contentType })
}

function fault(server: ReferenceServer, value: Fault): void {
  server.fault('/v2/image_generation', value)
}

const LONG_KEY = 'k'.repeat(10_000)

/** The rows of RELIABILITY.md, in order. */
export const FAULT_ROWS: readonly FaultRow[] = [
  { id: '200', primary: 'answers 200 with the category', apply: () => {}, outcome: 'answers', records: IMAGE, issues: 'none', issueCounts: { error: 0, warning: 0 } },
  { id: '404', primary: 'answers 404', apply: (s) => fault(s, { kind: 'status', status: 404 }), outcome: 'fails', kind: 'http' },
  { id: '429', primary: 'answers 429 with `Retry-After: 0`, every time', apply: (s) => fault(s, { kind: 'status', status: 429, headers: { 'retry-after': '0' } }), outcome: 'fails', kind: 'http' },
  { id: '500', primary: 'answers 500, every time', apply: (s) => fault(s, { kind: 'status', status: 500 }), outcome: 'fails', kind: 'http' },
  { id: '503', primary: 'answers 503, every time', apply: (s) => fault(s, { kind: 'status', status: 503 }), outcome: 'fails', kind: 'http' },
  { id: 'hang', primary: 'never answers', apply: (s) => fault(s, { kind: 'hang' }), outcome: 'fails', kind: 'timeout' },
  { id: 'reset', primary: 'resets the connection', apply: (s) => fault(s, { kind: 'reset' }), outcome: 'fails', kind: 'network' },
  { id: 'trickle', primary: 'trickles the body slower than the timeout', apply: (s) => fault(s, { kind: 'trickle', intervalMs: 100, chunks: 10 }), outcome: 'fails', kind: 'timeout' },
  { id: 'truncate', primary: 'sends half the body, then closes', apply: (s) => fault(s, { kind: 'truncate' }), outcome: 'fails', kind: 'network' },
  { id: 'html', primary: 'answers 200 with an HTML page', apply: (s) => body(s, '<!doctype html><title>502</title><p>Bad gateway</p>', 'text/html'), outcome: 'fails', kind: 'malformed' },
  { id: 'malformed', primary: 'answers 200 with malformed JSON', apply: (s) => body(s, '{"AlbedoBase XL (SDXL)": {"name": '), outcome: 'fails', kind: 'malformed' },
  { id: 'empty', primary: 'answers `{}`', apply: (s) => body(s, {}), outcome: 'fails', kind: 'empty' },
  {
    id: 'unknown',
    primary: 'records with unknown fields and an unknown baseline',
    apply: (s) => {
      const data = v2Images()
      for (const record of Object.values(data)) record.future_field = { added: 'upstream' }
      data['AlbedoBase XL (SDXL)']!.baseline = 'flux_9_ultra'
      body(s, data)
    },
    outcome: 'answers',
    records: IMAGE,
    issues: '1 warning (unknown baseline, record kept); unknown fields kept',
    issueCounts: { error: 0, warning: 1 },
    check: (models) => {
      const albedo = models['AlbedoBase XL (SDXL)'] as Record<string, unknown>
      if (albedo.baseline !== 'flux_9_ultra' || (albedo.future_field as { added?: string }).added !== 'upstream') throw new Error('unknown field or baseline lost')
    },
  },
  {
    id: 'invalid',
    primary: 'one invalid record',
    apply: (s) => {
      const data = v2Images()
      data['AlbedoBase XL (SDXL)']!.nsfw = 'sometimes'
      body(s, data)
    },
    outcome: 'answers',
    records: IMAGE - 1,
    issues: '1 error (the record, skipped)',
    issueCounts: { error: 1, warning: 0 },
  },
  {
    id: 'hostile',
    primary: 'hostile keys: `__proto__`, `constructor`, a 10 000-character key',
    apply: (s) => {
      // Written as JSON text: in an object literal `__proto__:` would set the prototype instead.
      const record = (name: string): string => `{"name":${JSON.stringify(name)},"baseline":"flux_1","nsfw":false,"__proto__":{"polluted":true}}`
      const text = JSON.stringify(v2Images()).slice(0, -1) + `,"__proto__":${record('__proto__')},"constructor":${record('constructor')},${JSON.stringify(LONG_KEY)}:${record(LONG_KEY)}}`
      body(s, text)
    },
    outcome: 'answers',
    records: IMAGE + 3,
    issues: '3 warnings (a `__proto__` field dropped from each); no prototype touched',
    issueCounts: { error: 0, warning: 3 },
    check: (models) => {
      if (Object.getPrototypeOf(models) !== null || !Object.prototype.hasOwnProperty.call(models, '__proto__') || (Object.prototype as Record<string, unknown>).polluted !== undefined) {
        throw new Error('a prototype was touched')
      }
    },
  },
  {
    id: '10k',
    primary: '10 000 records',
    apply: (s) => {
      const template = v2Images()['AlbedoBase XL (SDXL)']!
      const data: Record<string, unknown> = {}
      for (let i = 0; i < 10_000; i++) data[`model ${i}`] = { ...template, name: `model ${i}` }
      body(s, data)
    },
    outcome: 'answers',
    records: 10_000,
    issues: 'none',
    issueCounts: { error: 0, warning: 0 },
  },
]

/** The columns of RELIABILITY.md, in order. */
export const FAULT_COLUMNS: readonly (readonly [GithubState, CacheState])[] = [
  ['up', 'empty'],
  ['up', 'fresh'],
  ['up', 'stale'],
  ['down', 'empty'],
  ['down', 'fresh'],
  ['down', 'stale'],
]

/** What a cell expects, by the rules the README states. */
export function expectedOutcome(row: FaultRow, github: GithubState, cache: CacheState): Expected {
  // A fresh copy is served without asking anybody.
  const none = { error: 0, warning: 0 }
  if (cache === 'fresh') return { result: 'served', source: 'primary', stale: false, records: IMAGE, issues: 'none', issueCounts: none, requests: false }
  if (row.outcome === 'answers') return { result: 'served', source: 'primary', stale: false, records: row.records!, issues: row.issues!, issueCounts: row.issueCounts!, requests: true }
  if (github === 'up') return { result: 'served', source: 'github', stale: false, records: IMAGE, issues: 'none', issueCounts: none, requests: true }
  if (cache === 'stale') return { result: 'served', source: 'primary', stale: true, records: IMAGE, issues: 'none', issueCounts: none, requests: true }
  return { result: 'error', requests: true }
}

function describeCell(expected: Expected): string {
  if (expected.result === 'error') return '`SourcesUnavailableError`'
  const what = expected.requests ? expected.source : 'cache, no request'
  return `${what}${expected.stale ? ', **stale**' : ''}`
}

/** The matrix as a Markdown table: each cell is the outcome one test asserts. */
export function renderFaultMatrix(): string {
  const header = `| PRIMARY … | ${FAULT_COLUMNS.map(([github, cache]) => `GitHub ${github}, cache ${cache}`).join(' | ')} | records and issues when the primary's answer is used |`
  const rule = `|---|${FAULT_COLUMNS.map(() => '---').join('|')}|---|`
  const rows = FAULT_ROWS.map((row) => {
    const cells = FAULT_COLUMNS.map(([github, cache]) => describeCell(expectedOutcome(row, github, cache)))
    const note = row.outcome === 'answers' ? `${row.records} records; issues: ${row.issues}` : `fails as \`${row.kind}\`; falls back to GitHub`
    return `| ${row.primary} | ${cells.join(' | ')} | ${note} |`
  })
  return [header, rule, ...rows].join('\n')
}
