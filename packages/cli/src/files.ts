import { readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { CliError, EXIT } from './exit-codes.js'

/** The largest file the CLI reads (the biggest real reference file is about 1 MB). @default 64 MiB */
export const MAX_FILE_BYTES = 64 * 1024 * 1024

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

/** The text of a file (UTF-8, a BOM removed), or an I/O error (exit 5) saying why it cannot be read. */
export async function readTextFile(path: string, cwd: string): Promise<string> {
  let bytes: Buffer
  try {
    bytes = await readFile(resolve(cwd, path))
  } catch (error) {
    throw new CliError(EXIT.io, `Cannot read ${path}: ${describe(error)}.`)
  }
  if (bytes.length > MAX_FILE_BYTES) throw new CliError(EXIT.dataProblem, `${path} is ${bytes.length} bytes, more than any model reference file (${MAX_FILE_BYTES}); is it the right file?`)
  return bytes.toString('utf8').replace(/^\uFEFF/, '')
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
