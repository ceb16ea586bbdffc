import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createModelReferenceClient } from '@horde-model-reference/core'
import { useLoopbackServer } from '../hooks.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules') return []
    return statSync(path).isDirectory() ? filesUnder(path, keep) : keep(path) ? [path] : []
  })
}

// Everything shipped: the packages' builds, the <script> bundle, the hooks, and the bundles of
// the Worker and Deno examples (which include ky and valibot).
const SHIPPED = [
  ...['core', 'storage-indexeddb', 'storage-cloudflare-kv', 'browser'].flatMap((p) => filesUnder(join(root, 'packages', p, 'dist'), (f) => f.endsWith('.js'))),
  ...filesUnder(join(root, 'examples/react/dist'), (f) => f.endsWith('.js')),
  join(root, 'examples/cloudflare-worker/dist/worker.js'),
  join(root, 'examples/deno-deploy/dist/main.js'),
]

describe('security', () => {
  it('no eval or new Function anywhere in shipped code (a strict CSP without unsafe-eval holds)', () => {
    expect(SHIPPED.length).toBeGreaterThanOrEqual(8)
    const offenders = SHIPPED.filter((file) => /\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(\s*["'`]/.test(readFileSync(file, 'utf8')))
    expect(offenders).toEqual([])
  })

  it('the examples never put data into HTML (no innerHTML, outerHTML, insertAdjacentHTML, document.write or dangerouslySetInnerHTML)', () => {
    const sources = filesUnder(join(root, 'examples'), (f) => /\.(m?js|tsx?)$/.test(f) && !f.includes('/dist') && !f.includes('/dist-app/'))
    expect(sources.length).toBeGreaterThan(5)
    const offenders = sources.filter((file) => /\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|dangerouslySetInnerHTML/.test(readFileSync(file, 'utf8')))
    expect(offenders).toEqual([])
  })

  it('every runtime dependency of every package is listed in the README with the reason it is there', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## Dependencies'))
    const manifests = [...['core', 'storage-indexeddb', 'storage-cloudflare-kv', 'storage-unstorage', 'browser', 'cli'].map((p) => join(root, 'packages', p, 'package.json')), join(root, 'examples/react/package.json')]
    const runtime = new Set<string>()
    for (const file of manifests) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }
      for (const name of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]) if (!name.startsWith('@horde-model-reference/')) runtime.add(name)
    }
    expect([...runtime].sort()).toEqual(['idb-keyval', 'ky', 'react', 'unstorage', 'valibot'])
    for (const name of runtime) expect(section).toMatch(new RegExp('`' + name + '`[^\\n]*\\| [A-Z]|`' + name + '`[^\\n]*as a peer'))
  })

  it('option values are encoded into URL paths: a branch or owner cannot add a query or another path', async () => {
    const seen: string[] = []
    const client = createModelReferenceClient({
      primaryUrl: 'http://127.0.0.1:9/api',
      githubUrl: 'http://127.0.0.1:9',
      githubOwner: 'some owner?x=1#y',
      githubBranch: 'feature/a b?c',
      retries: 0,
      fetch: async (request) => {
        seen.push(request.url)
        return new Response('nope', { status: 404 })
      },
    })
    await client.getModelReference('blip').catch(() => undefined)
    expect(seen).toEqual([
      'http://127.0.0.1:9/api/model_references/v2/blip',
      'http://127.0.0.1:9/some%20owner%3Fx%3D1%23y/AI-Horde-image-model-reference/refs/heads/feature/a%20b%3Fc/blip.json',
    ])
    expect(() => createModelReferenceClient({ githubBranch: '../../evil' })).toThrow(/githubBranch/)
  })
})

describe('no credentials are sent', () => {
  const ctx = useLoopbackServer()

  it('requests carry no cookie, authorization or other credential, and only the primary gets a Client-Agent', async () => {
    ctx.server.primaryDown({ kind: 'status', status: 404 })
    await createModelReferenceClient({ primaryUrl: ctx.server.primaryUrl, githubUrl: ctx.server.githubUrl, clientAgent: 'app:1:me' }).getModelReference('blip')
    expect(ctx.server.requests).toHaveLength(2)
    for (const request of ctx.server.requests) {
      expect(request.headers.cookie).toBeUndefined()
      expect(request.headers.authorization).toBeUndefined()
      expect(request.headers.apikey).toBeUndefined()
    }
    expect(ctx.server.requests.map((r) => r.headers['client-agent'])).toEqual(['app:1:me', undefined])
  })
})
