// The local npm registry of the publish round trip, in a process of its own: verdaccio (the
// workspace's devDependency) started through its programmatic API with the configuration file
// given as the first argument, listening on 127.0.0.1 on a port the system picks. It prints one
// line, {"port":N}, once it listens, and ends on SIGTERM.
import { createRequire } from 'node:module'

const [configPath] = process.argv.slice(2)
if (configPath === undefined) {
  console.error('usage: node registry-child.mjs <config.yaml>')
  process.exit(2)
}
const require = createRequire(import.meta.url)
const { runServer } = require('verdaccio')

const server = await runServer(configPath)
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`)
})
const stop = () => {
  server.close(() => process.exit(0))
  server.closeAllConnections()
  setTimeout(() => process.exit(0), 1_000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
