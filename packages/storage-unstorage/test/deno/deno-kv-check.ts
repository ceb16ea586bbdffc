// Run by the real Deno binary (bundled into one ES module, no npm, no remote imports) over a
// local Deno KV file: `deno run --unstable-kv ... deno-kv-check.js <mode> <db> <in> <out>`.
// `write`: a client reads image_generation from the loopback server and keeps it in Deno KV, then
// the contract checks run. `read`: a second process, over the same file, reads it with no request.
// Prints one line of JSON; the vitest test (deno-kv.test.ts) asserts it.
import { createStorage } from 'unstorage'
import denoKvDriver from 'unstorage/drivers/deno-kv'
import { createModelReferenceClient, type ModelReferenceEvent } from '@horde-model-reference/core'
import { createUnstorageStorage } from '../../src/index.js'

interface DenoLike {
  readonly args: string[]
  readonly env: { get(name: string): string | undefined }
  readTextFile(path: string): Promise<string>
  writeTextFile(path: string, text: string): Promise<void>
}
const deno = (globalThis as unknown as { Deno: DenoLike }).Deno
const [mode, path, input, output] = deno.args as [string, string, string, string]
const keep = { retentionSeconds: 600, metadata: { format: 2, category: 'blip', source: 'primary', fetchedAt: 0 } }

const storage = createStorage({ driver: denoKvDriver({ path }) })
const adapter = createUnstorageStorage(storage)
const clientOptions = { primaryUrl: deno.env.get('PRIMARY_URL')!, githubUrl: deno.env.get('GITHUB_URL')!, storage: adapter }
const results: Record<string, unknown> = { mode }

/** Reads image_generation through a new client and waits until its copy is in storage (the write runs in the background). */
async function readAndPersist() {
  let persisted!: () => void
  const written = new Promise<void>((resolve) => (persisted = resolve))
  const onEvent = (event: ModelReferenceEvent): void => {
    if (event.type === 'persisted' && event.category === 'image_generation') persisted()
  }
  const result = await createModelReferenceClient({ ...clientOptions, onEvent }).getModelReferenceResult('image_generation')
  await written
  return result
}

if (mode === 'write') {
  const first = await readAndPersist()
  results.client = { source: first.source, fetchedAt: first.fetchedAt, count: Object.keys(first.models).length }
  // The envelope the client wrote, as it is stored: long enough to be split into parts.
  const stored = (await adapter.get('horde-model-reference:image_generation')) as { fetchedAt: number; records: object }
  results.stored = { fetchedAt: stored.fetchedAt, count: Object.keys(stored.records).length, length: JSON.stringify(stored).length }
  results.parts = (await storage.getKeys('horde-model-reference:p')).length

  // Round trip of the envelope the test gives (text_generation, about 0.5 MB): written back out for the test to compare.
  const envelope = JSON.parse(await deno.readTextFile(input)) as unknown
  await adapter.set('horde-model-reference:text_generation', envelope, keep)
  await deno.writeTextFile(output, JSON.stringify(await createUnstorageStorage(createStorage({ driver: denoKvDriver({ path }) })).get('horde-model-reference:text_generation')))

  // Without parts, Deno KV refuses the value: the error reaches the caller.
  const unsplit = createUnstorageStorage(storage, { prefix: 'unsplit', maxValueLength: Infinity })
  results.unsplitError = await unsplit.set('k', envelope, keep).then(() => 'none', (error: unknown) => String(error))

  // delete
  await adapter.set('contract:delete', { a: 1 }, keep)
  await adapter.delete('contract:delete')
  await adapter.delete('contract:never-there')
  results.deleted = (await adapter.get('contract:delete')) === undefined

  // Keys unstorage would merge stay apart.
  const hostile = ['a/b', 'a:b', 'a?b', 'A:B', '..', '', '__proto__', 'horde-model-reference:image_generation:provider:' + encodeURIComponent('x/y?z')]
  await Promise.all(hostile.map((key, i) => adapter.set(key, { i }, keep)))
  results.hostileApart = (await Promise.all(hostile.map(async (key, i) => ((await adapter.get(key)) as { i: number } | undefined)?.i === i))).every(Boolean)

  // clear() removes this prefix only: another prefix and a foreign key survive.
  const other = createUnstorageStorage(storage, { prefix: 'other' })
  await other.set('horde-model-reference:blip', { other: true }, keep)
  await storage.setItem('someone-else', 'keep me')
  await adapter.set('contract:clear', { a: 1 }, keep)
  await adapter.clear()
  results.cleared = (await adapter.get('contract:clear')) === undefined && (await adapter.get('a/b')) === undefined && (await storage.getKeys('horde-model-reference')).length === 0
  results.otherPrefixKept = JSON.stringify(await other.get('horde-model-reference:blip')) === '{"other":true}'
  results.foreignKeyKept = (await storage.getItem('someone-else')) === 'keep me'

  // What the second process reads: the client's copy again, and a marker.
  const again = await readAndPersist()
  results.rewritten = { source: again.source, fetchedAt: again.fetchedAt }
  await adapter.set('persist:marker', { written: 'by the first process' }, keep)
} else {
  const second = await createModelReferenceClient(clientOptions).getModelReferenceResult('image_generation')
  results.client = { source: second.source, stale: second.stale, fetchedAt: second.fetchedAt, count: Object.keys(second.models).length }
  results.marker = await adapter.get('persist:marker')
}

await storage.dispose()
console.log(JSON.stringify(results))
