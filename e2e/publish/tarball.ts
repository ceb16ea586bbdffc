import { createHash } from 'node:crypto'
import { lstatSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'

// npm's tarball format, written here rather than by `npm pack` (one process per package would
// cost seconds): a gzipped ustar archive whose entries are under `package/`, with the files as
// installed. pnpm extracts a tarball unchanged into node_modules/.pnpm, so packing an installed
// folder gives back the published files.

/** A file to put in a tarball: its path inside `package/`, its bytes and whether it is executable. */
export interface TarEntry {
  readonly path: string
  readonly bytes: Buffer
  readonly executable?: boolean
}

/** The registry's checksums of a tarball: `shasum` (SHA-1, hex) and `integrity` (SRI, SHA-512). */
export function tarballChecksums(tarball: Buffer): { shasum: string; integrity: string } {
  return {
    shasum: createHash('sha1').update(tarball).digest('hex'),
    integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
  }
}

/** Splits a path for the ustar header: `name` (up to 100 bytes) and `prefix` (up to 155), or a pax path when neither fits. */
function splitPath(path: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' }
  for (let index = path.indexOf('/'); index !== -1; index = path.indexOf('/', index + 1)) {
    const prefix = path.slice(0, index)
    const name = path.slice(index + 1)
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix }
  }
  return undefined
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`
}

function header(name: string, prefix: string, size: number, mode: number, type: '0' | 'x'): Buffer {
  const block = Buffer.alloc(512)
  block.write(name, 0, 100, 'utf8')
  block.write(octal(mode, 8), 100, 'ascii')
  block.write(octal(0, 8), 108, 'ascii')
  block.write(octal(0, 8), 116, 'ascii')
  block.write(octal(size, 12), 124, 'ascii')
  // npm writes a fixed date (1985-10-26) so that a tarball depends on its files only.
  block.write(octal(499162500, 12), 136, 'ascii')
  block.write('        ', 148, 'ascii')
  block.write(type, 156, 'ascii')
  block.write('ustar\0', 257, 'ascii')
  block.write('00', 263, 'ascii')
  block.write(prefix, 345, 155, 'utf8')
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  return block
}

const pad = (size: number): Buffer => Buffer.alloc((512 - (size % 512)) % 512)

/** A gzipped ustar archive of `entries`, each under `package/`, in the order given. */
export function createTarball(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const entry of entries) {
    if (entry.path === '' || entry.path.startsWith('/') || entry.path.split('/').includes('..')) throw new Error(`A tarball entry needs a relative path inside the package, not ${JSON.stringify(entry.path)}`)
    const path = `package/${entry.path}`
    const mode = entry.executable === true ? 0o755 : 0o644
    let split = splitPath(path)
    if (split === undefined) {
      // A pax extended header carries the long path ("<length> path=<path>\n", the length counting itself).
      const body = ` path=${path}\n`
      let length = Buffer.byteLength(body) + 1
      while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body)
      const record = Buffer.from(`${length}${body}`)
      parts.push(header('PaxHeader', '', record.length, 0o644, 'x'), record, pad(record.length))
      split = { name: path.slice(-100).replace(/^[^/]*\//, ''), prefix: '' }
    }
    parts.push(header(split.name, split.prefix, entry.bytes.length, mode, '0'), entry.bytes, pad(entry.bytes.length))
  }
  parts.push(Buffer.alloc(1024))
  return gzipSync(Buffer.concat(parts), { level: 6 })
}

/** The files of a gzipped tarball (regular files only; a pax path overrides the header's). */
export function readTarball(tarball: Buffer): TarEntry[] {
  const tar = gunzipSync(tarball)
  const entries: TarEntry[] = []
  let paxPath: string | undefined
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const block = tar.subarray(offset, offset + 512)
    if (block.every((byte) => byte === 0)) break
    const text = (start: number, length: number): string => block.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '')
    const size = Number.parseInt(text(124, 12).trim(), 8)
    const type = text(156, 1)
    const mode = Number.parseInt(text(100, 8).trim(), 8)
    const prefix = text(345, 155)
    const bytes = tar.subarray(offset + 512, offset + 512 + size)
    offset += 512 + size + ((512 - (size % 512)) % 512)
    if (type === 'x') {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(bytes.toString('utf8'))?.[1]
      continue
    }
    if (type !== '0' && type !== '') continue
    const path = paxPath ?? (prefix === '' ? text(0, 100) : `${prefix}/${text(0, 100)}`)
    paxPath = undefined
    entries.push({ path: path.replace(/^package\//, ''), bytes: Buffer.from(bytes), executable: (mode & 0o111) !== 0 })
  }
  return entries
}

/**
 * Every file of an installed package folder, sorted by path (package.json first, as npm does),
 * without nested node_modules. A symbolic link fails: npm tarballs hold regular files only.
 */
export function packageFiles(dir: string): TarEntry[] {
  const entries: TarEntry[] = []
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full)
        continue
      }
      const stat = lstatSync(full)
      if (!stat.isFile()) throw new Error(`${full} is not a regular file: a package tarball holds regular files only`)
      entries.push({ path: relative(dir, full).split(sep).join('/'), bytes: readFileSync(full), executable: (stat.mode & 0o111) !== 0 })
    }
  }
  walk(dir)
  return entries.sort((a, b) => (a.path === 'package.json' ? -1 : b.path === 'package.json' ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}
