import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { launchChromium } from './browser.js'
import { startReferenceServer, type ReferenceServer } from './reference-server.js'

/** A static site a browser test opens. */
export interface Site {
  readonly origin: string
  close(): Promise<void>
}

/**
 * Starts one loopback reference server for the test file (or `describe` block), resets its
 * faults and log after each test, and closes it at the end.
 */
export function useLoopbackServer(): { readonly server: ReferenceServer } {
  let server: ReferenceServer | undefined
  beforeAll(async () => {
    server = await startReferenceServer()
  })
  afterEach(() => server?.reset())
  afterAll(() => server?.close())
  return {
    get server() {
      return server!
    },
  }
}

/**
 * Starts Chromium, a loopback reference server and a site for the file; `url()` is the site's
 * page pointed at the server (`?primaryUrl=...&githubUrl=...`).
 */
export function useChromiumSite(startSite: () => Promise<Site>): { readonly browser: Browser; readonly server: ReferenceServer; readonly site: Site; url(): string } {
  let browser: Browser | undefined
  let server: ReferenceServer | undefined
  let site: Site | undefined
  beforeAll(async () => {
    ;[browser, server, site] = await Promise.all([launchChromium(), startReferenceServer(), startSite()])
  }, 60_000)
  afterEach(() => server?.reset())
  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close(), site?.close()])
  })
  return {
    get browser() {
      return browser!
    },
    get server() {
      return server!
    },
    get site() {
      return site!
    },
    url: () => `${site!.origin}/?primaryUrl=${encodeURIComponent(server!.primaryUrl)}&githubUrl=${encodeURIComponent(server!.githubUrl)}`,
  }
}
