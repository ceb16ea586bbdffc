import { createModelReferenceClient } from '@horde-model-reference/core'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FIXTURES_DIR, fixtureJson } from '../../../e2e/fixtures.js'
import { parseJson, runBin, useCliServer } from './helpers/run.js'

type Rec = Record<string, unknown> & { name: string }
const images = Object.values(fixtureJson('derived-v2/stable_diffusion.json') as Record<string, Rec>)
const texts = Object.values(fixtureJson('derived-v2/text_generation.json') as Record<string, Rec>)
const dir = mkdtempSync(join(tmpdir(), 'hmr-cli-reads-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// The AI Horde's answers, written here by hand from its documented shapes (not captured data).
const STATUS = [
  { name: 'AlbedoBase XL (SDXL)', count: 7, jobs: 3, performance: 2.5, queued: 100, eta: 40, type: 'image' },
  { name: 'Deliberate', count: 2, jobs: 0, performance: 1, queued: 0, eta: 0, type: 'image' },
  { name: 'A model not in the reference', count: 1, jobs: 0, performance: 1, queued: 0, eta: 0, type: 'image' },
]

describe('reading commands against the loopback reference server', () => {
  const ctx = useCliServer()

  it('categories lists every category with its record count and source', async () => {
    const run = await runBin(['categories', '--json'], { env: ctx.env() })
    expect(run.code).toBe(0)
    const rows = parseJson<{ name: string; records: number | null; source: string }[]>(run)
    expect(rows.find((r) => r.name === 'image_generation')).toMatchObject({ records: images.length, source: 'primary' })
    expect(rows.find((r) => r.name === 'text_generation')?.records).toBe(texts.length)
    expect(rows.map((r) => r.name)).toContain('lora')
    const table = await runBin(['categories'], { env: ctx.env() })
    expect(table.stdout).toMatch(new RegExp(`^image_generation +${images.length}  primary`, 'm'))
  })

  it('list applies the query builder filters: baseline in any spelling, --no-nsfw, --tag, --sort --desc, --limit', async () => {
    const run = await runBin(['list', 'image_generation', '--baseline', 'SDXL', '--no-nsfw', '--sort', 'size_on_disk_bytes', '--desc', '--json'], { env: ctx.env() })
    expect(run.code).toBe(0)
    const got = parseJson<Rec[]>(run)
    const want = images.filter((r) => r.baseline === 'stable_diffusion_xl' && r.nsfw !== true)
    expect(got.map((r) => r.name).sort()).toEqual(want.map((r) => r.name).sort())
    const sizes = got.map((r) => r.size_on_disk_bytes as number)
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a))
    const tagged = parseJson<Rec[]>(await runBin(['list', 'image_generation', '--tag', 'anime', '--nsfw', '--limit', '3', '--json'], { env: ctx.env() }))
    const allTagged = images.filter((r) => (r.tags as string[] | undefined)?.includes('anime') && r.nsfw === true)
    expect(tagged.map((r) => r.name)).toEqual(allTagged.slice(0, 3).map((r) => r.name))
    expect(tagged.length).toBe(Math.min(3, allTagged.length))
  })

  it('list prints an aligned table on stdout and the count on stderr', async () => {
    const run = await runBin(['list', 'controlnet'], { env: ctx.env() })
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^NAME +STYLE +DESCRIPTION$/)
    expect(lines).toHaveLength(1 + 18)
    const styleAt = lines[0]!.indexOf('STYLE')
    for (const line of lines.slice(1)) expect(line.slice(styleAt)).toMatch(/^control_/)
    expect(run.stderr).toBe('18 of 18 controlnet models\n')
  })

  it('a field no record has is a usage error (exit 2) from the query builder', async () => {
    const run = await runBin(['list', 'image_generation', '--sort', 'sise_on_disk_bytes'], { env: ctx.env() })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('"sise_on_disk_bytes"')
    expect(run.stderr).toContain('size_on_disk_bytes')
  })

  it('show prints a record; --json gives exactly the record', async () => {
    const run = await runBin(['show', 'image_generation', 'Deliberate', '--json'], { env: ctx.env() })
    expect(run.code).toBe(0)
    const record = parseJson<Rec>(run)
    expect(record.name).toBe('Deliberate')
    expect(record.baseline).toBe(images.find((r) => r.name === 'Deliberate')!.baseline)
    const human = await runBin(['show', 'image_generation', 'Deliberate'], { env: ctx.env() })
    expect(human.stdout).toMatch(/^baseline +stable_diffusion_1$/m)
  })

  it('show with an unknown name exits 4 with suggestions', async () => {
    const run = await runBin(['show', 'image_generation', 'deliberat', '--json'], { env: ctx.env() })
    expect(run.code).toBe(4)
    const body = parseJson<{ error: { exitCode: number; suggestions: string[] } }>(run)
    expect(body.error.exitCode).toBe(4)
    expect(body.error.suggestions).toContain('Deliberate')
    expect(run.stderr).toContain('Did you mean "Deliberate"')
  })

  it('search ranks the best match first, in the category given', async () => {
    const run = await runBin(['search', 'albedobase', 'xl', '--limit', '3', '--json'], { env: ctx.env() })
    expect(run.code).toBe(0)
    expect(parseJson<Rec[]>(run)[0]!.name).toBe('AlbedoBase XL (SDXL)')
    const text = parseJson<Rec[]>(await runBin(['search', 'Marx-3B', '--category', 'text_generation', '--json'], { env: ctx.env() }))
    expect(text[0]!.name).toBe('acrastt/Marx-3B-V3')
  })

  it('popular and availability read the AI Horde API given by --horde-api-url', async () => {
    ctx.server.setHordeApi({ status: { image: STATUS } })
    const env = ctx.env({ HORDE_MODEL_REFERENCE_HORDE_API_URL: 'http://127.0.0.1:9/nothing-here' })
    const popular = await runBin(['popular', '--limit', '2', '--json', '--horde-api-url', ctx.server.hordeApiUrl], { env })
    expect(popular.code).toBe(0)
    expect(parseJson<{ name: string; workerCount: number }[]>(popular)).toEqual([
      expect.objectContaining({ name: 'AlbedoBase XL (SDXL)', workerCount: 7, jobs: 3 }),
      expect.objectContaining({ name: 'Deliberate', workerCount: 2 }),
    ])
    const availability = await runBin(['availability', '--available', '--json'], { env: ctx.env() })
    expect(availability.code).toBe(0)
    const body = parseJson<{ availableCount: number; modelCount: number; models: { name: string; workerCount: number }[]; unlisted: { name: string }[] }>(availability)
    expect(body).toMatchObject({ availableCount: 2, modelCount: images.length })
    expect(body.models.map((m) => m.name)).toEqual(['AlbedoBase XL (SDXL)', 'Deliberate'])
    expect(body.unlisted.map((m) => m.name)).toEqual(['A model not in the reference'])
    const table = await runBin(['availability', '--limit', '1'], { env: ctx.env() })
    expect(table.stdout).toMatch(/^AlbedoBase XL \(SDXL\) +7 +3 +40 s$/m)
    expect(table.stderr).toContain(`2 of ${images.length} image_generation models have a worker now`)
  })

  it('the flags win over the environment for mirrors', async () => {
    const env = { HORDE_MODEL_REFERENCE_PRIMARY_URL: 'http://127.0.0.1:9/api', HORDE_MODEL_REFERENCE_GITHUB_URL: 'http://127.0.0.1:9' }
    const run = await runBin(['list', 'blip', '--json', '--primary-url', ctx.server.primaryUrl, '--github-url', ctx.server.githubUrl], { env })
    expect(run.code).toBe(0)
    expect(parseJson<Rec[]>(run)).toHaveLength(2)
    expect(ctx.server.count('primary')).toBe(1)
  })

  it('NO_COLOR and a pipe give plain text; FORCE_COLOR colours; COLUMNS cuts the table to its width', async () => {
    const plain = await runBin(['list', 'image_generation', '--limit', '3'], { env: ctx.env({ FORCE_COLOR: '1', NO_COLOR: '1' }) })
    expect(plain.stdout).not.toContain('\u001b[')
    const piped = await runBin(['list', 'image_generation', '--limit', '3'], { env: ctx.env() })
    expect(piped.stdout).not.toContain('\u001b[')
    const forced = await runBin(['list', 'image_generation', '--limit', '3'], { env: ctx.env({ FORCE_COLOR: '1' }) })
    expect(forced.stdout).toContain('\u001b[1mNAME')
    const narrow = await runBin(['list', 'image_generation'], { env: ctx.env({ COLUMNS: '50' }) })
    const lines = narrow.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(1 + images.length)
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(50)
    expect(narrow.stdout).toContain('…')
    const wide = await runBin(['list', 'image_generation'], { env: ctx.env() })
    expect(wide.stdout).not.toContain('…')
  })

  it('diff: a file against the live data, and two files (legacy against v2) compare by content', async () => {
    const live = await runBin(['diff', join(FIXTURES_DIR, 'derived-v2/stable_diffusion.json'), '--json'], { env: ctx.env() })
    expect(live.code).toBe(0)
    expect(parseJson(live)).toMatchObject({ category: 'image_generation', equal: true, unchanged: images.length })
    const legacy = await runBin(['diff', join(FIXTURES_DIR, 'legacy/stable_diffusion.json'), join(FIXTURES_DIR, 'derived-v2/stable_diffusion.json')])
    expect(legacy.code).toBe(0)
    expect(legacy.stdout).toContain('equal')
    // A changed copy: one record removed, one added, one field changed.
    const data = fixtureJson('derived-v2/stable_diffusion.json') as Record<string, Rec>
    delete data['Deliberate']
    data['A new model'] = { ...data['AlbedoBase XL (SDXL)']!, name: 'A new model' }
    data['AlbedoBase XL (SDXL)'] = { ...data['AlbedoBase XL (SDXL)']!, nsfw: true }
    const changed = join(dir, 'stable_diffusion.json')
    writeFileSync(changed, JSON.stringify(data))
    const diff = await runBin(['diff', join(FIXTURES_DIR, 'derived-v2/stable_diffusion.json'), changed, '--json'])
    expect(diff.code).toBe(1)
    const body = parseJson<{ added: string[]; removed: string[]; changed: { name: string; changes: { path: string }[] }[] }>(diff)
    expect(body.added).toEqual(['A new model'])
    expect(body.removed).toEqual(['Deliberate'])
    expect(body.changed).toEqual([{ name: 'AlbedoBase XL (SDXL)', changes: [expect.objectContaining({ path: 'nsfw', before: false, after: true, kind: 'changed' })] }])
    const human = await runBin(['diff', join(FIXTURES_DIR, 'derived-v2/stable_diffusion.json'), changed])
    expect(human.code).toBe(1)
    expect(human.stdout).toContain('+ A new model\n- Deliberate\n~ AlbedoBase XL (SDXL)\n    nsfw: false -> true\n')
  })

  it('snapshot --out writes a snapshot another client hydrates, with no request', async () => {
    const out = join(dir, 'snapshot.json')
    const run = await runBin(['snapshot', '--out', out, '--category', 'image_generation', '--category', 'controlnet', '--json'], { env: ctx.env() })
    expect(run.code).toBe(0)
    expect(parseJson(run)).toMatchObject({ out, categories: { image_generation: images.length, controlnet: 18 }, leftOut: [] })
    const snapshot = JSON.parse(readFileSync(out, 'utf8'))
    ctx.server.reset()
    const client = createModelReferenceClient({ primaryUrl: ctx.server.primaryUrl, githubUrl: ctx.server.githubUrl, broadcastChannel: false })
    try {
      expect([...client.hydrate(snapshot).installed].sort()).toEqual(['controlnet', 'image_generation'])
      expect(Object.keys(await client.getModelReference('image_generation'))).toHaveLength(images.length)
      expect(ctx.server.requests).toHaveLength(0)
    } finally {
      client.dispose()
    }
    const stdout = await runBin(['snapshot', '--category', 'blip'], { env: ctx.env() })
    expect(JSON.parse(stdout.stdout)).toMatchObject({ format: snapshot.format, categories: { blip: { category: 'blip' } } })
  })
})
