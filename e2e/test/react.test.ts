import { describe, expect, it } from 'vitest'
import { loopbackContext } from '../browser.js'
import { useChromiumSite } from '../hooks.js'
import { fixtureJson } from '../fixtures.js'
import { startAppServer } from '../../examples/react/serve-app.mjs'

// The React demo (built by `pnpm build`) in real Chromium against the loopback reference server.
describe('examples/react demo in Chromium', () => {
  const ctx = useChromiumSite(startAppServer)

  it('renders the image models and filters them by baseline', async () => {
    const context = await loopbackContext(ctx.browser)
    const tab = await context.newPage()
    const errors: string[] = []
    tab.on('pageerror', (error) => errors.push(error.message))
    await tab.goto(ctx.url())
    await tab.waitForSelector('#status[data-source="primary"]', { timeout: 15_000 })
    expect(await tab.locator('#status').textContent()).toBe('161 image models from primary')
    expect(await tab.locator('#model').getAttribute('data-count')).toBe('161')

    const records = Object.values(fixtureJson('derived-v2/stable_diffusion.json') as Record<string, { name: string; baseline: string }>)
    const flux = records.filter((r) => r.baseline === 'flux_1')
    expect(flux.length).toBeGreaterThan(0)
    await tab.selectOption('#baseline', 'flux_1')
    expect(await tab.locator('#model').getAttribute('data-count')).toBe(String(flux.length))
    expect((await tab.locator('#model option').allTextContents()).slice(1).sort()).toEqual(flux.map((r) => r.name).sort())

    await tab.selectOption('#model', flux[0]!.name)
    await tab.waitForSelector('#details')
    expect(await tab.locator('#details dd').first().textContent()).toBe(flux[0]!.name)
    expect(errors).toEqual([])
    expect(ctx.server.count('primary')).toBe(1)
    await context.close()
  })
})
