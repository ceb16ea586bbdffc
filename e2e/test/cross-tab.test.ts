import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { loopbackContext } from '../browser.js'
import { useChromiumSite } from '../hooks.js'
import { startStaticServer } from '../../examples/script-tag/serve.mjs'

// Two tabs of one origin in real Chromium: the script-tag page, IndexedDB storage, the browser's
// own Web Locks and BroadcastChannel.
describe('two tabs in Chromium', () => {
  const ctx = useChromiumSite(startStaticServer)

  const status = (tab: Page, name: string): Promise<string | null> => tab.locator('#status').getAttribute(name)

  it('opened together, they download the category once; a refresh in one updates the other', async () => {
    // A slow answer keeps the first tab's download in flight while the second tab starts.
    ctx.server.fault('/v2/image_generation', { kind: 'trickle', intervalMs: 60, chunks: 8 }, 1)
    const context = await loopbackContext(ctx.browser)
    const [tabA, tabB] = await Promise.all([context.newPage(), context.newPage()])
    await Promise.all([tabA.goto(ctx.url()), tabB.goto(ctx.url())])
    await Promise.all([tabA, tabB].map((tab) => tab.waitForSelector('#models tbody[data-count="161"]', { timeout: 20_000 })))
    // Web Locks: one tab downloaded, the other waited and read its copy from IndexedDB.
    expect(ctx.server.count('primary')).toBe(1)
    expect([await status(tabA, 'data-source'), await status(tabB, 'data-source')].sort()).toEqual(['primary', 'storage'])

    // A refresh in tab A (a client of its own, over the same IndexedDB) reaches tab B's
    // subscriber through BroadcastChannel: tab B re-renders from storage with the new copy.
    const shownBefore = await status(tabB, 'data-fetched-at')
    const refreshedAt = await tabA.evaluate(async (options) => {
      const { createModelReferenceClient, createIndexedDbStorage } = (window as unknown as { HordeModelReference: typeof import('@horde-model-reference/browser') }).HordeModelReference
      const client = createModelReferenceClient({ ...options, storage: createIndexedDbStorage() })
      return (await client.refresh('image_generation')).fetchedAt
    }, { primaryUrl: ctx.server.primaryUrl, githubUrl: ctx.server.githubUrl })
    expect(String(refreshedAt)).not.toBe(shownBefore)
    await tabB.waitForSelector(`#status[data-fetched-at="${refreshedAt}"][data-source="storage"]`, { timeout: 10_000 })
    expect(await tabB.locator('#models tbody').getAttribute('data-count')).toBe('161')
    // Tab B learnt of it without asking the sources itself.
    expect(ctx.server.count('primary')).toBe(2)
    await context.close()
  })
})
