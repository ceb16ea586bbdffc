import { randomBytes } from 'node:crypto'
import type { Stats } from 'node:fs'
import { chmod, lstat, open, readlink, rename, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { CliError, EXIT, usageError } from './exit-codes.js'

/** The largest file the CLI reads (the biggest real reference file is about 1 MB). @default 64 MiB */
export const MAX_FILE_BYTES = 64 * 1024 * 1024

// Reads go in chunks of this size (and never past the limit plus one byte).
const READ_CHUNK_BYTES = 1024 * 1024

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  switch (code) {
    case 'ENOENT':
      return 'no such file'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'it is a folder, not a file'
    case 'ENOTDIR':
      return 'a part of the path is not a folder'
    case 'ELOOP':
      return 'too many levels of symbolic links'
    default:
      return error instanceof Error ? error.message : String(error)
  }
}

function tooBig(path: string, size: number | undefined): CliError {
  const limit = `the ${MAX_FILE_BYTES / 1024 / 1024} MiB (${MAX_FILE_BYTES}-byte) limit`
  const what = size === undefined ? `it goes on past ${limit}` : `${size} bytes, over ${limit}`
  return new CliError(EXIT.dataProblem, `${path} is too big to be a model reference file: ${what}; is it the right file?`)
}

/**
 * The text of a file (UTF-8, a BOM removed), or an I/O error (exit 5) saying why it cannot be read.
 * At most {@link MAX_FILE_BYTES} are read: a regular file over the limit is refused from its size
 * before any byte is read, and anything else (a character device such as `/dev/zero`, a FIFO, a
 * file still growing) is read in chunks and refused as soon as it passes the limit, so an endless
 * input never fills the memory.
 */
export async function readTextFile(path: string, cwd: string): Promise<string> {
  if (path.trim() === '') throw usageError('A file name is empty; give the path of a file.')
  let handle: FileHandle
  try {
    handle = await open(resolve(cwd, path), 'r')
  } catch (error) {
    throw new CliError(EXIT.io, `Cannot read ${path}: ${describe(error)}.`)
  }
  try {
    const info = await handle.stat()
    if (info.isDirectory()) throw new CliError(EXIT.io, `Cannot read ${path}: ${describe({ code: 'EISDIR' })}.`)
    if (info.isFile() && info.size > MAX_FILE_BYTES) throw tooBig(path, info.size)
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      // One byte more than the limit tells a file at the limit from one past it.
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, MAX_FILE_BYTES + 1 - total))
      let bytesRead: number
      try {
        ;({ bytesRead } = await handle.read(chunk, 0, chunk.length, null))
      } catch (error) {
        throw new CliError(EXIT.io, `Cannot read ${path}: ${describe(error)}.`)
      }
      if (bytesRead === 0) break
      chunks.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead))
      total += bytesRead
      if (total > MAX_FILE_BYTES) throw tooBig(path, undefined)
    }
    return Buffer.concat(chunks, total).toString('utf8').replace(/^\uFEFF/, '')
  } finally {
    await handle.close().catch(() => undefined)
  }
}

/** The path a write lands on: `path` with its symbolic links followed (a dangling link, to where it points), so the link itself stays. */
async function followLinks(path: string): Promise<string> {
  let current = path
  // As the kernel does, give up after 40 links (a loop).
  for (let hops = 0; hops < 40; hops++) {
    let info
    try {
      info = await lstat(current)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return current
      throw error
    }
    if (!info.isSymbolicLink()) return current
    current = resolve(dirname(current), await readlink(current))
  }
  throw Object.assign(new Error('too many levels of symbolic links'), { code: 'ELOOP' })
}

/**
 * Writes `text` to `path`. A regular file (new or existing) is written through a temporary file
 * beside it and a rename, so a reader never sees half a file and an interrupted run leaves the
 * old file whole; the file keeps its mode, and a symbolic link is followed (the file it points
 * to is replaced, the link stays). Anything else that exists (a character device such as
 * `/dev/stdout`, a FIFO, a socket), and any path under `/dev` or `/proc`, is written directly,
 * never renamed over; the process's own stdout (`/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`)
 * through `stdout`, when given, so what the command prints after it follows it.
 */
export async function writeTextFile(path: string, text: string, cwd: string, stdout?: (text: string) => void): Promise<void> {
  const given = resolve(cwd, path)
  // The process's own stdout, by one of its names: through the stream, so the output stays in order.
  if (stdout !== undefined && /^\/(dev\/stdout|dev\/fd\/1|proc\/self\/fd\/1)$/.test(given)) {
    stdout(text)
    return
  }
  const fail = (error: unknown): CliError => new CliError(EXIT.io, `Cannot write ${path}: ${describe(error)}.`)
  let existing: Stats | undefined
  try {
    existing = await stat(given)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fail(error)
  }
  if (existing?.isDirectory() === true) throw fail({ code: 'EISDIR' })
  if ((existing !== undefined && !existing.isFile()) || /^\/(dev|proc)\//.test(given)) {
    try {
      await writeFile(given, text)
    } catch (error) {
      throw fail(error)
    }
    return
  }
  let target: string
  try {
    target = await followLinks(given)
  } catch (error) {
    throw fail(error)
  }
  // An unpredictable name, created exclusively: a file or link planted at it is never followed.
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  let created = false
  try {
    await writeFile(temporary, text, { flag: 'wx', mode: existing === undefined ? 0o666 : existing.mode & 0o7777 })
    created = true
    // The mode given at creation is cut by the umask: set the old file's mode exactly.
    if (existing !== undefined) await chmod(temporary, existing.mode & 0o7777)
    await rename(temporary, target)
  } catch (error) {
    if (created) await unlink(temporary).catch(() => undefined)
    throw fail(error)
  }
}
