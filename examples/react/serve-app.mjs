// Serves the built demo app (dist-app/) on http://127.0.0.1:5174 (PORT overrides), under a strict
// CSP; the publish round trip serves its own built app with it too.
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('./dist-app', import.meta.url))
/** @type {Record<string, string>} */
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' }
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src *; base-uri 'none'"

/** Starts the static server for `dir` (the built demo app by default); resolves with its origin. */
export function startAppServer(port = 0, host = '127.0.0.1', dir = root) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(dir, path === '/' ? 'index.html' : path.slice(1))
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end('not found')
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP, 'cache-control': 'no-cache' })
    createReadStream(file).pipe(res)
  })
  return new Promise((resolve) => server.listen(port, host, () => resolve({ origin: `http://${host}:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`, close: () => new Promise((r) => server.close(r)) })))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { origin } = await startAppServer(Number(process.env.PORT ?? 5174))
  console.log(`Open ${origin}/ (add ?primaryUrl=...&githubUrl=... to use a mirror). Ctrl-C stops it.`)
}
