// The browser end-to-end tests drive a real Chromium (no browser download is possible here).
// Uses CHROMIUM_PATH or Debian's /usr/bin/chromium; when neither exists and this runs as root
// with apt-get, installs Debian's package; otherwise says how to get one, and fails.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (existsSync(path)) process.exit(0)
if (process.env.CHROMIUM_PATH) {
  console.error(`CHROMIUM_PATH=${path} does not exist.`)
  process.exit(1)
}
const root = typeof process.getuid === 'function' && process.getuid() === 0
if (root && existsSync('/usr/bin/apt-get')) {
  console.log('Chromium is missing: installing Debian\'s chromium package for the browser tests...')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env })
  process.exit(existsSync(path) ? 0 : 1)
}
console.error('The browser tests need Chromium: install your distribution\'s package (Debian: sudo apt-get install chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary.')
process.exit(1)
