import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startReferenceServer, type ReferenceServer } from '../reference-server.js'
import { denoArgs, denoBinary } from '../../examples/deno-deploy/run-deno.mjs'

// The Deno example as built by `pnpm build` (examples/deno-deploy/dist/main.js), run by the real
// Deno binary with no npm and no remote modules, allowed only the network and the environment.
const bundle = fileURLToPath(new URL('../../examples/deno-deploy/dist/main.js', import.meta.url))

describe('examples/deno-deploy in Deno', () => {
  let server: ReferenceServer
  let deno: ChildProcess
  let origin: string
  beforeAll(async () => {
    server = await startReferenceServer()
    deno = spawn(denoBinary(), denoArgs(bundle), {
      env: { ...process.env, PORT: '0', PRIMARY_URL: server.primaryUrl, GITHUB_URL: server.githubUrl, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    origin = await new Promise<string>((resolve, reject) => {
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
  }, 30_000)
  afterAll(async () => {
    deno?.kill()
    await server?.close()
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
    expect(code).not.toMatch(/\brequire\(["']|\bprocess\.env\b|\bBuffer\.from\b|__dirname/)
    expect(denoArgs(bundle)).toEqual(expect.arrayContaining(['--no-npm', '--no-remote']))
  })
})
