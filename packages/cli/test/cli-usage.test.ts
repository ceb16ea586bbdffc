import { describe, expect, it } from 'vitest'
import { parseJson, runBin } from './helpers/run.js'

const COMMANDS = ['categories', 'list', 'show', 'search', 'popular', 'availability', 'diff', 'snapshot', 'validate', 'convert']

describe('the command line: help, version and usage errors (exit 2)', () => {
  it('--help lists every command, the exit codes and the environment, on stdout with exit 0', async () => {
    const run = await runBin(['--help'])
    expect(run.code).toBe(0)
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
    expect(run.stdout).toContain('HORDE_MODEL_REFERENCE_PRIMARY_URL')
    expect(run.stdout).toContain('2 usage error')
    expect(run.stderr).toBe('')
  })

  it('every command has its own --help (and -h), naming its flags', async () => {
    const runs = await Promise.all(COMMANDS.map((command) => runBin([command, command === 'show' ? '-h' : '--help'])))
    runs.forEach((run, i) => {
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`Usage: horde-model-reference ${COMMANDS[i]}`)
      expect(run.stdout).toContain('--json')
    })
    expect(runs[1]!.stdout).toContain('--no-inpainting')
    expect(runs[8]!.stdout).toContain('--write <out>')
    const help = await runBin(['help', 'list'])
    expect(help.stdout).toBe(runs[1]!.stdout)
  })

  it('--version prints the package version', async () => {
    const run = await runBin(['--version'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })

  it('no command prints the help on stderr and exits 2, with nothing on stdout', async () => {
    const run = await runBin([])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('Commands:')
  })

  it('an unknown command exits 2 naming the closest command', async () => {
    const run = await runBin(['lsit', 'image_generation'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('Unknown command "lsit". Did you mean "list"?')
    expect(run.stdout).toBe('')
  })

  it('an unknown flag exits 2 naming the closest flag of that command', async () => {
    const run = await runBin(['list', 'image_generation', '--basline', 'SDXL'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('Unknown flag --basline for "list". Did you mean "--baseline"?')
  })

  it('bad flag values exit 2 with a message naming the flag and the value', async () => {
    const [limit, missing, timeout, url, contradiction, twice] = await Promise.all([
      runBin(['list', 'image_generation', '--limit', 'abc']),
      runBin(['list', 'image_generation', '--limit']),
      runBin(['list', 'image_generation', '--timeout', '-1']),
      runBin(['list', 'image_generation', '--primary-url', 'ftp://example']),
      runBin(['list', 'image_generation', '--nsfw', '--no-nsfw']),
      runBin(['search', 'x', '--limit', '1', '--limit', '2']),
    ])
    for (const run of [limit, missing, timeout, url, contradiction, twice]) expect(run.code).toBe(2)
    expect(limit.stderr).toContain('--limit takes a whole number of at least 1, not "abc"')
    expect(missing.stderr).toContain('--limit needs a value')
    expect(timeout.stderr).toContain('--timeout')
    expect(url.stderr).toContain('--primary-url must be an http(s) URL')
    expect(contradiction.stderr).toContain('--nsfw and --no-nsfw contradict')
    expect(twice.stderr).toContain('--limit is given twice')
  })

  it('an unknown category exits 2 listing the valid ones with the closest first', async () => {
    const run = await runBin(['list', 'image_gen', '--json'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('Unknown category "image_gen". Did you mean "image_generation"?')
    const body = parseJson<{ error: { exitCode: number; validCategories: string[] } }>(run)
    expect(body.error.exitCode).toBe(2)
    expect(body.error.validCategories).toContain('text_generation')
  })

  it('a missing argument exits 2 saying what to give', async () => {
    const [list, show, validate, empty] = await Promise.all([runBin(['list']), runBin(['show', 'image_generation']), runBin(['validate']), runBin(['show', 'image_generation', ' '])])
    expect([list.code, show.code, validate.code, empty.code]).toEqual([2, 2, 2, 2])
    expect(list.stderr).toContain('Give a category')
    expect(show.stderr).toContain("Give the model's name")
    expect(validate.stderr).toContain('Give the file to check')
  })
})
