// Preloaded (`node --import`) by the README examples test: the examples are run exactly as a
// user would write them, with the default URLs, and this sends those hosts to the loopback
// reference server instead of the internet. Nothing else about a request changes.
/** @type {readonly (readonly [string, string | undefined])[]} */
const targets = [
  ['https://models.aihorde.net/api', process.env.README_PRIMARY_URL],
  ['https://raw.githubusercontent.com', process.env.README_GITHUB_URL],
  ['https://aihorde.net/api', process.env.README_HORDE_API_URL],
]

const realFetch = globalThis.fetch

/** @param {string} url */
function redirect(url) {
  for (const [from, to] of targets) if (to !== undefined && (url === from || url.startsWith(`${from}/`) || url.startsWith(`${from}?`))) return to + url.slice(from.length)
  throw new Error(`A README example asked for ${url}, which the test does not redirect to the loopback server.`)
}

/** @type {typeof fetch} */
const redirected = (input, init) => {
  if (input instanceof Request) return realFetch(new Request(redirect(input.url), input), init)
  return realFetch(redirect(String(input instanceof URL ? input.href : input)), init)
}
globalThis.fetch = redirected
