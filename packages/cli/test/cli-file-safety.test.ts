import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FIXTURES_DIR } from '../../../e2e/fixtures.js'
import { BIN, parseJson, runBin, runCommand } from './helpers/run.js'

const dir = mkdtempSync(join(tmpdir(), 'hmr-cli-safety-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const LIMIT = 64 * 1024 * 1024

interface FileError {
  issues: { severity: string; message: string }[]
}

describe('reading files: the 64 MiB limit holds for endless and oversized inputs', () => {
  it('/dev/zero is refused once the limit is passed, promptly and without filling the memory (validate, convert, diff)', async () => {
    const runs = await Promise.all([
      runBin(['validate', '/dev/zero', '--category', 'blip', '--json'], { timeoutMs: 8_000 }),
      runBin(['convert', '/dev/zero', '--category', 'blip'], { timeoutMs: 8_000 }),
      runBin(['diff', '/dev/zero', join(FIXTURES_DIR, 'legacy/blip.json')], { timeoutMs: 8_000 }),
    ])
    for (const run of runs) {
      expect(run.code).toBe(1)
      expect(run.ms).toBeLessThan(6_000)
    }
    expect(parseJson<FileError>(runs[0]!).issues).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('/dev/zero is too big to be a model reference file: it goes on past the 64 MiB (67108864-byte) limit') })])
    expect(runs[1]!.stderr).toContain('/dev/zero is too big')
    expect(runs[1]!.stdout).toBe('')
    expect(runs[2]!.stderr).toContain('/dev/zero is too big')
  })

  it('a regular file one byte over the limit is refused from its size; one at the limit is read', async () => {
    const over = join(dir, 'over-blip.json')
    writeFileSync(over, '')
    truncateSync(over, LIMIT + 1)
    const run = await runBin(['validate', over, '--category', 'blip', '--json'])
    expect(run.code).toBe(1)
    expect(run.ms).toBeLessThan(3_000)
    expect(parseJson<FileError>(run).issues[0]!.message).toContain(`${over} is too big to be a model reference file: ${LIMIT + 1} bytes, over the 64 MiB (67108864-byte) limit`)
    // At the limit exactly: read in full, then found to be no JSON (zero bytes), not too big.
    const at = join(dir, 'at-blip.json')
    writeFileSync(at, '')
    truncateSync(at, LIMIT)
    const atRun = await runBin(['validate', at, '--category', 'blip', '--json'], { timeoutMs: 15_000 })
    expect(atRun.code).toBe(1)
    expect(parseJson<FileError>(atRun).issues[0]!.message).not.toContain('too big')
  })

  it('a FIFO that never ends is refused at the limit; a pipe with a real file in it is read', async () => {
    const fifo = join(dir, 'endless.json')
    execFileSync('mkfifo', [fifo])
    // `yes` writes forever; it dies of SIGPIPE once the CLI stops reading.
    const endless = await runCommand('sh', ['-c', `yes '{"a": 1}' > "${fifo}" & "${process.execPath}" "${BIN}" validate "${fifo}" --category blip; echo "status=$?"`], { timeoutMs: 8_000 })
    expect(endless.stdout).toContain('is too big to be a model reference file: it goes on past')
    expect(endless.stdout).toContain('status=1')
    const piped = await runCommand('bash', ['-c', `"${process.execPath}" "${BIN}" validate <(cat "${join(FIXTURES_DIR, 'legacy/blip.json')}") --category blip; echo "status=$?"`])
    expect(piped.stdout).toMatch(/: valid \(blip, legacy: 2 of 2 records valid\)/)
    expect(piped.stdout).toContain('status=0')
  })

  it('an empty file name is a usage error (exit 2), not "it is a folder"', async () => {
    const [validate, convert, diff] = await Promise.all([runBin(['validate', '', '--category', 'blip']), runBin(['convert', '']), runBin(['diff', join(FIXTURES_DIR, 'legacy/blip.json'), ''])])
    for (const run of [validate, convert, diff]) {
      expect(run.code).toBe(2)
      expect(run.stderr).toContain('A file name is empty')
    }
  })
})
