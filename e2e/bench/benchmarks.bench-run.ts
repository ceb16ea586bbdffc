import 'fake-indexeddb/auto'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, it } from 'vitest'
import { createMemoryStorage, createModelReferenceClient, type FetchableCategory, type ModelReferenceEvent, type ModelReferenceOptions } from '@horde-model-reference/core'
import { convertLegacyJson, convertTextCsv, validateRecords } from '@horde-model-reference/core/convert'
import { buildSearchIndex, createQuery } from '@horde-model-reference/core/query'
import { diffModelReferences, fingerprintRecords } from '@horde-model-reference/core/diff'
import { parseCsv } from '../../packages/core/src/convert/csv.js'
import { createIndexedDbStorage } from '@horde-model-reference/storage-indexeddb'
import { createCloudflareKvStorage, type KvNamespaceLike } from '@horde-model-reference/storage-cloudflare-kv'
import { DERIVED_V2_FILES, fixtureText, LEGACY_FILES } from '../fixtures.js'
import { startReferenceServer, type ReferenceServer } from '../reference-server.js'
import { composition, renderComposition } from './bundle.js'
import { measureFailover, measureReadPath, renderFailover, renderReadPath } from './failover.js'

// `pnpm bench`: every number in BENCHMARKS.md, measured in one run on the real fixtures. Times
// are medians of interleaved rounds, and each is reported with a baseline measured in the same
// run on the same machine.
const root = fileURLToPath(new URL('../..', import.meta.url))
const lines: string[] = []
const out = (line = ''): void => {
  lines.push(line)
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!
function timePer(fn: () => unknown, iterations: number): number {
  const start = performance.now()
  for (let i = 0; i < iterations; i++) fn()
  return (performance.now() - start) / iterations
}
function compare(baseline: () => unknown, subject: () => unknown, iterations: number, rounds = 15): { baseline: number; subject: number } {
  for (let i = 0; i < 3; i++) timePer(baseline, iterations), timePer(subject, iterations)
  const a: number[] = []
  const b: number[] = []
  for (let r = 0; r < rounds; r++) a.push(timePer(baseline, iterations)), b.push(timePer(subject, iterations))
  return { baseline: median(a), subject: median(b) }
}
async function timeAsync(fn: () => Promise<unknown>, rounds: number): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < rounds; i++) {
    const start = performance.now()
    await fn()
    times.push(performance.now() - start)
  }
  return median(times)
}
const ms = (value: number): string => (value >= 10 ? value.toFixed(1) : value >= 1 ? value.toFixed(2) : value.toFixed(3))
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`

let server: ReferenceServer
beforeAll(async () => {
  server = await startReferenceServer()
})
afterAll(() => server.close())

const JSON_CATEGORIES = Object.keys(DERIVED_V2_FILES) as FetchableCategory[]
const clientOptions = (extra: ModelReferenceOptions = {}): ModelReferenceOptions => ({ primaryUrl: server.primaryUrl, githubUrl: server.githubUrl, ...extra })

it('benchmarks', async () => {
  const cpu = cpus()
  out('# Benchmarks')
  out()
  out(`Measured by \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB.`)
  out('Times are medians of interleaved rounds; every ratio is to a baseline measured in the same run on the same data (the real fixtures in `../shared/fixtures`). Rerun the command to reproduce them; expect a few per cent of noise.')
  out()

  // 1. Parse + convert + validate, per category.
  out('## Parse, convert and validate a category (no network)')
  out()
  out('From the bytes a source sends to validated, frozen records keyed by name.')
  out()
  out('| category | primary v2: bytes | `JSON.parse` | parse + validate | ratio | GitHub legacy: bytes | baseline | parse + convert + validate | ratio |')
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  let primaryTotal = 0
  let githubTotal = 0
  for (const category of JSON_CATEGORIES) {
    const v2 = fixtureText(DERIVED_V2_FILES[category]!)
    const legacy = fixtureText(LEGACY_FILES[category]!)
    const iterations = v2.length > 100_000 ? 30 : 300
    const primary = compare(() => JSON.parse(v2), () => validateRecords(category, JSON.parse(v2)), iterations)
    let github: { baseline: number; subject: number }
    let baselineName: string
    if (category === 'text_generation') {
      // The CSV's own baseline: parsing the CSV alone.
      github = compare(() => parseCsv(legacy), () => {
        const converted = convertTextCsv(legacy)
        validateRecords(category, converted.entries, converted.issues)
      }, iterations)
      baselineName = 'CSV parse'
    } else {
      github = compare(() => JSON.parse(legacy), () => {
        const converted = convertLegacyJson(category, JSON.parse(legacy))
        validateRecords(category, converted.entries, converted.issues)
      }, iterations)
      baselineName = '`JSON.parse`'
    }
    primaryTotal += primary.subject
    githubTotal += github.subject
    out(`| ${category} | ${v2.length} | ${ms(primary.baseline)} ms | ${ms(primary.subject)} ms | ${(primary.subject / primary.baseline).toFixed(2)}x | ${legacy.length} | ${baselineName} ${ms(github.baseline)} ms | ${ms(github.subject)} ms | ${(github.subject / github.baseline).toFixed(2)}x |`)
  }
  const text = fixtureText(DERIVED_V2_FILES.text_generation!)
  const csv = fixtureText(LEGACY_FILES.text_generation!)
  const csvVsJson = compare(() => JSON.parse(text), () => {
    const converted = convertTextCsv(csv)
    validateRecords('text_generation', converted.entries, converted.issues)
  }, 30)
  out()
  out(`The whole text path from GitHub (\`models.csv\`, ${csv.length} bytes, to 719 validated records) takes ${ms(csvVsJson.subject)} ms: ${(csvVsJson.subject / csvVsJson.baseline).toFixed(2)}x a \`JSON.parse\` of the same records as v2 JSON (${text.length} bytes).`)
  out()
  out(`**First load of every category, CPU only:** ${ms(primaryTotal)} ms from the primary, ${ms(githubTotal)} ms from GitHub (the sum of the medians above; the project's bound is 50 ms).`)
  out()

  // 2. Reads: warm, from storage, from the network.
  out('## Reads')
  out()
  const warm = createModelReferenceClient(clientOptions())
  await warm.getModelReference('image_generation')
  const peekNs = timePer(() => warm.peek('image_generation'), 1_000_000) * 1e6
  const reads = 100_000
  const startAsync = performance.now()
  for (let i = 0; i < reads; i++) await warm.getModelReference('image_generation')
  const asyncNs = ((performance.now() - startAsync) / reads) * 1e6
  const network = await timeAsync(() => createModelReferenceClient(clientOptions()).getModelReference('image_generation'), 20)
  const memory = createMemoryStorage()
  await createModelReferenceClient(clientOptions({ storage: memory })).getModelReference('image_generation')
  const memoryHit = await timeAsync(() => createModelReferenceClient(clientOptions({ storage: memory })).getModelReference('image_generation'), 20)
  const databaseName = `bench-${Date.now()}`
  await createModelReferenceClient(clientOptions({ storage: createIndexedDbStorage({ databaseName }), broadcastChannel: false })).getModelReference('image_generation')
  await new Promise((resolve) => setTimeout(resolve, 200))
  const idbHit = await timeAsync(() => createModelReferenceClient(clientOptions({ storage: createIndexedDbStorage({ databaseName }), broadcastChannel: false })).getModelReference('image_generation'), 20)
  const mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response("") } }', kvNamespaces: ['KV'] })
  const kv = (await mf.getKVNamespace('KV')) as unknown as KvNamespaceLike
  await createModelReferenceClient(clientOptions({ storage: createCloudflareKvStorage(kv) })).getModelReference('image_generation')
  await new Promise((resolve) => setTimeout(resolve, 200))
  const kvHit = await timeAsync(() => createModelReferenceClient(clientOptions({ storage: createCloudflareKvStorage(kv) })).getModelReference('image_generation'), 20)
  await mf.dispose()
  out('`image_generation` (161 records):')
  out()
  out('| read | time | vs a loopback network fetch |')
  out('|---|---:|---:|')
  out(`| warm, \`peek()\` | ${peekNs.toFixed(0)} ns | ${(network / (peekNs / 1e6)).toFixed(0)}x faster |`)
  out(`| warm, \`await getModelReference()\` | ${asyncNs.toFixed(0)} ns | ${(network / (asyncNs / 1e6)).toFixed(0)}x faster |`)
  out(`| a new client over the same in-memory storage | ${ms(memoryHit)} ms | ${(network / memoryHit).toFixed(1)}x faster |`)
  out(`| a reload: a new client over IndexedDB (fake-indexeddb; structured clone, then validated again) | ${ms(idbHit)} ms | ${(network / idbHit).toFixed(1)}x |`)
  out(`| a cold start: a new client over Workers KV (workerd through miniflare, read from Node: most of this is miniflare's proxy between Node and workerd; JSON, then validated again) | ${ms(kvHit)} ms | ${(network / kvHit).toFixed(1)}x |`)
  out(`| a new client fetching from the loopback primary (baseline) | ${ms(network)} ms | 1x |`)
  out()
  out('A warm read copies nothing: it returns the same frozen object every time.')
  out()

  // 3. Network economy.
  out('## Network economy')
  out()
  const measure = async (options: ModelReferenceOptions, run: (client: ReturnType<typeof createModelReferenceClient>) => Promise<unknown>): Promise<{ requests: number; bytes: number }> => {
    const events: ModelReferenceEvent[] = []
    const client = createModelReferenceClient(clientOptions({ ...options, onEvent: (e) => events.push(e) }))
    await run(client)
    const responses = events.filter((e): e is Extract<ModelReferenceEvent, { type: 'response' }> => e.type === 'response')
    return { requests: events.filter((e) => e.type === 'request').length, bytes: responses.reduce((n, e) => n + e.bytes, 0) }
  }
  server.reset()
  const firstLoad = await measure({}, (c) => c.getAllModelReferences())
  server.primaryDown({ kind: 'status', status: 404 })
  const firstLoadGithub = await measure({}, (c) => c.getAllModelReferences())
  server.reset()
  // A copy from the primary that knows its last_updated (recorded by its second download).
  const storage = createMemoryStorage()
  const seed = createModelReferenceClient(clientOptions({ storage }))
  await seed.getModelReference('text_generation')
  await seed.refresh('text_generation')
  // A new client reads that copy from storage (no request), then revalidates it.
  const lastUpdated = await measure({ storage }, async (c) => {
    await c.getModelReference('text_generation')
    await c.refresh('text_generation')
  })
  const fullText = await measure({}, (c) => c.getModelReference('text_generation'))
  server.primaryDown({ kind: 'status', status: 404 })
  const githubStorage = createMemoryStorage()
  await createModelReferenceClient(clientOptions({ storage: githubStorage })).getModelReference('image_generation')
  const etag = await measure({ storage: githubStorage }, async (c) => {
    await c.getModelReference('image_generation')
    await c.refresh('image_generation')
  })
  server.reset()
  const concurrent = await measure({}, (c) => Promise.all(Array.from({ length: 1000 }, () => c.getModelReference('image_generation'))))
  out('Counted from the client\'s own `request` and `response` events (body bytes as received).')
  out()
  out('| scenario | requests | body bytes |')
  out('|---|---:|---:|')
  out(`| first load of every category from the primary | ${firstLoad.requests} | ${kb(firstLoad.bytes)} |`)
  out(`| first load of every category, the primary refusing (GitHub fallback) | ${firstLoadGithub.requests} | ${kb(firstLoadGithub.bytes)} |`)
  out(`| \`text_generation\` downloaded in full | ${fullText.requests} | ${kb(fullText.bytes)} |`)
  out(`| \`text_generation\` revalidated, unchanged: the primary's \`last_updated\` | ${lastUpdated.requests} | ${lastUpdated.bytes} B |`)
  out(`| \`image_generation\` from GitHub revalidated, unchanged, the primary still down: the primary tried, then \`If-None-Match\` → 304 | ${etag.requests} | ${etag.bytes} B |`)
  out(`| 1 000 concurrent readers of \`image_generation\` | ${concurrent.requests} | ${kb(concurrent.bytes)} |`)
  out()

  // 4. Failover and the read path (e2e/bench/failover.ts; about 50 s, most of it the hung primary's timeouts).
  out('## Failover: time to first data')
  out()
  out(renderFailover(await measureFailover(server, (options) => createModelReferenceClient(options))))
  out()
  out('## From `Response` to records')
  out()
  out(renderReadPath(await measureReadPath(server, (options) => createModelReferenceClient(options))))
  out()

  // 5. Memory held per category.
  out('## Memory held per category')
  out()
  const gc = (globalThis as { gc?: () => void }).gc
  out('The heap growth for keeping one category\'s validated records (five copies measured between full garbage collections, divided by five), next to the size of its JSON.')
  out()
  out('| category | records | JSON bytes | heap held |')
  out('|---|---:|---:|---:|')
  const keep: unknown[] = []
  for (const category of JSON_CATEGORIES) {
    const v2 = fixtureText(DERIVED_V2_FILES[category]!)
    // Five copies between two full collections, divided by five: one copy is too small to measure alone.
    gc?.()
    gc?.()
    const before = process.memoryUsage().heapUsed
    const copies = Array.from({ length: 5 }, () => validateRecords(category, JSON.parse(v2)))
    keep.push(copies)
    gc?.()
    gc?.()
    const after = process.memoryUsage().heapUsed
    out(`| ${category} | ${copies[0]!.recordCount} | ${v2.length} | ${gc ? kb((after - before) / 5) : 'n/a (run with --expose-gc)'} |`)
  }
  out()

  // 6. What pickers do per keystroke, and change detection.
  out('## Model pickers: search per keystroke, fingerprints and diffs')
  out()
  out("Search: typing a query one character at a time, each prefix searched with `query(...).search(prefix).limit(20).run(result)` over the validated records (the index built once per copy, before the keystrokes), next to a hand-written case-insensitive substring filter of names (what a picker writes by hand: no ranking, no accents, no typos). Fingerprint: `fingerprintRecords(models)` next to `JSON.stringify(models)`. Diff: `diffModelReferences` of two copies next to comparing each record's `JSON.stringify`.")
  out()
  out('| category | records | keystrokes | search per keystroke | substring filter | ratio | index built once | fingerprint | `JSON.stringify` | ratio | diff of equal copies | stringify per record | ratio |')
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  const typed: Record<string, string> = { image_generation: 'pony diffusion xl', text_generation: 'llama 3 8b instruct' }
  for (const category of ['image_generation', 'text_generation'] as const) {
    const { models } = validateRecords(category, JSON.parse(fixtureText(DERIVED_V2_FILES[category]!)))
    const copy = Object.freeze(models)
    const other = validateRecords(category, JSON.parse(fixtureText(DERIVED_V2_FILES[category]!))).models
    const records = Object.values(copy) as { name: string }[]
    const prefixes = Array.from({ length: typed[category]!.length }, (_, i) => typed[category]!.slice(0, i + 1))
    const picker = createQuery(category, () => copy as never)
    picker.search('warm').run(copy as never)
    const search = compare(
      () => prefixes.map((p) => records.filter((r) => r.name.toLowerCase().includes(p.toLowerCase())).slice(0, 20)),
      () => prefixes.map((p) => picker.search(p).limit(20).run(copy as never)),
      20,
    )
    const build = timePer(() => buildSearchIndex(records), 20)
    const fingerprint = compare(() => JSON.stringify(copy), () => fingerprintRecords(copy as never), 20)
    const diff = compare(
      () => Object.keys(copy).every((name) => JSON.stringify((copy as Record<string, unknown>)[name]) === JSON.stringify((other as Record<string, unknown>)[name])),
      () => diffModelReferences(copy as never, other as never),
      20,
    )
    const perKey = (ms: number): string => `${((ms / prefixes.length) * 1000).toFixed(0)} µs`
    out(`| ${category} | ${records.length} | ${prefixes.length} | ${perKey(search.subject)} | ${perKey(search.baseline)} | ${(search.subject / search.baseline).toFixed(1)}x | ${build.toFixed(1)} ms | ${fingerprint.subject.toFixed(2)} ms | ${fingerprint.baseline.toFixed(2)} ms | ${(fingerprint.subject / fingerprint.baseline).toFixed(2)}x | ${diff.subject.toFixed(2)} ms | ${diff.baseline.toFixed(2)} ms | ${(diff.subject / diff.baseline).toFixed(2)}x |`)
  }
  out()

  // 7. Bundle sizes.
  out('## Bundle sizes')
  out()
  // size-limit exits non-zero when a ceiling is exceeded; its JSON is on stdout either way.
  const sizes = JSON.parse(spawnSync(`${root}node_modules/.bin/size-limit`, ['--json'], { cwd: root, encoding: 'utf8' }).stdout) as { name: string; size: number; sizeLimit?: number }[]
  out('From `size-limit` (esbuild, minified, brotli), as `pnpm size` checks them.')
  out()
  out('| entry | size | ceiling |')
  out('|---|---:|---:|')
  for (const entry of sizes) out(`| ${entry.name} | ${entry.size} B | ${entry.sizeLimit ?? '—'} B |`)
  out()
  const coreDir = `${root}packages/core`
  const firstQuery = "import { createModelReferenceClient } from './src/index.ts'\ncreateModelReferenceClient().getModelReference('image_generation')"
  const upFront = await composition(firstQuery, coreDir)
  const withGithub = await composition(firstQuery, coreDir, { lazyChunks: /convert\/github/ })
  const withProviders = await composition(firstQuery, coreDir, { lazyChunks: /providers\/reader|server-metadata/ })
  out('### What the first query contains, module by module')
  out()
  out("`createModelReferenceClient().getModelReference('image_generation')`, bundled from the core's sources by esbuild (minified, ky and valibot included; the dynamic `import()`s of the GitHub converters, the providers' reader and the server's metadata left out, as a browser loads each only when first used). Brotli applies to the whole bundle, so a module's share of the minified bytes is the best guide to its share of the brotli size.")
  out()
  out(renderComposition(upFront))
  out()
  out(`The GitHub path adds the converters when it first runs: ${withGithub.minified - upFront.minified} minified bytes, ${withGithub.brotli - upFront.brotli} B brotli (the whole bundle with them: ${withGithub.brotli} B). A first read of providers or of the server's categories or metadata adds the providers' reader and the server's metadata: ${withProviders.minified - upFront.minified} minified bytes, ${withProviders.brotli - upFront.brotli} B brotli.`)
  out()
  const managerQuery = "import { ModelReferenceManager } from './src/index.ts'\nnew ModelReferenceManager().getModelReference('image_generation')"
  const wholeCore = ['index', 'query/index', 'popular', 'legacy', 'raw', 'convert/text-names', 'convert/index', 'providers/index', 'availability', 'diff/index', 'compat/index', 'observer'].map((entry) => `export * from './src/${entry}.ts'`).join('\n')
  const [client, manager, whole] = await Promise.all([
    composition(firstQuery, coreDir, { withoutKy: true }),
    composition(managerQuery, coreDir, { withoutKy: true }),
    composition(wholeCore, coreDir, { lazyChunks: true, withoutKy: true }),
  ])
  const [managerWithKy, wholeWithKy] = await Promise.all([composition(managerQuery, coreDir), composition(wholeCore, coreDir, { lazyChunks: true })])
  out('### Without ky')
  out()
  out("The same bundles with ky replaced by the plain `fetch` call it amounts to here (`new Request(url, { signal, headers })`: the SDK turns off ky's retries and timeout and computes its own), bundled from the sources as above:")
  out()
  out('| bundle | with ky | with a plain `fetch` |')
  out('|---|---:|---:|')
  out(`| first query, \`createModelReferenceClient\` | ${upFront.brotli} B | ${client.brotli} B |`)
  out(`| first query, \`ModelReferenceManager\` | ${managerWithKy.brotli} B | ${manager.brotli} B |`)
  out(`| the whole core | ${wholeWithKy.brotli} B | ${whole.brotli} B |`)
  out()

  writeFileSync(`${root}BENCHMARKS.md`, `${lines.join('\n')}\n`)
  console.log(lines.join('\n'))
})
