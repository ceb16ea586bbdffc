import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { loopbackContext } from '../browser.js'
import { useChromiumSite } from '../hooks.js'
import { CSP, startStaticServer } from '../../examples/script-tag/serve.mjs'

// The script-tag example in real Chromium: the IIFE bundle, IndexedDB, CORS and a strict CSP.
describe('examples/script-tag in Chromium', () => {
  const ctx = useChromiumSite(startStaticServer)

  async function open(tab: Page): Promise<string[]> {
    // Records CSP violations from inside the page (the init script is injected by the browser, not the page).
    await tab.addInitScript(() => {
      const seen: string[] = []
      ;(window as unknown as { cspViolations: string[] }).cspViolations = seen
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`))
    })
    const errors: string[] = []
    tab.on('pageerror', (error) => errors.push(error.message))
    await tab.goto(ctx.url())
    return errors
  }

  const rowCount = (tab: Page): Promise<number> => tab.locator('#models tbody tr').count()

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

    // Search and sort.
    await tab.fill('#search', 'flux')
    const fluxRows = await rowCount(tab)
    expect(fluxRows).toBeGreaterThan(0)
    expect(fluxRows).toBeLessThan(161)
    const baselines = await tab.locator('#models tbody tr td:nth-child(2)').allTextContents()
    const names = await tab.locator('#models tbody tr td:nth-child(1)').allTextContents()
    expect(baselines.every((b, i) => `${names[i]} ${b}`.toLowerCase().includes('flux') || b.includes('flux'))).toBe(true)
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
})
