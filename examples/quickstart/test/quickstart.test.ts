import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { fixtureJson } from '../../../e2e/fixtures.js'
import { useLoopbackServer } from '../../../e2e/hooks.js'

const script = fileURLToPath(new URL('../index.mjs', import.meta.url))

function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now()
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: Date.now() - started })
    })
  })
}

describe('examples/quickstart (Node)', () => {
  const ctx = useLoopbackServer()

  it('prints the count and the first five image models from a mirror', async () => {
    const { code, stdout } = await run({ HORDE_MODEL_REFERENCE_PRIMARY_URL: ctx.server.primaryUrl, HORDE_MODEL_REFERENCE_GITHUB_URL: ctx.server.githubUrl })
    expect(code).toBe(0)
    const lines = stdout.trim().split('\n')
    expect(lines[0]).toBe('Found 161 image generation models')
    // The first five records of the file the mirror's primary serves, in file order.
    const served = Object.values(fixtureJson('derived-v2/stable_diffusion.json') as Record<string, { name: string; baseline: string }>)
    expect(lines.slice(1)).toEqual(served.slice(0, 5).map((model) => `  ${model.name}: ${model.baseline}`))
    expect(lines).toHaveLength(6)
  })

  it('falls back to the GitHub mirror when the primary is unreachable', async () => {
    const { code, stdout } = await run({ HORDE_MODEL_REFERENCE_PRIMARY_URL: 'http://127.0.0.1:1/api', HORDE_MODEL_REFERENCE_GITHUB_URL: ctx.server.githubUrl })
    expect(code).toBe(0)
    expect(stdout).toContain('Found 161 image generation models')
  })

  it('with no network, fails within seconds with a clear message', async () => {
    const { code, stderr, ms } = await run({ HORDE_MODEL_REFERENCE_PRIMARY_URL: 'http://127.0.0.1:1/api', HORDE_MODEL_REFERENCE_GITHUB_URL: 'http://127.0.0.1:1' })
    expect(code).toBe(1)
    expect(stderr).toContain('Could not load model reference category "image_generation"')
    expect(stderr).toContain('primary http://127.0.0.1:1/api/model_references/v2/image_generation: network')
    expect(stderr).toContain('github http://127.0.0.1:1/Haidra-Org/AI-Horde-image-model-reference/refs/heads/main/stable_diffusion.json: network')
    expect(stderr).toContain('set HORDE_MODEL_REFERENCE_PRIMARY_URL and/or HORDE_MODEL_REFERENCE_GITHUB_URL')
    expect(ms).toBeLessThan(5_000)
  })
})
