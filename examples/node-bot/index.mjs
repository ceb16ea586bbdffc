// @ts-check
// A Node bot's model reference, kept in a folder (unstorage's fs driver), so that a restart
// within the TTL reads it from disk instead of upstream. `pnpm start` from this folder.
// HORDE_MODEL_REFERENCE_PRIMARY_URL / _GITHUB_URL point it at a mirror; HORDE_MODEL_REFERENCE_CACHE_DIR
// is the folder (default .cache/horde-model-reference).
import { createModelReferenceClient } from '@horde-model-reference/core'
import { createUnstorageStorage } from '@horde-model-reference/storage-unstorage'
import { createStorage } from 'unstorage'
import fsDriver from 'unstorage/drivers/fs'

const primaryUrl = process.env.HORDE_MODEL_REFERENCE_PRIMARY_URL
const githubUrl = process.env.HORDE_MODEL_REFERENCE_GITHUB_URL
const base = process.env.HORDE_MODEL_REFERENCE_CACHE_DIR ?? '.cache/horde-model-reference'

/** @type {Promise<unknown>[]} */
const background = []
const client = createModelReferenceClient({
  ...(primaryUrl ? { primaryUrl } : {}),
  ...(githubUrl ? { githubUrl } : {}),
  storage: createUnstorageStorage(createStorage({ driver: fsDriver({ base }) })),
  // The copy is written to disk in the background: wait for it before the process ends.
  waitUntil: (promise) => background.push(promise),
})

const result = await client.getModelReferenceResult('image_generation')
console.log(`image_generation: ${Object.keys(result.models).length} models from ${result.source}${result.stale ? ' (stale)' : ''}`)
await Promise.all(background)
