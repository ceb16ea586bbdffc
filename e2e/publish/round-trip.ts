import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from './child.js'
import { walkDependencies, writeVerdaccioStorage, type DependencyWalk } from './mirror.js'
import { startRegistry, type LocalRegistry } from './registry.js'
import { findInstalledFrom, readmeInstallNames, readmes, ROOT, type WorkspacePackage } from './workspace.js'

// The steps of the publish round trip: mirror the third-party packages, publish the workspace's
// packages with `pnpm publish`, install them all with `npm install` in a folder outside the
// workspace.

/**
 * Packages the fresh project installs besides the READMEs' own install lines, each for a reason:
 * the round trip's Vite app renders with react-dom, and tsc checks the README blocks (which use
 * `process` and JSX) and the app with their types.
 */
export const TOOL_DEPENDENCIES = ['react-dom', '@types/node', '@types/react', '@types/react-dom'] as const

/** The environment for npm, pnpm and Deno: this process's without any npm or pnpm setting (pnpm test sets some), plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!/^(npm_|pnpm_|NPM_CONFIG_|PNPM_|VITEST|NODE_OPTIONS$)/i.test(key)) env[key] = value
  return { ...env, NO_COLOR: '1', NO_UPDATE_NOTIFIER: '1', ...extra }
}

/** The files each package's `exports` names, missing after no `pnpm build`. */
export function missingBuildOutputs(packages: readonly WorkspacePackage[]): string[] {
  const targets = (value: unknown): string[] => (typeof value === 'string' ? [value] : value !== null && typeof value === 'object' ? Object.values(value).flatMap(targets) : [])
  return packages.flatMap((pkg) => targets(pkg.manifest.exports).map((target) => join(pkg.dir, target)).filter((file) => !existsSync(join(ROOT, file))))
}

/** What the fresh project installs: every published package, the READMEs' install lines and the tools' dependencies. */
export function freshDependencies(packages: readonly WorkspacePackage[]): string[] {
  return [...new Set([...packages.map((pkg) => pkg.name), ...readmeInstallNames(readmes().map(([, text]) => text)), ...TOOL_DEPENDENCIES])].sort()
}

/** The third-party packages the fresh install needs, from the workspace's node_modules. */
export function mirrorSet(packages: readonly WorkspacePackage[]): DependencyWalk {
  const ours = new Set(packages.map((pkg) => pkg.name))
  const roots = freshDependencies(packages).map((name) => ({ name, from: ours.has(name) ? ROOT : findInstalledFrom(name) }))
  return walkDependencies(roots, (name) => ours.has(name))
}

/** A registry with the mirror written into its storage before it starts. */
export function startMirrorRegistry(walk: DependencyWalk): Promise<LocalRegistry> {
  return startRegistry({ prepare: (storage) => writeVerdaccioStorage(storage, walk.packages) })
}

/** `pnpm publish` of every publishable package (one recursive run, in dependency order) to the registry. */
export async function publishWorkspace(registry: LocalRegistry, packages: readonly WorkspacePackage[]): Promise<string> {
  const filters = packages.flatMap((pkg) => ['--filter', `./${pkg.dir}`])
  const { stdout, stderr } = await run('pnpm', ['--recursive', ...filters, 'publish', '--registry', registry.url, '--no-git-checks', '--access', 'public'], {
    cwd: ROOT,
    timeoutMs: 90_000,
    env: cleanEnv({ NPM_CONFIG_USERCONFIG: registry.npmrc }),
  })
  return `${stdout}${stderr}`
}

/** A fresh project under the system's temporary folder: a package.json, and `npm install` of `names` from the registry. */
export async function installFresh(registry: LocalRegistry, names: readonly string[]): Promise<string> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hmr-fresh-')))
  try {
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'fresh-install', private: true, type: 'module' }, null, 2)}\n`)
    writeFileSync(join(dir, '.npmrc'), readFileSync(registry.npmrc))
    await run('npm', ['install', '--userconfig', registry.npmrc, '--registry', registry.url, '--no-audit', '--no-fund', '--loglevel', 'warn', ...names], {
      cwd: dir,
      timeoutMs: 120_000,
      env: cleanEnv({ NPM_CONFIG_USERCONFIG: registry.npmrc }),
    })
    return dir
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}
