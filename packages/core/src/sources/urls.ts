import type { FetchableCategory } from '../categories.js'
import { getCategoryDescriptor, isServerCategory } from '../categories.js'
import type { NormalizedOptions } from '../options.js'

const REPOSITORIES = { image: 'AI-Horde-image-model-reference', text: 'AI-Horde-text-model-reference' } as const
const COMMIT_SHA = /^[0-9a-f]{7,40}$/i

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

/** `{primaryUrl}/model_references/v2/{category}` (`primaryUrl` is not null where this is asked). */
export function primaryUrlFor(category: FetchableCategory, options: NormalizedOptions): string {
  return `${options.primaryUrl!}/model_references/v2/${encodeURIComponent(category)}`
}

/**
 * The GitHub raw URL of a category's legacy file, or `undefined` when it has none:
 * `{githubUrl}/{owner}/{repository}/refs/heads/{branch}/{file}`, or `.../{sha}/{file}` when the
 * branch option is a commit SHA.
 */
export function githubUrlFor(category: FetchableCategory, options: NormalizedOptions): string | undefined {
  if (isServerCategory(category)) return undefined
  const { githubSource, legacyFile } = getCategoryDescriptor(category)
  if (githubSource === null || legacyFile === null) return undefined
  const branch = options.githubBranch
  const ref = COMMIT_SHA.test(branch) || branch.startsWith('refs/') ? branch : `refs/heads/${branch}`
  return `${options.githubUrl}/${encodePath(options.githubOwner)}/${REPOSITORIES[githubSource]}/${encodePath(ref)}/${legacyFile}`
}
