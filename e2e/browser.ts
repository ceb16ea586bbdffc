import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'

/** Debian's Chromium (`.ci/run` installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Launches headless Chromium the way this machine allows (no sandbox as root, no background networking). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run .ci/run (it installs Debian's chromium) or set CHROMIUM_PATH.`)
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/**
 * A browser context that can reach only 127.0.0.1: every other request (a showcase image on
 * a real host, say) is aborted before it leaves the machine, and listed in `blocked`.
 */
export async function loopbackContext(browser: Browser): Promise<BrowserContext & { blocked: string[] }> {
  const context = (await browser.newContext()) as BrowserContext & { blocked: string[] }
  context.blocked = []
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url())
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:') return route.continue()
    context.blocked.push(url.href)
    return route.abort('blockedbyclient')
  })
  return context
}
