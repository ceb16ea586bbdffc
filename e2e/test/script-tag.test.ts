import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { loopbackContext } from '../browser.js'
import { useChromiumSite } from '../hooks.js'
import { fixtureJson } from '../fixtures.js'
import { README_HORDE_API } from '../readme/horde-api.js'
import { buildSearchIndex, searchIndex } from '../../packages/core/src/query/index.js'
import { CSP, startStaticServer } from '../../examples/script-tag/serve.mjs'

type ImageRecord = { name: string; baseline: string }
const records = Object.values(fixtureJson('derived-v2/stable_diffusion.json') as Record<string, ImageRecord>)
// What query().search(text) gives, best first: the core's matcher over the fixture records.
const ranked = (text: string): string[] => searchIndex(buildSearchIndex(records), text).map((hit) => hit.record.name)

// The script-tag example in real Chromium: the IIFE bundle, IndexedDB, CORS and a strict CSP.
describe('examples/script-tag in Chromium', () => {
  const ctx = useChromiumSite(startStaticServer)

  async function open(tab: Page, url = ctx.url()): Promise<string[]> {
    // Records CSP violations from inside the page (the init script is injected by the browser, not the page).
    await tab.addInitScript(() => {
      const seen: string[] = []
      ;(window as unknown as { cspViolations: string[] }).cspViolations = seen
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`))
    })
    const errors: string[] = []
    tab.on('pageerror', (error) => errors.push(error.message))
    await tab.goto(url)
    return errors
  }

  const rowCount = (tab: Page): Promise<number> => tab.locator('#models tbody tr').count()
  const names = (tab: Page): Promise<string[]> => tab.locator('#models tbody td.name').allTextContents()
  // The page with the imitated AI Horde API as well (`?hordeApiUrl=`).
  const withHorde = (): string => `${ctx.url()}&hordeApiUrl=${encodeURIComponent(ctx.server.hordeApiUrl)}`
  const violations = (tab: Page): Promise<string[]> => tab.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)

  it('renders all 161 image models from the primary, under the strict CSP', async () => {
    const context = await loopbackContext(ctx.browser)
    const tab = await context.newPage()
    const response = await tab.goto(ctx.site.origin)
    expect(response?.headers()['content-security-policy']).toBe(CSP)
    const errors = await open(tab)
    await tab.waitForSelector('#models tbody[data-count="161"]', { timeout: 15_000 })
    expect(await rowCount(tab)).toBe(161)
    expect(await tab.locator('#status').getAttribute('data-source')).toBe('primary')
    expect(await tab.locator('#status').textContent()).toMatch(/^161 models · source: primary · fetched \d+ s ago$/)
    expect(await tab.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([])
    expect(errors).toEqual([])
    expect(ctx.server.count('github')).toBe(0)

    // Search (ranked by the SDK's matcher) and sort.
    await tab.fill('#search', 'flux')
    const fluxRows = await rowCount(tab)
    expect(fluxRows).toBeGreaterThan(0)
    expect(fluxRows).toBeLessThan(161)
    expect(await names(tab)).toEqual(ranked('flux'))
    await tab.fill('#search', '')
    await tab.click('button[data-sort="size"]')
    const sizes = await tab.locator('#models tbody tr td.size').allTextContents()
    expect(sizes[0]).toBe('')
    await tab.click('button[data-sort="size"]')
    expect(await tab.locator('button[data-sort="size"]').getAttribute('aria-sort')).toBe('descending')
    // Showcase thumbnails are lazy images; none of them may leave the machine (blocked here).
    expect(await tab.locator('#models tbody img[loading="lazy"]').count()).toBeGreaterThan(0)
    await context.close()
  })

  it('falls back to GitHub when the primary refuses CORS, and renders from IndexedDB after a reload with zero requests', async () => {
    ctx.server.setPrimaryCors(false)
    const context = await loopbackContext(ctx.browser)
    const tab = await context.newPage()
    const errors = await open(tab)
    await tab.waitForSelector('#models tbody[data-count="161"]', { timeout: 15_000 })
    expect(await tab.locator('#status').getAttribute('data-source')).toBe('github')
    // The browser sent the primary request, then refused its answer (no CORS header).
    expect(ctx.server.count('primary')).toBe(1)
    expect(ctx.server.count('github')).toBe(1)
    // No custom header may reach GitHub from a browser: it would need a preflight GitHub refuses.
    expect(ctx.server.requests.filter((r) => r.method === 'OPTIONS')).toEqual([])
    expect(errors).toEqual([])

    await new Promise((resolve) => setTimeout(resolve, 300)) // the IndexedDB write completes in the background
    ctx.server.reset()
    await tab.reload()
    await tab.waitForSelector('#models tbody[data-count="161"]', { timeout: 15_000 })
    expect(await tab.locator('#status').getAttribute('data-source')).toBe('storage')
    expect(await tab.locator('#status').getAttribute('data-stale')).toBe('false')
    expect(ctx.server.requests).toEqual([])
    await context.close()
  })

  it('sends no cookie to the sources, even with one set for their host', async () => {
    const context = await loopbackContext(ctx.browser)
    await context.addCookies([{ name: 'session', value: 'secret', domain: '127.0.0.1', path: '/' }])
    const tab = await context.newPage()
    await open(tab)
    await tab.waitForSelector('#models tbody[data-count="161"]', { timeout: 15_000 })
    expect(ctx.server.requests.length).toBeGreaterThan(0)
    expect(ctx.server.requests.map((r) => r.headers.cookie)).toEqual(ctx.server.requests.map(() => undefined))
    await context.close()
  })

  it('puts data into the page as text, never as HTML', async () => {
    const hostile = '<img src=x onerror="window.pwned=1"><b>bold</b>'
    ctx.server.fault('/v2/image_generation', { kind: 'body', body: JSON.stringify({ x: { name: hostile, baseline: 'flux_1', nsfw: false, style: '<i>s</i>', showcases: ['javascript:alert(1)'] } }) })
    const context = await loopbackContext(ctx.browser)
    const tab = await context.newPage()
    await open(tab)
    await tab.waitForSelector('#models tbody[data-count="1"]', { timeout: 15_000 })
    expect(await tab.locator('#models tbody td.name').textContent()).toBe(hostile)
    expect(await tab.locator('#models tbody b').count()).toBe(0)
    expect(await tab.locator('#models tbody img').count()).toBe(0)
    expect(await tab.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
    await context.close()
  })

  it('shows the worker count of each model from the imitated AI Horde, and sorts by it', async () => {
    ctx.server.setHordeApi(README_HORDE_API)
    const context = await loopbackContext(ctx.browser)
    const tab = await context.newPage()
    const errors = await open(tab, withHorde())
    await tab.waitForSelector('#models tbody[data-count="161"]', { timeout: 15_000 })
    await tab.waitForSelector('#live[data-status="success"]', { timeout: 15_000 })
    expect(await tab.locator('#live').textContent()).toMatch(/^3 models have workers now · fetched \d+ s ago$/)
    const workersOf = async (): Promise<Map<string, string>> => {
      const cells = await tab.locator('#models tbody td.workers').allTextContents()
      return new Map((await names(tab)).map((name, i) => [name, cells[i]!]))
    }
    const workers = await workersOf()
    expect(workers.get('AlbedoBase XL (SDXL)')).toBe('14')
    expect(workers.get('Deliberate')).toBe('9')
    expect(workers.get('Pony Diffusion XL')).toBe('6')
    // Listed by the Horde with no worker: 0; not offered at all: a dash.
    expect(workers.get('Dreamshaper')).toBe('0')
    expect(workers.get('Dreamlike Diffusion')).toBe('—')
    expect([...workers.values()].filter((w) => w === '—')).toHaveLength(161 - 4)

    await tab.click('button[data-sort="workers"]')
    await tab.click('button[data-sort="workers"]')
    expect(await tab.locator('button[data-sort="workers"]').getAttribute('aria-sort')).toBe('descending')
    expect((await names(tab)).slice(0, 4)).toEqual(['AlbedoBase XL (SDXL)', 'Deliberate', 'Pony Diffusion XL', 'Dreamshaper'])

    expect(await violations(tab)).toEqual([])
    expect(errors).toEqual([])
    expect(ctx.server.requests.filter((r) => r.source === 'horde-api').map((r) => `${r.path}${r.search}`)).toEqual(['/horde/api/v2/status/models?type=image'])
    await context.close()
  })

  it('searches as you type in the order query().search ranks, and a clicked column still sorts the matches', async () => {
    ctx.server.setHordeApi(README_HORDE_API)
    const context = await loopbackContext(ctx.browser)
    const tab = await context.newPage()
    const errors = await open(tab, withHorde())
    await tab.waitForSelector('#models tbody[data-count="161"]', { timeout: 15_000 })
    for (const text of ['pony xl', 'deliberat', 'PONY', 'albedo xl']) {
      const expected = ranked(text)
      expect(expected.length).toBeGreaterThan(0)
      await tab.fill('#search', '')
      await tab.locator('#search').pressSequentially(text)
      await tab.waitForSelector(`#models tbody[data-count="${expected.length}"][data-order="match"]`)
      expect(await names(tab)).toEqual(expected)
      // No column claims the order while the best match comes first.
      expect(await tab.locator('th button[aria-sort="none"]').count()).toBe(6)
    }
    expect(ranked('deliberat')[0]).toBe('Deliberate')
    expect(ranked('pony xl').slice(0, 3)).toContain('Pony Diffusion XL')

    // A click sorts the matches by the column; typing again goes back to the best match first.
    await tab.fill('#search', 'deliberat')
    await tab.click('button[data-sort="name"]')
    expect(await tab.locator('#models tbody').getAttribute('data-order')).toBe('name')
    expect(await names(tab)).toEqual([...ranked('deliberat')].sort((a, b) => a.localeCompare(b)))
    await tab.click('button[data-sort="workers"]')
    await tab.click('button[data-sort="workers"]')
    expect((await names(tab))[0]).toBe('Deliberate')
    await tab.locator('#search').press('End')
    await tab.locator('#search').pressSequentially('e')
    await tab.waitForSelector('#models tbody[data-order="match"]')
    expect(await names(tab)).toEqual(ranked('deliberate'))
    // Clearing the search shows every model, by name again.
    await tab.fill('#search', '')
    await tab.waitForSelector('#models tbody[data-count="161"][data-order="name"]')
    expect(await names(tab)).toEqual(records.map((r) => r.name).sort((a, b) => a.localeCompare(b)))

    expect(await violations(tab)).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  })

  it('refreshes the worker counts every 60 s, and keeps them (marked stale) when the Horde fails', async () => {
    ctx.server.setHordeApi(README_HORDE_API)
    const context = await loopbackContext(ctx.browser)
    const tab = await context.newPage()
    // The page's clock, so that a minute passes at once (the SDK's TTL reads the same clock).
    await tab.clock.install()
    const errors = await open(tab, withHorde())
    await tab.waitForSelector('#live[data-status="success"]', { timeout: 15_000 })
    const albedo = tab.locator('#models tbody tr').filter({ has: tab.locator('td.name', { hasText: /^AlbedoBase XL \(SDXL\)$/ }) }).locator('td.workers')
    expect(await albedo.textContent()).toBe('14')

    const image = README_HORDE_API.status!.image as { name: string; count: number }[]
    ctx.server.setHordeApi({ status: { image: image.map((e) => (e.name === 'AlbedoBase XL (SDXL)' ? { ...e, count: 21 } : e)) } })
    await tab.clock.fastForward(61_000)
    await tab.waitForFunction(() => document.querySelector('#live')?.textContent?.startsWith('3 models') && [...document.querySelectorAll('#models tbody td.workers')].some((td) => td.textContent === '21'))
    expect(await albedo.textContent()).toBe('21')

    // The Horde fails: the last numbers stay, and the status line says why.
    ctx.server.fault(/^\/horde\/api\//, { kind: 'status', status: 503 })
    await tab.clock.fastForward(61_000)
    await tab.waitForSelector('#live.stale', { timeout: 15_000 })
    expect(await tab.locator('#live').textContent()).toMatch(/^3 models have workers now · fetched .* · stale: /)
    expect(await albedo.textContent()).toBe('21')
    expect(ctx.server.requests.filter((r) => r.source === 'horde-api').length).toBeGreaterThanOrEqual(3)
    expect(errors).toEqual([])
    await context.close()
  })
})
