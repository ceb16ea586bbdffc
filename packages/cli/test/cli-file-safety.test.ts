import { execFileSync } from 'node:child_process'
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
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

describe('writing files (--out, --write): links, modes and special files are respected', () => {
  const blip = join(FIXTURES_DIR, 'legacy/blip.json')

  it('a symbolic link is followed: the file it points to gets the output, the link stays a link', async () => {
    const real = join(dir, 'real-v2.json')
    writeFileSync(real, 'old')
    symlinkSync('real-v2.json', join(dir, 'link-v2.json'))
    const run = await runBin(['convert', blip, '--out', join(dir, 'link-v2.json')])
    expect(run.code).toBe(0)
    expect(lstatSync(join(dir, 'link-v2.json')).isSymbolicLink()).toBe(true)
    expect(readlinkSync(join(dir, 'link-v2.json'))).toBe('real-v2.json')
    expect(JSON.parse(readFileSync(real, 'utf8'))).toHaveProperty('BLIP')
    // A dangling link: the file is created where it points.
    mkdirSync(join(dir, 'elsewhere'))
    symlinkSync('elsewhere/new.json', join(dir, 'dangling.json'))
    expect((await runBin(['convert', blip, '--out', join(dir, 'dangling.json')])).code).toBe(0)
    expect(lstatSync(join(dir, 'dangling.json')).isSymbolicLink()).toBe(true)
    expect(JSON.parse(readFileSync(join(dir, 'elsewhere/new.json'), 'utf8'))).toHaveProperty('BLIP')
    // A loop of links is an I/O error, not a hang.
    symlinkSync('loop-b', join(dir, 'loop-a'))
    symlinkSync('loop-a', join(dir, 'loop-b'))
    const loop = await runBin(['convert', blip, '--out', join(dir, 'loop-a')])
    expect(loop.code).toBe(5)
    expect(loop.stderr).toContain('too many levels of symbolic links')
  })

  it("an existing file keeps its mode (600 stays 600), and no temporary file is left", async () => {
    const out = join(dir, 'private.json')
    writeFileSync(out, 'old')
    chmodSync(out, 0o600)
    const run = await runBin(['validate', blip, '--write', out])
    expect(run.code).toBe(0)
    expect(statSync(out).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveProperty('BLIP')
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('/dev/stdout, /proc/self/fd/1 and a FIFO are written directly, never renamed over', async () => {
    const [stdout, proc] = await Promise.all([runBin(['convert', blip, '--out', '/dev/stdout']), runBin(['convert', blip, '--out', '/proc/self/fd/1', '--json'])])
    for (const run of [stdout, proc]) {
      expect(run.code).toBe(0)
      expect(run.stdout.startsWith('{\n    "BLIP": {')).toBe(true)
    }
    // The summary is a note on stderr, so stdout carries the file and nothing else.
    expect(JSON.parse(stdout.stdout)).toHaveProperty('BLIP')
    expect(stdout.stderr).toContain('Converted 2 blip records to /dev/stdout.')
    // With stdout redirected to a file: the file holds exactly the output.
    const file = join(dir, 'redirected.json')
    const redirected = await runCommand('sh', ['-c', `"${process.execPath}" "${BIN}" convert "${blip}" --out /dev/stdout > "${file}"`])
    expect(redirected.code).toBe(0)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('BLIP')
    const fifo = join(dir, 'out.fifo')
    execFileSync('mkfifo', [fifo])
    const viaFifo = await runCommand('sh', ['-c', `cat "${fifo}" > "${join(dir, 'from-fifo.json')}" & "${process.execPath}" "${BIN}" convert "${blip}" --out "${fifo}"; status=$?; wait; echo "status=$status"`])
    expect(viaFifo.stdout).toContain('status=0')
    expect(lstatSync(fifo).isFIFO()).toBe(true)
    expect(JSON.parse(readFileSync(join(dir, 'from-fifo.json'), 'utf8'))).toHaveProperty('BLIP')
  })

  it("--out '' and --write '' are usage errors (exit 2), not an I/O error about a folder", async () => {
    const [convert, validate, snapshot] = await Promise.all([runBin(['convert', blip, '--out', '']), runBin(['validate', blip, '--write', '']), runBin(['snapshot', '--out='])])
    for (const run of [convert, validate, snapshot]) {
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(/--(out|write) needs a value, not an empty one/)
      expect(run.stderr).not.toContain('folder')
    }
    const folder = await runBin(['convert', blip, '--out', dir])
    expect(folder.code).toBe(5)
    expect(folder.stderr).toContain('it is a folder')
  })
})
