import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createTarball, packageFiles, tarballChecksums } from './tarball.js'

// The third-party packages a fresh install needs, served by the local registry (it has no
// uplinks): found by walking the dependencies of what the workspace has installed, from the
// installed package.json files, so the set follows the lockfile with no list to keep.

/** An installed package: its name, version and real folder (in node_modules/.pnpm). */
export interface InstalledPackage {
  readonly name: string
  readonly version: string
  readonly dir: string
}

interface Manifest {
  name: string
  version: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  bundleDependencies?: unknown
  bundledDependencies?: unknown
  [field: string]: unknown
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest

/**
 * Where `name` resolves from `from`, as Node looks it up (each parent's node_modules), or
 * undefined. pnpm's symlinks are followed, so a package's own dependencies resolve from its
 * real folder, where pnpm links exactly the versions it chose for it.
 */
export function resolveInstalled(name: string, from: string): InstalledPackage | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) {
      const real = realpathSync(candidate)
      const manifest = readManifest(real)
      if (manifest.name !== name) throw new Error(`${candidate} holds ${manifest.name}, not ${name}`)
      return { name, version: manifest.version, dir: real }
    }
    if (dirname(dir) === dir) return undefined
  }
}

/** The dependencies npm installs with a package: dependencies, optional ones, and peers not marked optional. */
export function installedDependencies(manifest: Manifest): { name: string; optional: boolean }[] {
  const found = new Map<string, boolean>()
  for (const name of Object.keys(manifest.dependencies ?? {})) found.set(name, false)
  for (const name of Object.keys(manifest.optionalDependencies ?? {})) found.set(name, true)
  for (const name of Object.keys(manifest.peerDependencies ?? {})) {
    if (manifest.peerDependenciesMeta?.[name]?.optional !== true && !found.has(name)) found.set(name, false)
  }
  return [...found].map(([name, optional]) => ({ name, optional }))
}

/** The result of a walk: the packages to serve, and the optional ones not installed here (another platform's binaries). */
export interface DependencyWalk {
  readonly packages: InstalledPackage[]
  readonly missingOptional: string[]
}

/**
 * Every package reachable from `roots` (each a name resolved from a folder), with its installed
 * dependencies, by name and version; `skip(name)` leaves a package and what only it needs out
 * (the workspace's own packages, which the registry gets by `pnpm publish`). A required
 * dependency that is not installed is an error naming who needs it.
 */
export function walkDependencies(roots: readonly { name: string; from: string }[], skip: (name: string) => boolean = () => false): DependencyWalk {
  const seen = new Map<string, InstalledPackage>()
  const missingOptional = new Set<string>()
  const queue: { name: string; from: string; optional: boolean; neededBy: string }[] = roots.map((root) => ({ ...root, optional: false, neededBy: root.from }))
  while (queue.length > 0) {
    const { name, from, optional, neededBy } = queue.shift()!
    const installed = resolveInstalled(name, from)
    if (installed === undefined) {
      if (optional) {
        missingOptional.add(name)
        continue
      }
      throw new Error(`${name} (needed by ${neededBy}) is not installed: run pnpm install`)
    }
    const key = `${installed.name}@${installed.version}`
    if (seen.has(key)) continue
    const manifest = readManifest(installed.dir)
    // Workspace packages are walked through (their dependencies are needed) but not served from here.
    if (!skip(name)) seen.set(key, installed)
    else seen.set(key, { ...installed, dir: '' })
    if (manifest.bundleDependencies !== undefined || manifest.bundledDependencies !== undefined) throw new Error(`${key} bundles dependencies, which this mirror does not pack`)
    for (const dependency of installedDependencies(manifest)) queue.push({ ...dependency, from: installed.dir, neededBy: key })
  }
  const packages = [...seen.values()].filter((pkg) => pkg.dir !== '').sort((a, b) => (a.name === b.name ? (a.version < b.version ? -1 : 1) : a.name < b.name ? -1 : 1))
  return { packages, missingOptional: [...missingOptional].sort() }
}

/** The highest of some semver versions (prereleases below their release). */
export function highestVersion(versions: readonly string[]): string {
  const parse = (version: string): [number[], string] => {
    const [core = '', pre = ''] = version.split('+')[0]!.split(/-(.*)/s)
    return [core.split('.').map(Number), pre]
  }
  return [...versions].sort((a, b) => {
    const [x, xp] = parse(a)
    const [y, yp] = parse(b)
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0)
    if (xp === yp) return 0
    if (xp === '') return 1
    if (yp === '') return -1
    return xp < yp ? -1 : 1
  })[versions.length - 1]!
}

/**
 * Writes `packages` into a verdaccio storage folder as if they had been published there: per
 * name, `package.json` (the packument: every version's manifest with its `dist`) and each
 * version's tarball, packed from its installed folder. Returns the number of tarballs written.
 * Verdaccio rewrites `dist.tarball` to its own address when it serves the packument.
 */
export function writeVerdaccioStorage(storage: string, packages: readonly InstalledPackage[], now = new Date()): number {
  const byName = new Map<string, InstalledPackage[]>()
  for (const pkg of packages) byName.set(pkg.name, [...(byName.get(pkg.name) ?? []), pkg])
  const time = now.toISOString()
  for (const [name, versions] of byName) {
    const folder = join(storage, name)
    mkdirSync(folder, { recursive: true })
    const basename = name.includes('/') ? name.split('/')[1]! : name
    const packument: Record<string, unknown> & { versions: Record<string, unknown>; time: Record<string, string>; _attachments: Record<string, unknown> } = {
      name,
      versions: {},
      'dist-tags': { latest: highestVersion(versions.map((v) => v.version)) },
      time: { created: time, modified: time },
      _uplinks: {},
      _distfiles: {},
      _attachments: {},
      _rev: '1-0000000000000000',
    }
    for (const { version, dir } of versions) {
      const file = `${basename}-${version}.tgz`
      const tarball = createTarball(packageFiles(dir))
      const { shasum, integrity } = tarballChecksums(tarball)
      writeFileSync(join(folder, file), tarball)
      packument.versions[version] = { ...readManifest(dir), _id: `${name}@${version}`, dist: { shasum, integrity, tarball: `http://127.0.0.1/${name}/-/${file}` } }
      packument.time[version] = time
      packument._attachments[file] = { shasum, version }
    }
    writeFileSync(join(folder, 'package.json'), JSON.stringify(packument, null, 2))
  }
  return packages.length
}
