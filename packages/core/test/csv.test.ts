import { describe, expect, it } from 'vitest'
import { convertLegacyJson, convertTextCsv } from '../src/convert/index.js'
import { parseCsv } from '../src/convert/csv.js'

// Hand-written inputs: each case below is one the real files lack, and says which.
describe('parseCsv (RFC 4180, Python excel dialect)', () => {
  it('handles quotes, doubled quotes, commas and newlines inside quotes, CRLF, LF and CR', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","line1\r\nline2"\n1,,3\r4,5,6'
    expect(parseCsv(text).rows).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'line1\r\nline2'],
      ['1', '', '3'],
      ['4', '5', '6'],
    ])
  })

  it('skips fully blank lines but keeps a quoted empty cell; does not trim', () => {
    expect(parseCsv('a,b\r\n\r\n "x" ,y\r\n""\r\n').rows).toEqual([['a', 'b'], [' "x" ', 'y'], ['']])
  })

  it('keeps the text after a closing quote, as Python does', () => {
    expect(parseCsv('"ab"c,d').rows).toEqual([['abc', 'd']])
  })

  it('reports a quote that is never closed', () => {
    const table = parseCsv('a,b\n"open,1\n2')
    expect(table.unterminatedQuoteAtLine).toBe(2)
    expect(table.rows[1]).toEqual(['open,1\n2'])
  })

  it('ends with a trailing comma as an empty cell, and drops a byte-order mark', () => {
    expect(parseCsv('\uFEFFname,x\nn,').rows).toEqual([['name', 'x'], ['n', '']])
  })
})

describe('convertTextCsv edge cases (none occur in the real models.csv)', () => {
  const header = 'name,parameters_bn,display_name,url,baseline,description,style,tags,instruct_format,settings'
  it('skips a row with bad settings or size and serves the rest, with issues', () => {
    const csv = [
      header,
      'a/Good-7B,7,,,,,,"x, y",,"{""temperature"": 0.7, ""stop_sequence"": [""a"", ""b""], ""use"": [true, false]}"',
      'a/BadJson-7B,7,,,,,,,,"{not json"',
      'a/Nested-7B,7,,,,,,,,"{""a"": {""b"": 1}}"',
      'a/Mixed-7B,7,,,,,,,,"{""a"": [1, ""x""]}"',
      'a/NaN-7B,nan,,,,,,,,',
      'a/Hex-7B,0x10,,,,,,,,',
      ',7,,,,,,,,',
      'aphrodite/a/Good-7B,7,,,,,,,,',
      'a/NoSize,,,,,,,,,',
    ].join('\r\n')
    const { entries, issues } = convertTextCsv(csv)
    expect(entries.map(([key]) => key)).toEqual(['a/Good-7B', 'a/NoSize'])
    expect(entries[0]![1]).toMatchObject({ parameters: 7_000_000_000, tags: ['x', 'y'], settings: { temperature: 0.7, stop_sequence: ['a', 'b'], use: [1, 0] }, text_model_group: 'Good' })
    expect(entries[1]![1]).toMatchObject({ parameters: 0 })
    expect(issues.map((i) => [i.severity, i.key])).toEqual([
      ['error', 'a/BadJson-7B'],
      ['error', 'a/Nested-7B'],
      ['error', 'a/Mixed-7B'],
      ['error', 'a/NaN-7B'],
      ['error', 'a/Hex-7B'],
      ['error', 'line 8'],
      ['info', 'aphrodite/a/Good-7B'],
      ['warning', 'a/NoSize'],
    ])
  })

  it('accepts Python float forms and truncates parameters like Python int()', () => {
    const csv = `${header}\nx/A,1e1,,,,,,,,\nx/B,.5,,,,,,,,\nx/C,8.2,,,,,,,,\nx/D, 12 ,,,,,,,,`
    expect(convertTextCsv(csv).entries.map(([, r]) => (r as { parameters: number }).parameters)).toEqual([10_000_000_000, 500_000_000, 8_199_999_999, 12_000_000_000])
  })

  it('a short row gets empty cells and tags [] with a warning', () => {
    const { entries, issues } = convertTextCsv(`${header}\nx/Short-1B,1`)
    expect(entries[0]![1]).toMatchObject({ name: 'x/Short-1B', tags: [], description: '', url: '' })
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', path: 'tags' })])
  })
})

describe('convertLegacyJson edge cases (hand-written; the real files have none)', () => {
  const base = { name: 'M', baseline: 'stable diffusion 2', config: { files: [{ path: 'm.ckpt', sha256sum: 'ABC' }, { path: 'm.yaml' }], download: [{ file_name: 'm.ckpt', file_path: '', file_url: 'https://x/m.ckpt' }] } }

  it('merges files and downloads, drops yaml, renames the baseline, reads lax values', () => {
    const { entries, issues } = convertLegacyJson('image_generation', { M: { ...base, nsfw: 'yes', inpainting: 1, size_on_disk_bytes: '1_000', type: 'ckpt', available: true } })
    expect(entries[0]![1]).toEqual({
      name: 'M',
      config: { download: [{ file_name: 'm.ckpt', file_url: 'https://x/m.ckpt', sha256sum: 'ABC', known_slow_download: false }] },
      size_on_disk_bytes: 1000,
      inpainting: true,
      baseline: 'stable_diffusion_2_768',
      tags: [],
      showcases: [],
      trigger: [],
      nsfw: true,
    })
    expect(issues).toEqual([])
  })

  it('a download entry matching no file is ignored with a warning, where upstream aborts the category', () => {
    const { entries, issues } = convertLegacyJson('esrgan', { M: { ...base, config: { ...base.config, download: [...base.config.download, { file_name: 'ghost.pth', file_url: 'https://x' }] } } })
    expect(entries).toHaveLength(1)
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', path: 'config.download.1' })])
  })

  it('one bad record is skipped; the others are converted', () => {
    const { entries, issues } = convertLegacyJson('image_generation', { A: base, B: { ...base, name: 'B', nsfw: 'perhaps' }, C: 'nope', D: { baseline: 'x' } })
    expect(entries.map(([k]) => k)).toEqual(['A'])
    expect(issues.map((i) => [i.key, i.path])).toEqual([
      ['B', 'nsfw'],
      ['C', ''],
      ['D', 'name'],
    ])
  })

  it('an empty list (the image repo writes lora.json as []) is an empty file; other shapes throw', () => {
    expect(convertLegacyJson('blip', []).entries).toEqual([])
    expect(() => convertLegacyJson('blip', [1])).toThrow(TypeError)
    expect(() => convertLegacyJson('blip', 'x')).toThrow(TypeError)
  })
})
