import type { SourcesUnavailableError } from '@horde-model-reference/core'
import { DEFAULT_TIMEOUT_SECONDS, ENV } from './client.js'

/**
 * A core `SourcesUnavailableError`'s message in the CLI's words: the core's closing advice
 * (about its `primaryUrl`/`githubUrl`/`hordeApiUrl` options and `maxStaleSeconds`, which a CLI
 * user never sees) is replaced by the CLI's own (the flags, the environment variables,
 * `--timeout`), and option names inside it by the flag. Without `advice`, the message alone.
 */
export function sourcesUnavailableMessage(error: SourcesUnavailableError, advice = true): string {
  let message = error.message
  const cut = message.lastIndexOf('Check the network and the ')
  if (cut !== -1) message = message.slice(0, cut)
  message = message.replace(/ \(totalTimeoutMs\)/g, ' (--timeout)').trimEnd()
  if (!advice) return message
  const horde = error.attempts.length > 0 && error.attempts.every((attempt) => attempt.source === 'horde-api')
  const where = horde ? `for another AI Horde API give --horde-api-url (or ${ENV.hordeApiUrl})` : `for a mirror give --primary-url or --github-url (or ${ENV.primaryUrl}, ${ENV.githubUrl})`
  return `${message}\nCheck the network, or retry later; ${where}; for slow sources give more time with --timeout <seconds> (default ${DEFAULT_TIMEOUT_SECONDS}).`
}
