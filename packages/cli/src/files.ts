import { open, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises'
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

/**
 * Writes `text` to `path` through a temporary file beside it and a rename, so a reader never
 * sees half a file and an interrupted run leaves the old file whole.
 */
export async function writeTextFile(path: string, text: string, cwd: string): Promise<void> {
  const target = resolve(cwd, path)
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`)
  try {
    await writeFile(temporary, text)
    await rename(temporary, target)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw new CliError(EXIT.io, `Cannot write ${path}: ${describe(error)}.`)
  }
}
