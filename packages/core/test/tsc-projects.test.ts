import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { MODEL_REFERENCE_CATEGORIES } from '../src/index.js'

// Two small tsc projects under test/tsc-projects (left out of the root typecheck), compiled
// against the built packages' declarations as an app sees them (`pnpm test` builds first).
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const project = (name: string): string => fileURLToPath(new URL(`./tsc-projects/${name}/tsconfig.json`, import.meta.url))

function compile(name: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    // `timeout` kills tsc if it hangs; a killed run is a failure, never a pass.
    execFile(process.execPath, [tsc, '-p', project(name), '--pretty', 'false'], { timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && (error.killed || typeof error.code !== 'number')) reject(error)
      else resolve({ code: error === null ? 0 : (error.code as number), output: `${stdout}${stderr}` })
    })
  })
}

describe('tsc projects', () => {
  it('under exactOptionalPropertyTypes every optional field of every public options type accepts undefined', async () => {
    const { code, output } = await compile('exact-optional')
    expect(output).toBe('')
    expect(code).toBe(0)
  }, 100_000)

  it('a misspelt category literal fails to compile, and the message lists every valid name', async () => {
    const { code, output } = await compile('misspelt-category')
    expect(code).toBe(2)
    const union = MODEL_REFERENCE_CATEGORIES.map((category) => `"${category}"`).join(' | ')
    for (const [line, typo] of [[6, 'imagegen'], [7, 'text_generaton'], [8, 'controlnett']] as const) {
      expect(output).toMatch(new RegExp(`misspelt\\.ts\\(${line},\\d+\\): error TS2769`))
      expect(output).toContain(`Argument of type '"${typo}"' is not assignable to parameter of type '${union}'.`)
    }
  }, 100_000)
})
