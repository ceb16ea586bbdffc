// Where the API reference lives and which markdown files the docs check reads.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { listFiles } from './docs-lib.mjs'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const config = join(root, 'typedoc.json')
export const API_DIR = 'docs/api'
export const README = 'README.md'

/** README.md, ARCHITECTURE.md, every package's and example's README, and the generated reference. */
export function markdownFiles() {
  const files = [README, 'ARCHITECTURE.md']
  for (const parent of ['packages', 'examples']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(root, parent, entry.name, 'README.md'))) files.push(`${parent}/${entry.name}/README.md`)
    }
  }
  files.push(...listFiles(join(root, API_DIR)).filter((file) => file.endsWith('.md')).map((file) => `${API_DIR}/${file}`))
  return files
}
