// @ts-check
// The tutorial's first query. Run it with `pnpm start` from the repository root.
// HORDE_MODEL_REFERENCE_PRIMARY_URL and HORDE_MODEL_REFERENCE_GITHUB_URL point it at a mirror;
// the core itself never reads the environment (it runs in browsers and Workers too).
import { ModelReferenceManager, MODEL_REFERENCE_CATEGORY, PrefetchStrategy, isHordeModelReferenceError } from '@horde-model-reference/core'

const primaryUrl = process.env.HORDE_MODEL_REFERENCE_PRIMARY_URL
const githubUrl = process.env.HORDE_MODEL_REFERENCE_GITHUB_URL

try {
  const manager = new ModelReferenceManager({
    prefetchStrategy: PrefetchStrategy.LAZY,
    ...(primaryUrl ? { primaryUrl } : {}),
    ...(githubUrl ? { githubUrl } : {}),
  })
  const imageModels = await manager.getModelReference(MODEL_REFERENCE_CATEGORY.image_generation)
  console.log(`Found ${Object.keys(imageModels).length} image generation models`)
  for (const [name, model] of Object.entries(imageModels).slice(0, 5)) console.log(`  ${name}: ${model.baseline}`)
} catch (error) {
  if (!isHordeModelReferenceError(error) && !(error instanceof TypeError)) throw error
  console.error(`Could not read the model reference.\n${error.message}`)
  console.error('To use a mirror, set HORDE_MODEL_REFERENCE_PRIMARY_URL and/or HORDE_MODEL_REFERENCE_GITHUB_URL.')
  process.exitCode = 1
}
