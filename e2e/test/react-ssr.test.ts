import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, loopbackContext } from '../browser.js'
import { startReferenceServer, type ReferenceServer } from '../reference-server.js'
import { renderPage } from '../../examples/react/ssr/server.js'

// The server-rendering recipe in real Chromium: renderToString on the server with a client that
// has read, the client's snapshot in the page, and hydrateRoot in the browser with that snapshot
// as initialData. Asserted: the states the page commits and the requests it makes.
const entry = fileURLToPath(new URL('../../examples/react/ssr/client.tsx', import.meta.url))

describe('server rendering and hydration in Chromium', () => {
  let server: ReferenceServer
  let browser: Browser
  let site: Server
  let origin: string
  let dir: string
  let withSnapshot = true

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hmr-ssr-'))
    // The browser bundle, built as an app would build it (React, the hooks and the core in one module).
    await build({
      configFile: false,
      logLevel: 'silent',
      mode: 'production',
      define: { 'process.env.NODE_ENV': '"production"' },
      oxc: { jsx: { runtime: 'automatic', development: false } },
      build: { outDir: dir, emptyOutDir: true, minify: false, target: 'es2022', rolldownOptions: { input: entry, output: { entryFileNames: 'client.js', codeSplitting: false } } },
    })
    ;[server, browser] = await Promise.all([startReferenceServer(), launchChromium()])
    site = createServer((request, response) => {
      if (request.url === '/client.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' })
        response.end(readFileSync(join(dir, 'client.js')))
        return
      }
      renderPage({ primaryUrl: server.primaryUrl, githubUrl: server.githubUrl, withSnapshot, script: '/client.js' }).then(
        (html) => {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          response.end(html)
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain' })
          response.end(String(error))
        },
      )
    })
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(site.address() as { port: number }).port}`
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => site?.close(resolve))
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function open(): Promise<{ states: string[]; errors: string[]; pageRequests: number; serverHtml: string }> {
    const context = await loopbackContext(browser)
    const tab = await context.newPage()
    const pageErrors: string[] = []
    tab.on('pageerror', (error) => pageErrors.push(error.message))
    tab.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text())
    })
    const serverHtml = await (await fetch(origin)).text()
    server.reset()
    await tab.goto(origin)
    await tab.waitForFunction(() => (window.renderedStates ?? []).length > 0, undefined, { timeout: 10_000 }).catch(() => {
      throw new Error(`the page committed nothing: ${pageErrors.join('; ')}`)
    })
    // Time for anything that would follow: a refetch, a second render.
    await tab.waitForTimeout(500)
    const states = await tab.evaluate(() => window.renderedStates ?? [])
    const errors = [...pageErrors, ...(await tab.evaluate(() => (window as unknown as { hydrationErrors: string[] }).hydrationErrors))]
    // The browser's own requests to the reference server (cross-origin: they carry an Origin
    // header; the server-side render of this navigation asks too, without one).
    const pageRequests = server.requests.filter((r) => r.headers.origin === origin).length
    await context.close()
    return { states, errors, pageRequests, serverHtml }
  }

  it('hydrates the server’s markup with no loading state and no request while the copy is fresh', async () => {
    withSnapshot = true
    const { states, errors, pageRequests, serverHtml } = await open()
    expect(serverHtml).toContain('<p id="models">161 image models</p>')
    expect(states).toEqual(['success:161'])
    expect(errors).toEqual([])
    expect(pageRequests).toBe(0)
  })

  it('without the snapshot (the control): hydration shows loading and fetches, as before', async () => {
    withSnapshot = false
    const { states, pageRequests } = await open()
    expect(states[0]).toBe('loading')
    expect(states.at(-1)).toBe('success:161')
    expect(pageRequests).toBeGreaterThan(0)
  })
})
