import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DERIVED_V2_FILES, FIXTURES_DIR, LEGACY_FILES, fixtureBytes, fixtureJson } from '../../../e2e/fixtures.js'
import { parseJson, runBin } from './helpers/run.js'

interface Report {
  valid: boolean
  category: string | null
  format: string | null
  records: number
  validRecords: number
  errors: number
  warnings: number
  issues: { severity: string; record: string; field: string; message: string }[]
}

const dir = mkdtempSync(join(tmpdir(), 'hmr-cli-files-'))
afterAll(() => {
  chmodSync(join(dir, 'locked'), 0o700)
  rmSync(dir, { recursive: true, force: true })
})
mkdirSync(join(dir, 'locked'))
const write = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const legacyImages = (): Record<string, Record<string, unknown>> => fixtureJson('legacy/stable_diffusion.json') as Record<string, Record<string, unknown>>
const validate = async (args: string[]): Promise<{ code: number | null; report: Report; stderr: string }> => {
  const run = await runBin(['validate', ...args, '--json'])
  return { code: run.code, report: parseJson<Report>(run), stderr: run.stderr }
}

describe('validate: upstream validate-sd-models, for every category and format', () => {
  const VALID = [
    'legacy/stable_diffusion.json',
    'legacy/controlnet.json',
    'legacy/blip.json',
    'legacy/clip.json',
    'legacy/esrgan.json',
    'legacy/miscellaneous.json',
    'legacy/text/models.csv',
    'derived-v2/stable_diffusion.json',
    'derived-v2/text_generation.json',
    'derived-v2/controlnet.json',
    'v2/stable_diffusion.example.json',
  ]

  it('every real reference file passes (exit 0, no error, no warning)', async () => {
    const runs = await Promise.all(VALID.map((file) => validate([join(FIXTURES_DIR, file)])))
    runs.forEach(({ code, report }, i) => {
      expect({ file: VALID[i], code, errors: report.errors, warnings: report.warnings }).toEqual({ file: VALID[i], code: 0, errors: 0, warnings: 0 })
      expect(report.valid).toBe(true)
      expect(report.validRecords).toBe(report.records)
    })
    expect(runs[0]!.report).toMatchObject({ category: 'image_generation', format: 'legacy', records: 161 })
    expect(runs[6]!.report).toMatchObject({ category: 'text_generation', format: 'csv' })
    expect(runs[7]!.report).toMatchObject({ category: 'image_generation', format: 'v2' })
    const human = await runBin(['validate', join(FIXTURES_DIR, 'legacy/stable_diffusion.json')])
    expect(human.stdout).toMatch(/: valid \(image_generation, legacy: 161 of 161 records valid\); 0 errors, 0 warnings\n$/)
  })

  it('one broken record fails the file (exit 1) and is reported by record, field and message; the rest are valid', async () => {
    const data = legacyImages()
    data['Deliberate'] = { ...data['Deliberate'], baseline: 42 }
    const { code, report } = await validate([write('stable_diffusion.json', JSON.stringify(data))])
    expect(code).toBe(1)
    expect(report).toMatchObject({ valid: false, errors: 1, records: 161, validRecords: 160 })
    expect(report.issues).toEqual([expect.objectContaining({ severity: 'error', record: 'Deliberate', field: 'baseline' })])
    const human = await runBin(['validate', join(dir, 'stable_diffusion.json')])
    expect(human.code).toBe(1)
    expect(human.stdout).toMatch(/^error {2}"Deliberate" baseline: .*record skipped$/m)
    expect(human.stdout).toContain('invalid')
  })

  it('an unknown field is a warning naming the closest field; --strict fails on it, as upstream CI', async () => {
    const data = legacyImages()
    data['Deliberate'] = { ...data['Deliberate'], basline: 'stable diffusion 1' }
    const path = write('typo/stable_diffusion.json'.replace('/', '-'), JSON.stringify(data))
    const { code, report } = await validate([path, '--category', 'image_generation'])
    expect(code).toBe(0)
    expect(report.issues).toEqual([expect.objectContaining({ severity: 'warning', record: 'Deliberate', field: 'basline', message: expect.stringContaining('did you mean "baseline"') })])
    const strict = await validate([path, '--category', 'image_generation', '--strict'])
    expect(strict.code).toBe(1)
    expect(strict.report.valid).toBe(false)
    const testing = await runBin(['validate', path, '--category', 'image_generation'], { env: { AI_HORDE_TESTING: 'true' } })
    expect(testing.code).toBe(1)
    expect(testing.stdout).toContain('1 warning (--strict)')
    // The same check in the v2 format, against the core's schema.
    const v2 = fixtureJson('derived-v2/controlnet.json') as Record<string, Record<string, unknown>>
    v2['control_canny'] = { ...v2['control_canny'], controlnet_stlye: 'control_canny' }
    const v2Run = await validate([write('controlnet.json', JSON.stringify(v2)), '--strict'])
    expect(v2Run.code).toBe(1)
    expect(v2Run.report.issues[0]).toMatchObject({ record: 'control_canny', field: 'controlnet_stlye', message: expect.stringContaining('"controlnet_style"') })
  })

  it('a file whose name does not tell its category is told by its records', async () => {
    const copies = [
      ['derived-v2/stable_diffusion.json', 'image_generation'],
      ['derived-v2/text_generation.json', 'text_generation'],
      ['derived-v2/controlnet.json', 'controlnet'],
      ['legacy/stable_diffusion.json', 'image_generation'],
    ] as const
    const runs = await Promise.all(copies.map(([file], i) => validate([write(`copy-${i}.json`, JSON.stringify(fixtureJson(file)))])))
    runs.forEach(({ code, report }, i) => {
      expect(code).toBe(0)
      expect(report.category).toBe(copies[i]![1])
    })
    const unknown = await runBin(['validate', write('mystery.json', '{"a": {"name": "a"}}')])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('give --category')
  })

  it('bad JSON, an HTML page, an empty file and a list are one file-level error each (exit 1)', async () => {
    const cases = [
      ['bad.json', '{"Deliberate": {"name": "Deliberate",', 'not valid JSON'],
      ['page.json', '<!DOCTYPE html><html><body>Rate limited</body></html>', 'an HTML page'],
      ['empty.json', '  \n', 'is empty'],
      ['list.json', '[1, 2]', 'a list'],
    ] as const
    const runs = await Promise.all(cases.map(([name, text]) => validate([write(name, text), '--category', 'image_generation'])))
    runs.forEach(({ code, report }, i) => {
      expect(code).toBe(1)
      expect(report.valid).toBe(false)
      expect(report.issues).toEqual([{ severity: 'error', record: '', field: '', message: expect.stringContaining(cases[i]![2]) }])
    })
  })

  it('an empty list is an empty file for lora only (upstream\'s lora.json is []); for any other category it is an error', async () => {
    const lora = await validate([join(FIXTURES_DIR, 'legacy/unserved/lora.json')])
    expect(lora.code).toBe(0)
    expect(lora.report).toMatchObject({ valid: true, category: 'lora', records: 0, errors: 0 })
    const byFlag = await validate([write('placeholder.json', '[]'), '--category', 'lora'])
    expect(byFlag.code).toBe(0)
    const cases = [
      [write('stable_diffusion.json', '[]\n'), []],
      [write('controlnet.json', '[ ]'), []],
      [write('unnamed.json', '[]'), []],
      [write('placeholder-2.json', '[]'), ['--category', 'ti']],
      [write('models.json', '[]'), ['--format', 'v2']],
    ] as const
    const runs = await Promise.all(cases.map(([path, flags]) => validate([path, ...flags])))
    runs.forEach(({ code, report }) => {
      expect(code).toBe(1)
      expect(report.issues).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('holds an empty list; a model reference file is a JSON object keyed by model name (lora.json alone is stored as [] upstream)') })])
    })
    // A list with items is an error even for lora.
    const full = await validate([write('lora.json', '[{"name": "x"}]')])
    expect(full.code).toBe(1)
    expect(full.report.issues[0]!.message).toContain('holds a list')
    // convert and diff refuse it the same way.
    const convert = await runBin(['convert', join(dir, 'stable_diffusion.json')])
    expect(convert.code).toBe(1)
    expect(convert.stderr).toContain('holds an empty list')
  })

  it('hostile keys (__proto__, constructor) are reported, never reach a prototype, and the rest validates', async () => {
    const data = legacyImages()
    const text = JSON.stringify(data).replace(/^\{/, '{"__proto__": {"name": "__proto__", "baseline": "stable diffusion 1", "polluted": true}, "constructor": {"name": "constructor", "baseline": "stable_diffusion_xl", "__proto__": {"x": 1}}, ')
    const { code, report } = await validate([write('hostile-stable_diffusion.json', text), '--category', 'image_generation'])
    expect(report.records).toBe(163)
    expect(report.issues.some((i) => i.record === '__proto__' && i.field === 'polluted')).toBe(true)
    expect(report.issues.some((i) => i.record === 'constructor' && i.field === '__proto__')).toBe(true)
    expect(code).toBe(0)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('--write writes the file back without the invalid records, 4-space indented', async () => {
    const data = legacyImages()
    data['Deliberate'] = { ...data['Deliberate'], baseline: 42 }
    const path = write('stable_diffusion.json', JSON.stringify(data))
    const out = join(dir, 'fixed.json')
    const run = await runBin(['validate', path, '--write', out])
    expect(run.code).toBe(1)
    const written = readFileSync(out, 'utf8')
    expect(written.startsWith('{\n    "')).toBe(true)
    const fixed = JSON.parse(written) as Record<string, unknown>
    expect(Object.keys(fixed)).toEqual(Object.keys(data).filter((key) => key !== 'Deliberate'))
    expect((await validate([out, '--category', 'image_generation'])).code).toBe(0)
  })

  it('a missing or unreadable file, or a folder, exits 5 saying why', async () => {
    writeFileSync(join(dir, 'locked', 'stable_diffusion.json'), '{}')
    chmodSync(join(dir, 'locked'), 0o000)
    const [missing, folder, locked] = await Promise.all([
      runBin(['validate', join(dir, 'nope.json')]),
      runBin(['validate', dir, '--category', 'blip']),
      runBin(['validate', join(dir, 'locked', 'stable_diffusion.json')]),
    ])
    expect(missing.code).toBe(5)
    expect(missing.stderr).toContain('no such file')
    expect(folder.code).toBe(5)
    expect(folder.stderr).toContain('folder')
    // root reads anything: the permission case only proves itself for other users.
    if (process.getuid?.() !== 0) {
      expect(locked.code).toBe(5)
      expect(locked.stderr).toContain('permission denied')
    }
    const write = await runBin(['convert', join(FIXTURES_DIR, 'legacy/blip.json'), '--out', join(dir, 'no-such-dir', 'blip.json')])
    expect(write.code).toBe(5)
    expect(write.stderr).toContain('Cannot write')
  })
})

describe('convert: legacy files to v2 through the core /convert entry point', () => {
  it('every legacy file with a derived-v2 counterpart converts to it byte for byte (ASCII escapes and Python floats included)', async () => {
    const categories = Object.keys(DERIVED_V2_FILES).filter((category) => LEGACY_FILES[category] !== undefined)
    expect(categories).toHaveLength(10)
    const runs = await Promise.all(categories.map((category) => runBin(['convert', join(FIXTURES_DIR, LEGACY_FILES[category]!)])))
    runs.forEach((run, i) => {
      const expected = fixtureBytes(DERIVED_V2_FILES[categories[i]!]!).toString('utf8')
      expect({ category: categories[i], code: run.code, identical: run.stdout === expected }).toEqual({ category: categories[i], code: 0, identical: true })
    })
    // The two places they differed: a non-ASCII description and integral floats in models.csv's settings.
    expect(runs[0]!.stdout).toContain('mastery \\u2014 time')
    expect(runs[1]!.stdout).toContain('"rep_pen": 3.0')
    expect(runs[1]!.stdout).toContain('"temperature": 1.0,')
  })

  it('requirements and settings keep each float of the source; a list with a float is a list of floats; names are ASCII-escaped', async () => {
    const data = { 'Caf\u00e9 \u{1f600}': { name: 'Caf\u00e9 \u{1f600}', baseline: 'stable diffusion 1', type: 'ckpt', inpainting: false, nsfw: false, description: 'd\u00e9j\u00e0 vu', config: { files: [{ path: 'm.ckpt' }], download: [{ file_name: 'm.ckpt', file_path: '', file_url: 'https://example.com/m.ckpt' }] } } }
    const text = JSON.stringify(data).replace('"nsfw":false', '"nsfw":false,"requirements":{"a":3.0,"b":3,"c":[1,2.5],"d":[1,2],"e":1e-05,"f":1E+16,"g":1e3,"h":-0.0}')
    const run = await runBin(['convert', write('float-stable_diffusion.json', text)])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('"Caf\\u00e9 \\ud83d\\ude00": {')
    expect(run.stdout).toContain('"description": "d\\u00e9j\\u00e0 vu"')
    const requirements = /"requirements": (\{[^}]*\})/.exec(run.stdout)![1]!.replace(/\s+/g, '')
    expect(requirements).toBe('{"a":3.0,"b":3,"c":[1.0,2.5],"d":[1,2],"e":1e-05,"f":1e+16,"g":1000.0,"h":-0.0}')
    // models.csv: the settings cell's floats; of a repeated name, the last row counts (as upstream keeps its values).
    const csv = [
      'name,parameters_bn,display_name,url,baseline,description,style,tags,instruct_format,settings',
      'a/One-7B,7,,,,"caf\u00e9",,,,"{""rep_pen"": 3.0, ""top_k"": 40, ""xs"": [1, 2.0]}"',
      'a/Two-7B,7,,,,,,,,"{""temperature"": 1.0}"',
      'a/Two-7B,7,,,,,,,,"{""temperature"": 1}"',
    ].join('\r\n')
    const text2 = await runBin(['convert', write('models.csv', `${csv}\r\n`)])
    expect(text2.code).toBe(0)
    expect(text2.stdout.replace(/\s+/g, '')).toContain('"settings":{"rep_pen":3.0,"top_k":40,"xs":[1.0,2.0]}')
    expect(text2.stdout.replace(/\s+/g, '')).toContain('"settings":{"temperature":1}')
    expect(text2.stdout).toContain('"description": "caf\\u00e9"')
  })

  it('validate --write keeps the floats of the source and writes ASCII, as the repositories do', async () => {
    const text = JSON.stringify(legacyImages()).replace('"nsfw":false', '"nsfw":false,"requirements":{"min_cfg":3.0}')
    const out = join(dir, 'floats-written.json')
    const run = await runBin(['validate', write('floats-stable_diffusion.json', text.replace('Deliberate', 'Deliberate \u2014')), '--write', out, '--category', 'image_generation'])
    expect(run.code).toBe(0)
    const written = readFileSync(out, 'utf8')
    expect(written).toContain('"min_cfg": 3.0')
    expect(written).toContain('Deliberate \\u2014')
    expect(/[^\x00-\x7f]/.test(written)).toBe(false)
  })

  it('the real legacy files convert to exactly upstream-derived v2 files', async () => {
    const files = [
      ['legacy/stable_diffusion.json', 'derived-v2/stable_diffusion.json'],
      ['legacy/controlnet.json', 'derived-v2/controlnet.json'],
      ['legacy/text/models.csv', 'derived-v2/text_generation.json'],
    ] as const
    const runs = await Promise.all(files.map(([legacy]) => runBin(['convert', join(FIXTURES_DIR, legacy)])))
    runs.forEach((run, i) => {
      expect(run.code).toBe(0)
      expect(JSON.parse(run.stdout)).toEqual(fixtureJson(files[i]![1]))
    })
    // Key order too, and the upstream files' 4-space indent.
    expect(Object.keys(JSON.parse(runs[1]!.stdout))).toEqual(Object.keys(fixtureJson('derived-v2/controlnet.json') as object))
    expect(runs[0]!.stdout).toBe(fixtureBytes('derived-v2/stable_diffusion.json').toString('utf8'))
  })

  it('--out writes the file; a rejected record is left out and reported, exit 1', async () => {
    const data = legacyImages()
    data['Deliberate'] = { ...data['Deliberate'], nsfw: 'maybe' }
    const out = join(dir, 'v2.json')
    const run = await runBin(['convert', write('stable_diffusion.json', JSON.stringify(data)), '--out', out, '--json'])
    expect(run.code).toBe(1)
    expect(parseJson(run)).toMatchObject({ out, records: 160, rejected: ['Deliberate'] })
    expect(run.stderr).toContain('"Deliberate" nsfw')
    expect(Object.keys(JSON.parse(readFileSync(out, 'utf8')))).not.toContain('Deliberate')
  })

  it('a v2 file is not converted again (exit 2)', async () => {
    const run = await runBin(['convert', join(FIXTURES_DIR, 'derived-v2/stable_diffusion.json')])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('already in the v2 format')
  })
})

describe('diff: two files of different categories are refused', () => {
  it('files named for two categories exit 2 naming both, also with --category (one flag cannot make both right)', async () => {
    const controlnet = join(FIXTURES_DIR, 'legacy/controlnet.json')
    const images = join(FIXTURES_DIR, 'legacy/stable_diffusion.json')
    const [plain, forced, json] = await Promise.all([
      runBin(['diff', controlnet, images]),
      runBin(['diff', controlnet, images, '--category', 'controlnet']),
      runBin(['diff', controlnet, images, '--json']),
    ])
    for (const run of [plain, forced, json]) expect(run.code).toBe(2)
    expect(plain.stderr).toContain(`${controlnet} holds controlnet and ${images} holds image_generation (by their names): diff compares two files of one category.`)
    expect(plain.stdout).toBe('')
    expect(parseJson<{ error: { exitCode: number; categories: string[] } }>(json).error).toMatchObject({ exitCode: 2, categories: ['controlnet', 'image_generation'] })
  })

  it('files whose names do not tell are told apart by their records; either one can lend its category to the other', async () => {
    const images = write('left.json', JSON.stringify(fixtureJson('derived-v2/stable_diffusion.json')))
    const controlnet = write('right.json', JSON.stringify(fixtureJson('derived-v2/controlnet.json')))
    const mixed = await runBin(['diff', images, controlnet])
    expect(mixed.code).toBe(2)
    expect(mixed.stderr).toContain('holds image_generation and')
    expect(mixed.stderr).toContain('holds controlnet (by their names or records)')
    // A legacy controlnet file under a name that does not tell, against the derived v2 file: one category, equal.
    const legacy = write('unnamed.json', JSON.stringify(fixtureJson('legacy/controlnet.json')))
    const [equal, reversed, sameFile] = await Promise.all([
      runBin(['diff', legacy, join(FIXTURES_DIR, 'derived-v2/controlnet.json')]),
      runBin(['diff', join(FIXTURES_DIR, 'derived-v2/controlnet.json'), legacy]),
      runBin(['diff', join(FIXTURES_DIR, 'legacy/stable_diffusion.json'), images]),
    ])
    expect(equal.code).toBe(0)
    expect(equal.stdout).toContain('equal, 18 unchanged')
    expect(reversed.code).toBe(0)
    expect(sameFile.code).toBe(0)
    expect(sameFile.stdout).toContain('equal, 161 unchanged')
  })
})
