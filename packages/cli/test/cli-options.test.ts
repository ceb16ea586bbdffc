import { describe, expect, it } from 'vitest'
import { runCli, type CliIo } from '../src/index.js'

const sink = (): CliIo['stdout'] => ({ write: () => true }) as unknown as CliIo['stdout']

describe('runCli options', () => {
  it('an unknown key of io is a TypeError naming the closest option', async () => {
    await expect(runCli(['--version'], { stdout: sink(), stderr: sink(), sigal: undefined } as never)).rejects.toThrow(
      new TypeError('Unknown option "sigal" for runCli: did you mean "signal"? Known options: stdout, stderr, env, cwd, signal.'),
    )
    await expect(runCli(['--version'], null as never)).rejects.toThrow(new TypeError('runCli takes an options object (or nothing), got null.'))
  })

  it('undefined env, cwd and signal are the defaults', async () => {
    let out = ''
    const stdout = { write: (text: string) => ((out += text), true) } as unknown as CliIo['stdout']
    expect(await runCli(['--version'], { stdout, stderr: sink(), env: undefined, cwd: undefined, signal: undefined })).toBe(0)
    expect(out).toMatch(/\d+\.\d+\.\d+/)
  })
})
