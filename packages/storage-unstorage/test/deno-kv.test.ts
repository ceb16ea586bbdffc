import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { realEnvelope } from '../../core/test/contract/storage-contract.js'
import { startReferenceServer, type ReferenceServer } from '../../../e2e/reference-server.js'
import { denoBinary } from '../../../examples/deno-deploy/run-deno.mjs'

// unstorage's deno-kv driver in the real Deno (from @deno/linux-x64-glibc), over a Deno KV file
// in a temporary folder. Deno gets no npm and no remote modules: the check script, the adapter,
// the core, unstorage and the driver are bundled into one ES module first.
const entry = fileURLToPath(new URL('./deno/deno-kv-check.ts', import.meta.url))

async function bundle(outDir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'silent',
    resolve: { conditions: ['deno', 'browser', 'import', 'default'] },
    build: {
      outDir,
      emptyOutDir: false,
      minify: false,
      target: 'es2022',
      rolldownOptions: { output: { codeSplitting: false } },
      lib: { entry, formats: ['es'], fileName: () => 'deno-kv-check.js' },
    },
  })
  return join(outDir, 'deno-kv-check.js')
}

function runDeno(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      denoBinary(),
      ['run', '--unstable-kv', '--no-remote', '--no-npm', '--no-prompt', '--allow-read', '--allow-write', '--allow-env', '--allow-net=127.0.0.1', script, ...args],
      { env: { ...process.env, ...env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('unstorage deno-kv driver in Deno (a local Deno KV file)', () => {
  let server: ReferenceServer
  let dir: string
  let script: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hmr-unstorage-denokv-'))
    ;[server, script] = await Promise.all([startReferenceServer(), bundle(dir)])
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps a client’s copy, round-trips a 0.5 MB envelope, deletes, clears its prefix only, and a second Deno process reads the copy with no request', async () => {
    const db = join(dir, 'kv.sqlite3')
    const input = join(dir, 'envelope.json')
    const output = join(dir, 'read-back.json')
    const envelope = realEnvelope('text_generation')
    writeFileSync(input, JSON.stringify(envelope))
    const env = { PRIMARY_URL: server.primaryUrl, GITHUB_URL: server.githubUrl }

    const write = await runDeno(script, ['write', db, input, output], env)
    expect(write.stderr).toBe('')
    expect(write.code).toBe(0)
    const first = JSON.parse(write.stdout) as Record<string, any>
    expect(first.client).toMatchObject({ source: 'primary', count: 161 })
    expect(first.stored).toMatchObject({ fetchedAt: first.client.fetchedAt, count: 161 })
    // Over Deno KV's 64 KiB: the adapter split it into parts, and they read back whole.
    expect(first.stored.length).toBeGreaterThan(64 * 1024)
    expect(first.parts).toBeGreaterThanOrEqual(Math.ceil(first.stored.length / 32_000))
    expect(JSON.parse(readFileSync(output, 'utf8'))).toEqual(JSON.parse(JSON.stringify(envelope)))
    expect(first.unsplitError).toMatch(/too large|size/i)
    expect(first).toMatchObject({ deleted: true, hostileApart: true, cleared: true, otherPrefixKept: true, foreignKeyKept: true })
    // After clear() the client fetched again: two upstream reads in the first process.
    expect(first.rewritten.source).toBe('primary')
    expect(server.count('primary')).toBe(2)
    expect(existsSync(db)).toBe(true)

    const read = await runDeno(script, ['read', db, input, output], env)
    expect(read.stderr).toBe('')
    expect(read.code).toBe(0)
    const second = JSON.parse(read.stdout) as Record<string, any>
    expect(second.client).toEqual({ source: 'storage', stale: false, fetchedAt: first.rewritten.fetchedAt, count: 161 })
    expect(second.marker).toEqual({ written: 'by the first process' })
    expect(server.count('primary')).toBe(2)
    expect(server.requests).toHaveLength(2)
  }, 60_000)
})
