import type { FlagSpec } from './spec.js'

/** Flags every command takes. */
export const GLOBAL_FLAGS: Readonly<Record<string, FlagSpec>> = {
  json: { type: 'boolean', description: 'Print stable JSON on stdout instead of a table (errors too, as {"error": ...}).' },
  help: { type: 'boolean', short: 'h', description: 'Show this help.' },
  'no-color': { type: 'boolean', description: 'Never colour the output (as NO_COLOR does).' },
  'primary-url': { type: 'string', valueName: '<url>', description: 'The PRIMARY API (env HORDE_MODEL_REFERENCE_PRIMARY_URL). Default https://models.aihorde.net/api.' },
  'github-url': { type: 'string', valueName: '<url>', description: 'The GitHub raw host or a mirror (env HORDE_MODEL_REFERENCE_GITHUB_URL). Default https://raw.githubusercontent.com.' },
  'horde-api-url': { type: 'string', valueName: '<url>', description: 'The AI Horde API (env HORDE_MODEL_REFERENCE_HORDE_API_URL). Default https://aihorde.net/api.' },
  'no-github': { type: 'boolean', description: 'Never fall back to GitHub: read the PRIMARY only.' },
  timeout: { type: 'string', valueName: '<seconds>', description: 'Give up reading after this many seconds in all (default 30).' },
}
