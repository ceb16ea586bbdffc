import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { useLoopbackServer } from '../../../e2e/hooks.js'

const script = fileURLToPath(new URL('../index.mjs', import.meta.url))
const cacheDir = mkdtempSync(join(tmpdir(), 'hmr-node-bot-'))

function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('examples/node-bot (unstorage fs driver)', () => {
  const ctx = useLoopbackServer()
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }))

  it('a restart reads the copy from its folder, with no upstream request while it is fresh', async () => {
    const env = { HORDE_MODEL_REFERENCE_PRIMARY_URL: ctx.server.primaryUrl, HORDE_MODEL_REFERENCE_GITHUB_URL: ctx.server.githubUrl, HORDE_MODEL_REFERENCE_CACHE_DIR: cacheDir }
    const first = await run(env)
    expect(first).toMatchObject({ code: 0, stderr: '' })
    expect(first.stdout).toBe('image_generation: 161 models from primary\n')
    expect(ctx.server.requests).toHaveLength(1)
    expect(readdirSync(join(cacheDir, 'horde-model-reference', 'v'))).toContain('horde-model-reference%3aimage_generation')

    // A second process: a new client, a new Storage over the same folder.
    const second = await run(env)
    expect(second).toMatchObject({ code: 0, stderr: '' })
    expect(second.stdout).toBe('image_generation: 161 models from storage\n')
    expect(ctx.server.requests).toHaveLength(1)
  })
})
