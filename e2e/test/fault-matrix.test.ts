import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createModelReferenceClient, isSourcesUnavailableError, type ModelReferenceClient, type ModelReferenceResult } from '@horde-model-reference/core'
import { expectedOutcome, FAULT_COLUMNS, FAULT_ROWS, renderFaultMatrix } from '../fault-matrix.js'
import { startReferenceServer, type ReferenceServer } from '../reference-server.js'

// RELIABILITY.md's fault matrix: one test per cell, against the loopback server, with the
// package as users import it. The table in RELIABILITY.md is rendered from the same definition.
const reliability = fileURLToPath(new URL('../../RELIABILITY.md', import.meta.url))
const START = '<!-- fault-matrix:start -->'
const END = '<!-- fault-matrix:end -->'

let server: ReferenceServer
beforeAll(async () => {
  server = await startReferenceServer()
})
afterAll(() => server.close())
afterEach(() => {
  server.reset()
  vi.useRealTimers()
})

async function clientIn(cache: 'empty' | 'fresh' | 'stale'): Promise<ModelReferenceClient> {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-11-27T12:00:00Z'))
  const client = createModelReferenceClient({ primaryUrl: server.primaryUrl, githubUrl: server.githubUrl, timeoutMs: 300, retries: 1, ttlSeconds: 60 })
  if (cache !== 'empty') {
    await client.getModelReference('image_generation')
    if (cache === 'stale') vi.setSystemTime(Date.now() + 61_000)
  }
  server.reset()
  return client
}

describe('fault matrix (RELIABILITY.md)', () => {
  for (const row of FAULT_ROWS) {
    for (const [github, cache] of FAULT_COLUMNS) {
      const expected = expectedOutcome(row, github, cache)
      it(`PRIMARY ${row.id} · GitHub ${github} · cache ${cache}`, async () => {
        const client = await clientIn(cache)
        row.apply(server)
        if (github === 'down') server.githubDown({ kind: 'status', status: 503 })
        let result: ModelReferenceResult<'image_generation'> | undefined
        let error: unknown
        try {
          result = await client.getModelReferenceResult('image_generation')
        } catch (e) {
          error = e
        }
        expect(server.requests.length > 0).toBe(expected.requests)
        if (expected.result === 'error') {
          expect(isSourcesUnavailableError(error)).toBe(true)
          const attempts = (error as { attempts: { source: string; kind: string }[] }).attempts
          expect(attempts.map((a) => [a.source, a.kind])).toEqual([
            ['primary', row.kind],
            ['github', 'http'],
          ])
          return
        }
        expect(error).toBeUndefined()
        expect(result!.source).toBe(expected.source)
        expect(result!.stale).toBe(expected.stale)
        expect(Object.keys(result!.models)).toHaveLength(expected.records!)
        if (expected.stale) expect(isSourcesUnavailableError(result!.error)).toBe(true)
        const count = (severity: string): number => result!.issues.filter((i) => i.severity === severity).length
        expect({ error: count('error'), warning: count('warning') }).toEqual(expected.issueCounts)
        if (row.outcome === 'answers' && cache !== 'fresh') row.check?.(result!.models)
        expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined()
      })
    }
  }

  it('RELIABILITY.md shows exactly this matrix (UPDATE_RELIABILITY=1 rewrites it)', () => {
    const text = readFileSync(reliability, 'utf8')
    const table = `${START}\n${renderFaultMatrix()}\n${END}`
    if (process.env.UPDATE_RELIABILITY === '1') writeFileSync(reliability, text.replace(new RegExp(`${START}[\\s\\S]*${END}`), table))
    expect(readFileSync(reliability, 'utf8')).toContain(table)
  })
})
