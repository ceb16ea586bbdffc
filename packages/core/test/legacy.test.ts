import { describe, expect, it } from 'vitest'
import { isSourcesUnavailableError } from '../src/index.js'
import { getLegacyModelReference } from '../src/legacy.js'
import { fixtureJson } from '../../../e2e/fixtures.js'
import { useReferenceServer } from './helpers/setup.js'

const ctx = useReferenceServer()

describe('getLegacyModelReference', () => {
  it('reads the legacy shape from the primary’s v1 route, validated and not converted', async () => {
    const legacy = await getLegacyModelReference(ctx.client(), 'controlnet')
    expect(legacy.source).toBe('primary')
    expect(legacy.url).toBe(`${ctx.server.primaryUrl}/model_references/v1/controlnet`)
    // Keys as the source has them: the legacy key, not the record name.
    expect(legacy.records.control_qr_sdxl?.name).toBe('control_qr_xl')
    expect(legacy.records).toEqual(fixtureJson('legacy/controlnet.json'))
    expect(Object.isFrozen(legacy.records.control_qr_sdxl)).toBe(true)
    expect(legacy.issues).toEqual([])
  })

  it('falls back to GitHub; text comes from db.json (three names per model)', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 503 })
    const client = ctx.client({ retries: 0 })
    const image = await getLegacyModelReference(client, 'image_generation')
    expect(image.source).toBe('github')
    expect(Object.keys(image.records)).toHaveLength(161)
    expect(image.records['AlbedoBase XL (SDXL)']!.baseline).toBe('stable_diffusion_xl')
    const text = await getLegacyModelReference(client, 'text_generation')
    expect(text.source).toBe('github')
    expect(text.url.endsWith('/AI-Horde-text-model-reference/refs/heads/main/db.json')).toBe(true)
    expect(Object.keys(text.records)).toHaveLength(2157)
    expect(text.records['koboldcpp/Marx-3B-V3']).toMatchObject({ name: 'koboldcpp/Marx-3B-V3', model_name: 'Marx-3B-V3' })
    expect(text.records['acrastt/Marx-3B-V3']?.name).toBe('acrastt/Marx-3B-V3')
  })

  it('skips an invalid record with an issue and keeps the rest', async () => {
    const body = { ...(fixtureJson('legacy/blip.json') as object), broken: { name: 5 } }
    ctx.server.fault('/v1/blip', { kind: 'body', body: JSON.stringify(body) })
    const legacy = await getLegacyModelReference(ctx.client(), 'blip')
    expect(Object.keys(legacy.records).sort()).toEqual(['BLIP', 'BLIP_Large'])
    expect(legacy.issues).toEqual([expect.objectContaining({ key: 'broken', path: 'name', severity: 'error' })])
  })

  it('categories with no legacy format are empty; every source failing is a typed error', async () => {
    expect((await getLegacyModelReference(ctx.client(), 'video_generation')).records).toEqual({})
    expect((await getLegacyModelReference(ctx.client(), 'lora')).records).toEqual({})
    ctx.server.primaryDown({ kind: 'status', status: 503 })
    ctx.server.githubDown({ kind: 'body', body: '<html>nope</html>', contentType: 'text/html' })
    const error = await getLegacyModelReference(ctx.client({ retries: 0 }), 'esrgan').catch((e: unknown) => e)
    expect(isSourcesUnavailableError(error)).toBe(true)
    expect((error as { attempts: { kind: string }[] }).attempts.map((a) => a.kind)).toEqual(['http', 'malformed'])
  })
})
