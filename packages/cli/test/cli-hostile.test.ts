import { describe, expect, it } from 'vitest'
import { BIN, parseJson, runBin, runCommand, useCliServer } from './helpers/run.js'

const hasScript = await runCommand('script', ['--version']).then(
  (run) => run.code === 0,
  () => false,
)

describe('hostile conditions: hung servers, interrupts, closed pipes, terminals', () => {
  const ctx = useCliServer()

  it('a server that never answers: exit 3 within the --timeout, listing each URL tried', async () => {
    ctx.server.primaryDown({ kind: 'hang' })
    ctx.server.githubDown({ kind: 'hang' })
    const run = await runBin(['list', 'image_generation', '--timeout', '1'], { env: ctx.env(), timeoutMs: 8_000 })
    expect(run.code).toBe(3)
    expect(run.ms).toBeLessThan(4_000)
    expect(run.stderr).toContain(ctx.server.primaryUrl)
    expect(run.stderr).toContain('--primary-url')
    expect(run.stdout).toBe('')
    // The CLI's advice, not the core's: flags and variables, never option names.
    expect(run.stderr).toContain('for a mirror give --primary-url or --github-url (or HORDE_MODEL_REFERENCE_PRIMARY_URL, HORDE_MODEL_REFERENCE_GITHUB_URL); for slow sources give more time with --timeout <seconds>')
    expect(run.stderr).not.toMatch(/maxStaleSeconds|primaryUrl|githubUrl|totalTimeoutMs|\boptions?\b/)
  })

  it('a hung AI Horde API, snapshot left-outs and --json errors: the advice names the CLI\'s flags, never the core\'s options', async () => {
    ctx.server.fault(/\/horde\/api\//, { kind: 'hang' })
    const popular = await runBin(['popular', '--timeout', '1', '--json'], { env: ctx.env(), timeoutMs: 8_000 })
    expect(popular.code).toBe(3)
    const message = parseJson<{ error: { message: string } }>(popular).error.message
    expect(message).toContain('for another AI Horde API give --horde-api-url (or HORDE_MODEL_REFERENCE_HORDE_API_URL)')
    expect(message).toContain('--timeout <seconds>')
    expect(message).not.toMatch(/maxStaleSeconds|hordeApiUrl|\boptions?\b/)
    ctx.server.fault(/blip/, { kind: 'status', status: 503 })
    const snapshot = await runBin(['snapshot', '--category', 'blip', '--category', 'clip', '--out', '/dev/null'], { env: ctx.env() })
    expect(snapshot.code).toBe(0)
    expect(snapshot.stderr).toContain('Left out blip: Could not load model reference category "blip"')
    expect(snapshot.stderr).not.toMatch(/maxStaleSeconds|primaryUrl/)
  })

  it('--timeout past a timer\'s range names --timeout and its range in seconds, not totalTimeoutMs', async () => {
    const runs = await Promise.all(['1e9', '2147484', 'Infinity', '0'].map((value) => runBin(['list', 'blip', '--timeout', value], { env: ctx.env() })))
    for (const run of runs) {
      expect(run.code).toBe(2)
      expect(run.stderr).toContain('--timeout takes a number of seconds above 0 and at most 2147483 (about 24 days)')
      expect(run.stderr).not.toContain('totalTimeoutMs')
    }
    const longest = await runBin(['list', 'blip', '--timeout', '2147483', '--json'], { env: ctx.env() })
    expect(longest.code).toBe(0)
  })

  it('a hung primary with a working GitHub: the answer comes from GitHub within seconds', async () => {
    ctx.server.primaryDown({ kind: 'hang' })
    const run = await runBin(['list', 'blip', '--json'], { env: ctx.env(), timeoutMs: 8_000 })
    expect(run.code).toBe(0)
    expect(parseJson<unknown[]>(run)).toHaveLength(2)
    expect(run.ms).toBeLessThan(5_000)
    expect(ctx.server.count('github')).toBe(1)
  })

  it('sources that fail: exit 3, and --json puts the error on stdout as JSON', async () => {
    ctx.server.primaryDown()
    ctx.server.githubDown()
    const run = await runBin(['show', 'image_generation', 'Deliberate', '--json'], { env: ctx.env() })
    expect(run.code).toBe(3)
    expect(parseJson<{ error: { exitCode: number; message: string } }>(run).error).toMatchObject({ exitCode: 3, message: expect.stringContaining('every source failed') })
  })

  it('a hung AI Horde API: popular exits 3 within the --timeout', async () => {
    ctx.server.fault(/\/horde\/api\//, { kind: 'hang' })
    const run = await runBin(['popular', '--timeout', '1'], { env: ctx.env(), timeoutMs: 8_000 })
    expect(run.code).toBe(3)
    expect(run.ms).toBeLessThan(4_000)
  })

  it('SIGINT during a hung read: exit 130 at once, "Interrupted." and no stack trace', async () => {
    ctx.server.primaryDown({ kind: 'hang' })
    ctx.server.githubDown({ kind: 'hang' })
    let sentAt = 0
    const run = await runBin(['categories'], {
      env: ctx.env(),
      onSpawn: (child) => {
        // Wait until the reads are in flight (the server logged them), then interrupt.
        const poll = setInterval(() => {
          if (ctx.server.requests.length > 0) {
            clearInterval(poll)
            sentAt = Date.now()
            child.kill('SIGINT')
          }
        }, 20)
        child.on('close', () => clearInterval(poll))
      },
    })
    expect(run.code).toBe(130)
    expect(Date.now() - sentAt).toBeLessThan(2_500)
    expect(run.stderr).toContain('Interrupted.')
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it('stdout closed early (| head): a quiet exit 0, no EPIPE stack trace', async () => {
    // The whole text category as JSON is far more than a pipe's buffer, so the writes meet the closed pipe.
    const run = await runCommand('bash', ['-c', `"${process.execPath}" "${BIN}" list text_generation --json | head -c 20; echo; echo "status=\${PIPESTATUS[0]}"`], { env: ctx.env() })
    expect(run.stdout.startsWith('[\n  {')).toBe(true)
    expect(run.stdout).toContain('status=0')
    expect(run.stderr).toBe('')
  })

  it.skipIf(!hasScript)('on a terminal: colour on stdout, a progress line on stderr that is cleared, table cut to the width', async () => {
    const command = `stty cols 60 2>/dev/null; "${process.execPath}" "${BIN}" list image_generation --limit 3`
    const run = await runCommand('script', ['-qec', command, '/dev/null'], { env: ctx.env() })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('\rReading image_generation…')
    expect(run.stdout).toContain('\r\u001b[2K')
    expect(run.stdout).toContain('\u001b[1mNAME')
    const lines = run.stdout.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').split(/\r?\n/)
    // What stays on screen of each line: the text after its last carriage return.
    const visible = lines.map((line) => line.split('\r').pop()!)
    expect(visible.some((line) => line.includes('…'))).toBe(true)
    for (const line of visible) expect([...line].length).toBeLessThanOrEqual(60)
    const plain = await runCommand('script', ['-qec', `"${process.execPath}" "${BIN}" list image_generation --limit 3`, '/dev/null'], { env: ctx.env({ NO_COLOR: '1' }) })
    expect(plain.stdout).not.toContain('\u001b[1m')
    // The progress line goes to stderr only: with stdout piped it never reaches stdout.
    const piped = await runBin(['list', 'image_generation', '--limit', '3'], { env: ctx.env() })
    expect(piped.stdout).not.toContain('Reading')
    expect(piped.stderr).not.toContain('Reading')
  })

  it('the process exits promptly after its work: no timer or socket keeps it alive', async () => {
    const run = await runBin(['list', 'blip', '--json'], { env: ctx.env() })
    expect(run.code).toBe(0)
    expect(run.ms).toBeLessThan(2_000)
  })
})
