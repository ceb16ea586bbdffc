import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startReferenceServer, type ReferenceServer } from '../reference-server.js'
import { createModelReferenceClient } from '@horde-model-reference/core'
import { denoArgs, denoBinary, kvPermissions } from '../../examples/deno-deploy/run-deno.mjs'

// The Deno example as built by `pnpm build` (examples/deno-deploy/dist/main.js), run by the real
// Deno binary with no npm and no remote modules, allowed only the network and the environment.
const bundle = fileURLToPath(new URL('../../examples/deno-deploy/dist/main.js', import.meta.url))

/** Starts the bundled example in Deno over a Deno KV file; resolves with its origin once it listens. */
async function startDeno(server: ReferenceServer, kvPath: string, env: Record<string, string> = {}, extra: string[] = []): Promise<{ deno: ChildProcess; origin: string }> {
  const deno = spawn(denoBinary(), denoArgs(bundle, [...kvPermissions(kvPath), ...extra]), {
    env: { ...process.env, PORT: '0', PRIMARY_URL: server.primaryUrl, GITHUB_URL: server.githubUrl, DENO_KV_PATH: kvPath, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const origin = await new Promise<string>((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = /Listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)
      if (match) resolve(match[1]!)
    }
    deno.stdout!.on('data', onData)
    deno.stderr!.on('data', onData)
    deno.on('exit', (code) => reject(new Error(`deno exited with ${code}: ${output}`)))
    setTimeout(() => reject(new Error(`deno did not start: ${output}`)), 15_000)
  })
  return { deno, origin }
}

/** Stops a Deno process and waits for it to exit (so that its KV file is closed). */
async function stopDeno(deno: ChildProcess | undefined): Promise<void> {
  if (deno === undefined || deno.exitCode !== null || deno.signalCode !== null) return
  const exited = new Promise((resolve) => deno.once('exit', resolve))
  deno.kill()
  await exited
}

describe('examples/deno-deploy in Deno', () => {
  let server: ReferenceServer
  let deno: ChildProcess
  let origin: string
  let dir: string
  beforeAll(async () => {
    server = await startReferenceServer()
    dir = mkdtempSync(join(tmpdir(), 'hmr-deno-kv-'))
    ;({ deno, origin } = await startDeno(server, join(dir, 'models.db')))
  }, 30_000)
  afterAll(async () => {
    await stopDeno(deno)
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers requests like the primary, from its in-memory cache', async () => {
    const first = await fetch(`${origin}/api/model_references/v2/text_generation`)
    expect(first.status).toBe(200)
    expect(first.headers.get('x-model-reference-source')).toBe('primary')
    expect(first.headers.get('access-control-allow-origin')).toBe('*')
    expect(Object.keys((await first.json()) as object)).toHaveLength(719)
    const second = await fetch(`${origin}/api/model_references/v2/text_generation`)
    expect(second.headers.get('x-model-reference-status')).toBe('fresh')
    await second.arrayBuffer()
    expect(server.count('primary')).toBe(1)
    const lastUpdated = await fetch(`${origin}/api/model_references/v2/metadata/text_generation/last_updated`)
    expect(await lastUpdated.json()).toMatchObject({ category: 'text_generation', last_updated: expect.any(Number) })
  })

  it('falls back to GitHub inside Deno too', async () => {
    server.primaryDown({ kind: 'reset' })
    const response = await fetch(`${origin}/api/model_references/v2/gfpgan`)
    expect(response.headers.get('x-model-reference-source')).toBe('github')
    expect(Object.keys((await response.json()) as object)).toEqual(['GFPGAN'])
    server.reset()
  })

  it('loads with no Node built-ins: the bundle imports nothing, and Deno ran it without npm', () => {
    const code = readFileSync(bundle, 'utf8')
    // Real import and export statements only (TypeScript's scanner skips comments and strings).
    const { importedFiles } = ts.preProcessFile(code, true, true)
    expect(importedFiles.map((file) => file.fileName)).toEqual([])
    // A use guarded by feature detection (unstorage: `if (globalThis.Buffer) return Buffer.from(...)`, else atob) is not one.
    const unguarded = code.split('\n').filter((line) => /\brequire\(["']|\bprocess\.env\b|\bBuffer\.from\b|__dirname/.test(line) && !/if \(globalThis\.Buffer\)/.test(line))
    expect(unguarded).toEqual([])
    expect(denoArgs(bundle)).toEqual(expect.arrayContaining(['--no-npm', '--no-remote']))
  })
})

describe('examples/deno-deploy in Deno, started from a snapshot (SNAPSHOT_FILE)', () => {
  let server: ReferenceServer
  let deno: ChildProcess | undefined
  let dir: string
  beforeAll(async () => {
    server = await startReferenceServer()
    dir = mkdtempSync(join(tmpdir(), 'hmr-snapshot-'))
  })
  afterAll(async () => {
    await stopDeno(deno)
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers from a last-resort snapshot at once, with every upstream down, and says it is stale', async () => {
    // A snapshot written as an app would ship it: dehydrated by a client, as JSON, as the last resort.
    const writer = createModelReferenceClient({ primaryUrl: server.primaryUrl, githubUrl: server.githubUrl })
    await writer.getModelReference('gfpgan')
    const file = join(dir, 'snapshot.json')
    const snapshot = writer.dehydrate(['gfpgan'], { lastResort: true })
    // Older than maxStaleSeconds: only the last-resort flag lets it be served.
    writeFileSync(file, JSON.stringify({ ...snapshot, categories: { gfpgan: { ...snapshot.categories.gfpgan, fetchedAt: Date.now() - 30 * 24 * 3600 * 1000 } } }))
    server.primaryDown({ kind: 'reset' })
    server.githubDown({ kind: 'reset' })
    const started = await startDeno(server, join(dir, 'kv', 'models.db'), { SNAPSHOT_FILE: file }, [`--allow-read=${file}`])
    deno = started.deno
    const { origin } = started
    const response = await fetch(`${origin}/api/model_references/v2/gfpgan`)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-model-reference-status')).toBe('stale')
    expect(response.headers.get('x-model-reference-last-resort')).toBe('true')
    expect(response.headers.get('x-model-reference-source')).toBe('snapshot')
    expect(Object.keys((await response.json()) as object)).toEqual(['GFPGAN'])
    writer.dispose()
  }, 30_000)
})

describe('examples/deno-deploy in Deno, its copy kept in Deno KV', () => {
  let server: ReferenceServer
  let dir: string
  const running: ChildProcess[] = []
  beforeAll(async () => {
    server = await startReferenceServer()
    dir = mkdtempSync(join(tmpdir(), 'hmr-deno-kv-restart-'))
  })
  afterAll(async () => {
    await Promise.all(running.map(stopDeno))
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('a restarted Deno process over the same database answers with no upstream request while the copy is fresh', async () => {
    const kvPath = join(dir, 'models.db')
    const first = await startDeno(server, kvPath)
    running.push(first.deno)
    const warm = await fetch(`${first.origin}/api/model_references/v2/image_generation`)
    expect(warm.headers.get('x-model-reference-source')).toBe('primary')
    expect(Object.keys((await warm.json()) as object)).toHaveLength(161)
    // The KV write is background work of the read: give it a moment, then restart.
    await new Promise((resolve) => setTimeout(resolve, 500))
    await stopDeno(first.deno)
    const before = server.requests.length
    const second = await startDeno(server, kvPath)
    running.push(second.deno)
    const cold = await fetch(`${second.origin}/api/model_references/v2/image_generation`)
    expect(cold.status).toBe(200)
    expect(cold.headers.get('x-model-reference-source')).toBe('storage')
    expect(cold.headers.get('x-model-reference-status')).toBe('fresh')
    expect(Object.keys((await cold.json()) as object)).toHaveLength(161)
    expect(server.requests.length).toBe(before)
  }, 40_000)
})
