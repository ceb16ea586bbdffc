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

describe('mirror URLs: an empty flag is a usage error; an empty variable is unset; messages name where the value came from', () => {
  it('an empty --primary-url, --github-url or --horde-api-url (either spelling) exits 2 naming the flag', async () => {
    const cases = [
      ['--primary-url='],
      ['--primary-url', ''],
      ['--github-url='],
      ['--horde-api-url', ''],
      ['--horde-api-url', '   '],
    ]
    const runs = await Promise.all(cases.map((flag) => runBin(['list', 'blip', ...flag, '--json'])))
    runs.forEach((run, i) => {
      const name = cases[i]![0]!.replace(/=$/, '')
      expect(run.code).toBe(2)
      expect(run.stderr).toContain(`${name} needs a value, not an empty one: ${name} <url>.`)
      expect(parseJson<{ error: { exitCode: number; flag: string } }>(run).error).toMatchObject({ exitCode: 2, flag: name })
    })
    // Any string flag: an empty value is never the default.
    const out = await runBin(['convert', 'x.json', '--out='])
    expect(out.code).toBe(2)
    expect(out.stderr).toContain('--out needs a value, not an empty one')
  })

  it('a bad URL in a variable names the variable, not the flag; the flag wins over the variable', async () => {
    const [bad, query, both] = await Promise.all([
      runBin(['list', 'blip'], { env: { HORDE_MODEL_REFERENCE_GITHUB_URL: 'not a url' } }),
      runBin(['list', 'blip'], { env: { HORDE_MODEL_REFERENCE_PRIMARY_URL: 'http://127.0.0.1:9/api?x=1' } }),
      runBin(['list', 'blip', '--horde-api-url', 'ftp://x'], { env: { HORDE_MODEL_REFERENCE_HORDE_API_URL: 'also bad' } }),
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('HORDE_MODEL_REFERENCE_GITHUB_URL must be an http(s) URL, not "not a url".')
    expect(bad.stderr).not.toContain('--github-url')
    expect(query.code).toBe(2)
    expect(query.stderr).toContain('HORDE_MODEL_REFERENCE_PRIMARY_URL must be a base URL without a query string or fragment')
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('--horde-api-url must be an http(s) URL, not "ftp://x".')
  })

  it('a URL option the core refuses is reported by its flag, and credentials are never printed', async () => {
    const [query, credentials, fragment] = await Promise.all([
      runBin(['list', 'blip', '--primary-url', 'http://h?x=1']),
      runBin(['list', 'blip', '--github-url', 'http://user:%zz@127.0.0.1:9']),
      runBin(['list', 'blip', '--github-url', 'http://user:secret@127.0.0.1:9/#x']),
    ])
    for (const run of [query, credentials, fragment]) {
      expect(run.code).toBe(2)
      expect(run.stderr).not.toMatch(/\bOption \w+|primaryUrl|githubUrl/)
    }
    expect(query.stderr).toContain('--primary-url must be a base URL without a query string or fragment')
    expect(credentials.stderr).toContain('--github-url has credentials that are not valid percent-encoding.')
    expect(fragment.stderr).toContain('"http://***@127.0.0.1:9/#x"')
    expect(fragment.stderr).not.toContain('secret')
  })
})

describe('--json covers every outcome: no command, --version, usage errors', () => {
  interface JsonError {
    error: { exitCode: number; message: string; commands?: string[] }
  }

  it('no command with --json: exit 2 and the JSON error on stdout (the message on stderr)', async () => {
    const run = await runBin(['--json'])
    expect(run.code).toBe(2)
    const body = parseJson<JsonError>(run)
    expect(body.error).toMatchObject({ exitCode: 2, message: expect.stringContaining('Give a command: one of categories, list,'), commands: COMMANDS })
    expect(run.stderr).toContain('Give a command')
    // Flags only, no command: the same.
    const flagsOnly = await runBin(['--json', '--no-color', '--timeout', '5'])
    expect(flagsOnly.code).toBe(2)
    expect(parseJson<JsonError>(flagsOnly).error.exitCode).toBe(2)
  })

  it('--version --json prints {"version"}, for the tool and for a command', async () => {
    const [tool, command] = await Promise.all([runBin(['--version', '--json']), runBin(['list', '--json', '--version'])])
    for (const run of [tool, command]) {
      expect(run.code).toBe(0)
      expect(parseJson<{ version: string }>(run)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) })
    }
  })

  it('every kind of usage error prints the JSON error with --json', async () => {
    const cases = [['--bogus', '--json'], ['lsit', '--json'], ['help', 'nope', '--json'], ['list', '--json'], ['list', 'blip', '--limit', 'x', '--json'], ['list', 'blip', '--timeout=', '--json']]
    const runs = await Promise.all(cases.map((args) => runBin(args)))
    runs.forEach((run) => {
      expect(run.code).toBe(2)
      expect(parseJson<JsonError>(run).error).toMatchObject({ exitCode: 2, message: expect.any(String) })
    })
    // After `--`, "--json" is an argument, not the flag: the error stays text.
    const literal = await runBin(['validate', '--', '--json'])
    expect(literal.code).toBe(5)
    expect(literal.stderr).toContain('Cannot read --json: no such file')
    expect(literal.stdout).toBe('')
  })

  it('--help --json prints the help as text (documented)', async () => {
    const run = await runBin(['--help', '--json'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Usage: horde-model-reference <command>')
  })
})
