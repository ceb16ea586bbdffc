// Serves the page and the SDK's <script> bundle on http://127.0.0.1:5173 (PORT overrides),
// with a strict Content-Security-Policy header: no inline script, no eval.
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { dirname, extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: http:; connect-src *; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
/** @type {Record<string, string>} */
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' }

const here = dirname(fileURLToPath(import.meta.url))
const publicDir = join(here, 'public')
const bundleDir = join(dirname(createRequire(import.meta.url).resolve('@horde-model-reference/browser/package.json')), 'dist')

/** Starts the static server; resolves with its origin. */
export function startStaticServer(port = 0, host = '127.0.0.1') {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const name = path === '/' ? 'index.html' : path.slice(1)
    const file = name.startsWith('horde-model-reference.iife.js') ? join(bundleDir, name) : join(publicDir, name)
    if (!file.startsWith(publicDir) && !file.startsWith(bundleDir)) return void res.writeHead(403).end()
    if (!existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' })
    createReadStream(file).pipe(res)
  })
  return new Promise((resolve) => server.listen(port, host, () => resolve({ origin: `http://${host}:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`, close: () => new Promise((r) => server.close(r)) })))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { origin } = await startStaticServer(Number(process.env.PORT ?? 5173))
  console.log(`Open ${origin}/ (add ?primaryUrl=...&githubUrl=... to use a mirror). Ctrl-C stops it.`)
}
