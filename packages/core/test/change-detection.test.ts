import { describe, expect, it } from 'vitest'
import { type CategoryChange, type CategoryState, type StorageAdapter } from '../src/index.js'
import { diffModelReferences, fingerprintRecords, watchModelReference, type ModelReferenceChange } from '../src/diff/index.js'
import { fixtureText } from '../../../e2e/fixtures.js'
import { useReferenceServer } from './helpers/setup.js'

// Fingerprints on results, structural sharing of equal copies, subscribe's recordsChanged and
// watchModelReference, against the loopback server's real data.
const ctx = useReferenceServer()
const IMAGE_V2 = '/api/model_references/v2/image_generation'
const LEGACY_SD = 'stable_diffusion.json'

describe('result.fingerprint', () => {
  it('is fingerprintRecords(models), the same for every result of a copy, and survives storage', async () => {
    // A storage that keeps JSON text, as IndexedDB or KV keep copies: every restore is new objects.
    const texts = new Map<string, string>()
    const storage: StorageAdapter = {
      get: async (key) => (texts.has(key) ? JSON.parse(texts.get(key)!) : undefined),
      set: async (key, value) => void texts.set(key, JSON.stringify(value)),
      delete: async (key) => void texts.delete(key),
      clear: async () => texts.clear(),
    }
    const first = ctx.client({ storage })
    const result = await first.getModelReferenceResult('image_generation')
    expect(result.fingerprint).toMatch(/^v1:[0-9a-f]{32}$/)
    expect(result.fingerprint).toBe(fingerprintRecords(result.models))
    // A second client restores the stored copy: other objects, the same records.
    const second = ctx.client({ storage, primaryUrl: 'http://127.0.0.1:9/never' })
    const restored = await second.getModelReferenceResult('image_generation')
    expect(restored.source).toBe('storage')
    expect(restored.models).not.toBe(result.models)
    expect(restored.fingerprint).toBe(result.fingerprint)
    // Text and image differ; the empty categories share the empty map's.
    expect((await first.getModelReferenceResult('text_generation')).fingerprint).not.toBe(result.fingerprint)
    expect((await first.getModelReferenceResult('lora')).fingerprint).toBe(fingerprintRecords({}))
    expect(JSON.parse(JSON.stringify(result)).fingerprint).toBe(result.fingerprint)
  })

  it('merged reads of several sources have one too', async () => {
    const client = ctx.client()
    const merged = await client.getModelReferenceResult('image_generation', { source: 'any' })
    expect(merged.fingerprint).toBe(fingerprintRecords(merged.models))
  })
})

describe('structural sharing and subscribe', () => {
  it('a download of the same records keeps the models object; listeners are told nothing changed', async () => {
    const client = ctx.client()
    const changes: CategoryChange[] = []
    const states: CategoryState[] = []
    client.subscribe('image_generation', (state, change) => {
      states.push(state)
      changes.push(change)
    })
    const first = await client.getModelReferenceResult('image_generation')
    expect(changes.some((c) => c.recordsChanged)).toBe(true)
    changes.length = 0
    // A new last_updated makes the client download the category again: the same records come back.
    ctx.server.setLastUpdated('image_generation', 1_900_000_000)
    const again = await client.refresh('image_generation')
    expect(ctx.server.requests.filter((r) => r.path === IMAGE_V2).length).toBe(2)
    expect(again.models).toBe(first.models)
    expect(again.fetchedAt).toBeGreaterThanOrEqual(first.fetchedAt)
    expect(changes.length).toBeGreaterThan(0)
    expect(changes.every((c) => !c.recordsChanged)).toBe(true)
    expect(changes[0]!.previous.status).toBe('success')
  })

  it('different records: a new models object, recordsChanged true', async () => {
    const client = ctx.client({ primaryUrl: null, conditionalRequests: false })
    const old = await client.getModelReferenceResult('image_generation')
    const seen: boolean[] = []
    client.subscribe('image_generation', (_state, change) => seen.push(change.recordsChanged))
    ctx.server.fault(LEGACY_SD, { kind: 'body', body: fixtureText('legacy-history/stable_diffusion.c0f33dd.json'), contentType: 'application/json' })
    const next = await client.refresh('image_generation')
    expect(next.models).not.toBe(old.models)
    expect(next.fingerprint).not.toBe(old.fingerprint)
    expect(seen).toContain(true)
  })
})

describe('watchModelReference', () => {
  it('reports the real history once, with the diff, and nothing for an equal refetch', async () => {
    const client = ctx.client({ primaryUrl: null, conditionalRequests: false })
    const changes: ModelReferenceChange<'image_generation'>[] = []
    const stop = watchModelReference(client, 'image_generation', (change) => changes.push(change))
    // The older file first (the baseline: not a change), then today's file.
    ctx.server.fault(LEGACY_SD, { kind: 'body', body: fixtureText('legacy-history/stable_diffusion.c0f33dd.json'), contentType: 'application/json' }, 1)
    const before = await client.getModelReferenceResult('image_generation')
    expect(changes).toEqual([])
    const after = await client.refresh('image_generation')
    expect(changes.length).toBe(1)
    const [change] = changes
    expect(change!.before).toBe(before)
    expect(change!.after.models).toBe(after.models)
    expect(change!.diff).toEqual(diffModelReferences(before.models, after.models))
    // An independent view of the converted copies: names only in one of them.
    const oldNames = new Set(Object.keys(before.models))
    const newNames = new Set(Object.keys(after.models))
    expect(change!.diff.added).toEqual([...newNames].filter((n) => !oldNames.has(n)).sort())
    expect(change!.diff.removed).toEqual([...oldNames].filter((n) => !newNames.has(n)).sort())
    expect(change!.diff.added.length + change!.diff.removed.length + change!.diff.changed.length).toBeGreaterThan(0)
    // The same file again: downloaded, equal, not reported.
    await client.refresh('image_generation')
    expect(changes.length).toBe(1)
    stop()
    ctx.server.fault(LEGACY_SD, { kind: 'body', body: fixtureText('legacy-history/stable_diffusion.c0f33dd.json'), contentType: 'application/json' }, 1)
    await client.refresh('image_generation')
    expect(changes.length).toBe(1)
  })

  it('a failed refresh or a stale copy is no change; a throwing listener is an error event', async () => {
    const client = ctx.client({ primaryUrl: null, conditionalRequests: false, retries: 0 })
    await client.getModelReferenceResult('image_generation')
    const changes: unknown[] = []
    watchModelReference(client, 'image_generation', () => {
      changes.push(1)
      throw new Error('listener broke')
    })
    ctx.server.githubDown({ kind: 'status', status: 503 })
    await client.refresh('image_generation').catch(() => undefined)
    expect(changes).toEqual([])
    ctx.server.reset()
    ctx.server.fault(LEGACY_SD, { kind: 'body', body: fixtureText('legacy-history/stable_diffusion.c0f33dd.json'), contentType: 'application/json' }, 1)
    await client.refresh('image_generation')
    expect(changes).toEqual([1])
    expect(ctx.events.some((e) => e.type === 'error')).toBe(true)
    expect(() => watchModelReference(client, 'image_generation', undefined as never)).toThrow(TypeError)
  })
})
