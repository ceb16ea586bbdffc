import { afterEach, describe, expect, it, vi } from 'vitest'
import { runCli, type CliIo } from '../src/index.js'

const sink = (): CliIo['stdout'] => ({ write: () => true }) as unknown as CliIo['stdout']

describe('runCli options', () => {
  it('an unknown key of io is a TypeError naming the closest option', async () => {
    await expect(runCli(['--version'], { stdout: sink(), stderr: sink(), sigal: undefined } as never)).rejects.toThrow(
      new TypeError('Unknown option "sigal" for runCli: did you mean "signal"? Known options: stdout, stderr, env, cwd, signal.'),
    )
  })

  it('io is required, with stdout and stderr that can be written; argv is a list of strings', async () => {
    const needsIo = new TypeError('runCli(argv, io) needs io: { stdout, stderr } (process.stdout and process.stderr, or anything with write(text)).')
    await expect(runCli(['--version'], null as never)).rejects.toThrow(needsIo)
    await expect((runCli as unknown as (argv: string[]) => Promise<number>)(['--version'])).rejects.toThrow(needsIo)
    await expect(runCli(['--version'], { stderr: sink() } as never)).rejects.toThrow(new TypeError('runCli(argv, io) needs io.stdout with a write(text) method.'))
    await expect(runCli(['--version'], { stdout: sink(), stderr: {} } as never)).rejects.toThrow(new TypeError('runCli(argv, io) needs io.stderr with a write(text) method.'))
    await expect(runCli('--version' as never, { stdout: sink(), stderr: sink() })).rejects.toThrow(new TypeError('runCli(argv, io) takes the arguments as a list of strings (process.argv.slice(2)).'))
  })

  it('undefined env, cwd and signal are the defaults', async () => {
    let out = ''
    const stdout = { write: (text: string) => ((out += text), true) } as unknown as CliIo['stdout']
    expect(await runCli(['--version'], { stdout, stderr: sink(), env: undefined, cwd: undefined, signal: undefined })).toBe(0)
    expect(out).toMatch(/\d+\.\d+\.\d+/)
  })
})

describe('mirror variables set to the empty string', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('an empty HORDE_MODEL_REFERENCE_*_URL is unset: the default URLs are read (a stubbed fetch, nothing leaves the process)', async () => {
    const asked: string[] = []
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      asked.push(String(input instanceof Request ? input.url : input))
      throw new TypeError('offline (test)')
    })
    let err = ''
    const stderr = { write: (text: string) => ((err += text), true) } as unknown as CliIo['stderr']
    const env = { HORDE_MODEL_REFERENCE_PRIMARY_URL: '', HORDE_MODEL_REFERENCE_GITHUB_URL: ' ', HORDE_MODEL_REFERENCE_HORDE_API_URL: '' }
    expect(await runCli(['list', 'blip', '--timeout', '2'], { stdout: sink(), stderr, env })).toBe(3)
    expect(asked.some((url) => url.startsWith('https://models.aihorde.net/api/'))).toBe(true)
    expect(asked.some((url) => url.startsWith('https://raw.githubusercontent.com/'))).toBe(true)
    expect(err).not.toContain('must be an http(s) URL')
    asked.length = 0
    expect(await runCli(['popular', '--timeout', '2'], { stdout: sink(), stderr, env })).toBe(3)
    expect(asked.some((url) => url.startsWith('https://aihorde.net/api/'))).toBe(true)
  })
})
