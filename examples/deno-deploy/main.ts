// Deno Deploy entry point. On Deno Deploy, import the SDK from npm instead:
//   import { createModelReferenceClient } from 'npm:@horde-model-reference/core'
import { createModelReferenceClient } from '@horde-model-reference/core'
import { createMirrorHandler } from '@horde-model-reference/example-edge-mirror'
import { createUnstorageStorage } from '@horde-model-reference/storage-unstorage'
import { createStorage } from 'unstorage'
import denoKvDriver from 'unstorage/drivers/deno-kv'

// A snapshot to start from (`client.dehydrate()` written to a file, shipped with the code):
// a cold isolate answers from it at once, and with a last-resort snapshot even when every
// upstream is down. Reading it needs --allow-read for that file.
const snapshotFile = Deno.env.get('SNAPSHOT_FILE')
const initialData = snapshotFile ? JSON.parse(await Deno.readTextFile(snapshotFile)) : undefined

// The copy is kept in Deno KV, so that a cold start (a new isolate, a restarted process) answers
// from it with no upstream request while it is fresh. On Deno Deploy, Deno.openKv() needs no
// path; locally, DENO_KV_PATH names the database file (and Deno needs --unstable-kv).
const kvPath = Deno.env.get('DENO_KV_PATH')
const storage = createUnstorageStorage(createStorage({ driver: denoKvDriver(kvPath ? { path: kvPath } : {}) }))

// One client per isolate: a warm isolate answers from memory, a cold one from Deno KV, and a
// stale copy is served at once while it is refreshed.
const client = createModelReferenceClient({
  storage,
  ...(initialData !== undefined ? { initialData } : {}),
  ...(Deno.env.get('PRIMARY_URL') ? { primaryUrl: Deno.env.get('PRIMARY_URL')! } : {}),
  ...(Deno.env.get('GITHUB_URL') ? { githubUrl: Deno.env.get('GITHUB_URL')! } : {}),
  ttlSeconds: Number(Deno.env.get('TTL_SECONDS') ?? 300),
  staleWhileRevalidate: true,
})

Deno.serve(
  { hostname: Deno.env.get('HOST') ?? '127.0.0.1', port: Number(Deno.env.get('PORT') ?? 8000) },
  createMirrorHandler(() => client),
)
