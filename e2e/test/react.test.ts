import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { loopbackContext } from '../browser.js'
import { useChromiumSite } from '../hooks.js'
import { fixtureJson } from '../fixtures.js'
import { README_HORDE_API } from '../readme/horde-api.js'
import { buildSearchIndex, searchIndex } from '../../packages/core/src/query/index.js'
import { startAppServer } from '../../examples/react/serve-app.mjs'

type ImageRecord = { name: string; baseline: string; nsfw: boolean }
const records = Object.values(fixtureJson('derived-v2/stable_diffusion.json') as Record<string, ImageRecord>)
// What query().search(text) gives, best first: the core's matcher over the fixture records.
const ranked = (text: string, keep: (record: ImageRecord) => boolean = () => true): string[] =>
  searchIndex(buildSearchIndex(records), text)
    .map((hit) => hit.record)
    .filter(keep)
    .map((record) => record.name)

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

  // The page with the imitated AI Horde API as well (`?hordeApiUrl=`).
  const withHorde = (): string => `${ctx.url()}&hordeApiUrl=${encodeURIComponent(ctx.server.hordeApiUrl)}`

  async function open(tab: Page, url: string): Promise<string[]> {
    // CSP violations, recorded from inside the page (the app's server sends a strict CSP header).
    await tab.addInitScript(() => {
      const seen: string[] = []
      ;(window as unknown as { cspViolations: string[] }).cspViolations = seen
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`))
    })
    const errors: string[] = []
    tab.on('pageerror', (error) => errors.push(error.message))
    tab.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    await tab.goto(url)
    await tab.waitForSelector('#status[data-source="primary"]', { timeout: 15_000 })
    return errors
  }

  const optionValues = async (tab: Page): Promise<string[]> => (await tab.locator('#model option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).slice(1)
  const optionFor = (tab: Page, name: string) => tab.locator('#model option').filter({ has: tab.locator(`xpath=self::*[@value=${JSON.stringify(name)}]`) })

  it('shows the worker count of each model from the imitated AI Horde, 0 for the others, and picks a random available model', async () => {
    ctx.server.setHordeApi(README_HORDE_API)
    const context = await loopbackContext(ctx.browser)
    const tab = await context.newPage()
    const errors = await open(tab, withHorde())
    await tab.waitForSelector('#live[data-status="success"]', { timeout: 15_000 })
    // AlbedoBase XL, Deliberate and Pony Diffusion XL have workers; Dreamshaper is listed with 0; the unlisted model is not counted.
    expect(await tab.locator('#live').textContent()).toBe('3 of 161 models have workers now')
    const texts = await tab.locator('#model option').allTextContents()
    expect(texts).toContain('AlbedoBase XL (SDXL) — 14 workers')
    expect(texts).toContain('Deliberate — 9 workers')
    expect(texts).toContain('Pony Diffusion XL — 6 workers')
    expect(texts).toContain('Dreamshaper — 0 workers')
    expect(texts).toContain('Dreamlike Diffusion — 0 workers')
    expect(texts.filter((t) => / — [1-9]\d* workers?$/.test(t))).toHaveLength(3)
    expect(texts.slice(1).every((t) => / — \d+ workers?$/.test(t))).toBe(true)
    expect(await optionFor(tab, 'AlbedoBase XL (SDXL)').getAttribute('data-workers')).toBe('14')
    expect(await optionFor(tab, 'Dreamlike Diffusion').getAttribute('data-workers')).toBe('0')

    // The random pick is always a model with workers, and its details show them.
    const available = new Map([['AlbedoBase XL (SDXL)', '14 workers'], ['Deliberate', '9 workers'], ['Pony Diffusion XL', '6 workers']])
    for (let i = 0; i < 5; i++) {
      await tab.click('#random')
      await tab.waitForSelector('#details')
      const name = (await tab.locator('#details dd').first().textContent())!
      expect(available.has(name)).toBe(true)
      expect(await tab.locator('#model').inputValue()).toBe(name)
      expect(await tab.locator('#details-workers').textContent()).toBe(available.get(name))
    }
    // Among the models shown: no flux model has workers, so there is nothing to pick.
    await tab.selectOption('#baseline', 'flux_1')
    expect(await tab.locator('#random').isDisabled()).toBe(true)
    await tab.selectOption('#baseline', 'stable_diffusion_1')
    expect(await tab.locator('#random').isDisabled()).toBe(false)
    await tab.click('#random')
    await tab.waitForFunction(() => document.querySelector('#details dd')?.textContent === 'Deliberate')

    expect(await tab.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([])
    expect(errors).toEqual([])
    expect(ctx.server.requests.filter((r) => r.source === 'horde-api').map((r) => `${r.path}${r.search}`)).toEqual(['/horde/api/v2/status/models?type=image'])
    await context.close()
  })

  it('searches as you type, in the order query().search ranks, with the baseline filter', async () => {
    ctx.server.setHordeApi(README_HORDE_API)
    const context = await loopbackContext(ctx.browser)
    const tab = await context.newPage()
    const errors = await open(tab, withHorde())
    expect(await optionValues(tab)).toEqual(records.map((r) => r.name))

    for (const text of ['pony xl', 'deliberat', 'albedo xl']) {
      const expected = ranked(text)
      expect(expected.length).toBeGreaterThan(0)
      expect(expected.length).toBeLessThan(161)
      await tab.fill('#search', '')
      // One key at a time, as a user types: every keystroke searches.
      await tab.locator('#search').pressSequentially(text)
      await tab.waitForSelector(`#model[data-count="${expected.length}"]`)
      expect(await optionValues(tab)).toEqual(expected)
    }
    expect(ranked('deliberat')[0]).toBe('Deliberate')
    expect(ranked('pony xl').slice(0, 3)).toContain('Pony Diffusion XL')

    // The search and the baseline filter together (the hook's refine).
    await tab.fill('#search', 'pony')
    await tab.selectOption('#baseline', 'stable_diffusion_xl')
    const sdxlPony = ranked('pony', (r) => r.baseline === 'stable_diffusion_xl')
    await tab.waitForSelector(`#model[data-count="${sdxlPony.length}"]`)
    expect(await optionValues(tab)).toEqual(sdxlPony)
    // The worker counts follow the models into the search results.
    expect(await optionFor(tab, 'Pony Diffusion XL').textContent()).toBe('Pony Diffusion XL — 6 workers')

    // Nothing matches; then an empty text shows every model again, in the reference's order.
    await tab.selectOption('#baseline', '')
    await tab.fill('#search', 'zzzz qqqq')
    await tab.waitForSelector('#model[data-count="0"]')
    await tab.fill('#search', '')
    await tab.waitForSelector('#model[data-count="161"]')
    expect(await optionValues(tab)).toEqual(records.map((r) => r.name))

    expect(await tab.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows the models without worker counts when the AI Horde cannot be read', async () => {
    ctx.server.fault(/^\/horde\/api\//, { kind: 'status', status: 503 })
    const context = await loopbackContext(ctx.browser)
    const tab = await context.newPage()
    const pageErrors: string[] = []
    tab.on('pageerror', (error) => pageErrors.push(error.message))
    await tab.goto(withHorde())
    await tab.waitForSelector('#live[data-status="error"]', { timeout: 15_000 })
    expect(await tab.locator('#live').textContent()).toMatch(/^Live numbers unavailable: /)
    expect(await tab.locator('#model').getAttribute('data-count')).toBe('161')
    expect((await tab.locator('#model option').allTextContents()).slice(1)).toEqual(records.map((r) => r.name))
    expect(await tab.locator('#random').isDisabled()).toBe(true)
    expect(pageErrors).toEqual([])
    await context.close()
  })
})
