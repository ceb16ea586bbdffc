import { createMemoryStorage } from '../src/index.js'
import { describeStorageContract } from './contract/storage-contract.js'

describeStorageContract('memory', async () => {
  // The in-memory adapter lives in one realm: a "reload" is a new client over the same adapter.
  const storage = createMemoryStorage()
  return { create: () => storage }
})
