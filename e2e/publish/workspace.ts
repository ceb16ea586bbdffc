import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { resolveInstalled } from './mirror.js'

// What the publish round trip reads from the workspace: the packages it publishes, the READMEs'
// install lines and code blocks, and where an installed third-party package is.

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

// The same list `pnpm check:packages` gates (scripts/check-packages.mjs decides what is
// publishable). Imported by a computed URL so that the type checker leaves the script to itself.
const CHECK_PACKAGES: string = new URL('../../scripts/check-packages.mjs', import.meta.url).href
const { publishablePackages } = (await import(CHECK_PACKAGES)) as { publishablePackages(): string[] }

/** A publishable workspace package: its folder (relative to the root), name, version and manifest. */
export interface WorkspacePackage {
  readonly dir: string
  readonly name: string
  readonly version: string
  readonly manifest: Record<string, unknown>
}

/** Every workspace package that is not private (the set `pnpm check:packages` gates). */
export function workspacePackages(): WorkspacePackage[] {
  return publishablePackages().map((dir) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Record<string, unknown> & { name: string; version: string }
    return { dir, name: manifest.name, version: manifest.version, manifest }
  })
}

/** The root README and every publishable package's README, as [path relative to the root, text]. */
export function readmes(): [string, string][] {
  const files = ['README.md', ...workspacePackages().map((pkg) => `${pkg.dir}/README.md`)]
  return files.filter((file) => existsSync(join(ROOT, file))).map((file) => [file, readFileSync(join(ROOT, file), 'utf8')])
}

/**
 * The packages the READMEs tell a user to install: every name on an `npm install`, `npm i` or
 * `pnpm add` line of a shell block (global installs and flags left out, versions stripped).
 */
export function readmeInstallNames(texts: readonly string[]): string[] {
  const names = new Set<string>()
  for (const text of texts) {
    for (const block of text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
      for (const line of block[1]!.split('\n')) {
        const command = line.replace(/#.*$/, '').trim()
        const match = /^(?:npm (?:install|i|add)|pnpm add|yarn add)\s+(.*)$/.exec(command)
        if (match === null) continue
        const words = match[1]!.split(/\s+/).filter((word) => word !== '')
        if (words.some((word) => word === '-g' || word === '--global')) continue
        for (const word of words) {
          if (word.startsWith('-') || word === '&&') continue
          names.add(word.replace(/^(@?[^@]+)@.*$/, '$1'))
        }
      }
    }
  }
  return [...names].sort()
}

/** The workspace folder (absolute) a third-party package resolves from: the root, else the first workspace package that has it. */
export function findInstalledFrom(name: string): string {
  for (const dir of ['', ...workspacePackages().map((pkg) => pkg.dir)]) {
    if (resolveInstalled(name, join(ROOT, dir)) !== undefined) return join(ROOT, dir)
  }
  throw new Error(`${name} is not installed in the workspace: run pnpm install`)
}
