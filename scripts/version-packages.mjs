// `pnpm version-packages`: `changeset version`, with one correction. Changesets bumps a package
// to the next major whenever a package it has as a peer gets a minor, but in 0.x a minor is
// already the breaking bump, and the adapters and the hooks take the core as a peer. So, while
// changesets runs, each `workspace:` peer on a workspace package is shown to it as a dependency
// (still bumped, a patch at least, when the core moves); the manifests are restored afterwards,
// with the versions changesets wrote.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publishablePackages } from './check-packages.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const dirs = publishablePackages()
const names = new Set(dirs.map((dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).name))
const originals = new Map()
for (const dir of dirs) {
  const file = join(root, dir, 'package.json')
  const text = readFileSync(file, 'utf8')
  const pkg = JSON.parse(text)
  const peers = Object.entries(pkg.peerDependencies ?? {}).filter(([name, range]) => names.has(name) && range.startsWith('workspace:'))
  if (peers.length === 0) continue
  originals.set(file, pkg)
  const shown = structuredClone(pkg)
  for (const [name, range] of peers) {
    delete shown.peerDependencies[name]
    delete shown.devDependencies?.[name]
    shown.dependencies = { ...shown.dependencies, [name]: range }
  }
  writeFileSync(file, JSON.stringify(shown, null, 2) + '\n')
}
try {
  execFileSync(join(root, 'node_modules/.bin/changeset'), ['version'], { cwd: root, stdio: 'inherit' })
} finally {
  for (const [file, pkg] of originals) {
    const versioned = JSON.parse(readFileSync(file, 'utf8'))
    writeFileSync(file, JSON.stringify({ ...pkg, version: versioned.version }, null, 2) + '\n')
  }
}
