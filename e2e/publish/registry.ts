import type { ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { killTree, startChild } from './child.js'

// A local npm registry for the publish round trip: verdaccio in a child process, on a loopback
// port picked at run time, its storage, users and configuration in a temporary folder. It has
// no uplinks: what it serves is what was published to it or written into its storage, and it
// answers 404 for anything else, so nothing is ever fetched from the internet.

const CHILD = fileURLToPath(new URL('./registry-child.mjs', import.meta.url))

/** A running local registry. */
export interface LocalRegistry {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string
  /** Its storage folder (a package's packument and tarballs are under `storage/<name>/`). */
  readonly storage: string
  /** The configuration verdaccio runs with (YAML). */
  readonly config: string
  /** A user config for npm, pnpm and Deno: the registry, the publish token and no audit, fund or update checks. */
  readonly npmrc: string
  /** The publish token of the generated user. */
  readonly token: string
  /** Ends the registry process and removes its folder. */
  close(): Promise<void>
}

/** The verdaccio configuration: storage and users in `dir`, no uplinks, anyone reads, the generated user publishes. */
export function registryConfig(dir: string): string {
  // JSON is YAML: every path is quoted whatever it holds. max_users 1: the generated user exists, so
  // nobody else can sign up (verdaccio logs in through the same route, refused when it is -1).
  const config = {
    storage: join(dir, 'storage'),
    plugins: join(dir, 'plugins'),
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 1 } },
    uplinks: {},
    packages: {
      '@*/*': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' },
      '**': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' },
    },
    // verdaccio-audit would forward `npm audit` to registry.npmjs.org.
    middlewares: { audit: { enabled: false } },
    web: { enable: false },
    publish: { allow_offline: true },
    max_body_size: '50mb',
    log: { type: 'stdout', format: 'json', level: 'warn' },
  }
  return `${JSON.stringify(config, null, 2)}\n`
}

/** Waits until `url` answers 200, polling every 50 ms, for at most `timeoutMs`. */
async function waitForOk(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) })
      await response.arrayBuffer()
      if (response.ok) return
      last = `HTTP ${response.status}`
    } catch (error) {
      last = (error as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`)
}

/**
 * Starts verdaccio (its storage first filled by `prepare`, if given) and logs the generated user
 * in for a token; resolves when it answers `/-/ping`. Every wait is bounded by `timeoutMs`.
 */
export async function startRegistry(options: { prepare?: (storage: string) => void; timeoutMs?: number } = {}): Promise<LocalRegistry> {
  const timeoutMs = options.timeoutMs ?? 20_000
  const dir = mkdtempSync(join(tmpdir(), 'hmr-registry-'))
  let child: ChildProcess | undefined
  try {
    const storage = join(dir, 'storage')
    mkdirSync(storage)
    mkdirSync(join(dir, 'plugins'))
    options.prepare?.(storage)
    const user = 'publisher'
    const password = randomBytes(18).toString('base64url')
    writeFileSync(join(dir, 'htpasswd'), `${user}:{SHA}${createHash('sha1').update(password).digest('base64')}:autocreated 2026-01-01T00:00:00.000Z\n`)
    const config = join(dir, 'config.yaml')
    writeFileSync(config, registryConfig(dir))

    const started = await startChild(process.execPath, [CHILD, config], {
      cwd: dir,
      timeoutMs,
      env: { ...process.env, NODE_ENV: 'production' },
      ready: (output) => {
        const match = /^\{"port":(\d+)\}$/m.exec(output)
        return match === null ? undefined : Number(match[1])
      },
    })
    child = started.child
    const url = `http://127.0.0.1:${started.value}/`
    await waitForOk(`${url}-/ping`, timeoutMs)

    const login = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
      method: 'PUT',
      // As `npm login` does for a user that exists: the credentials in Basic auth as well.
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      body: JSON.stringify({ name: user, password }),
      signal: AbortSignal.timeout(timeoutMs),
    })
    const body = (await login.json()) as { token?: string; error?: string }
    if (!login.ok || typeof body.token !== 'string') throw new Error(`Logging in to the local registry failed: HTTP ${login.status} ${JSON.stringify(body)}\n${started.output()}`)
    const token = body.token

    const hostPath = url.replace(/^http:/, '')
    const npmrc = join(dir, '.npmrc')
    writeFileSync(
      npmrc,
      [`registry=${url}`, `${hostPath}:_authToken=${token}`, 'audit=false', 'fund=false', 'update-notifier=false', 'progress=false', `cache=${join(dir, 'npm-cache')}`, 'prefer-online=true', ''].join('\n'),
    )
    const running = child
    return {
      url,
      storage,
      config,
      npmrc,
      token,
      async close() {
        await killTree(running)
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    if (child !== undefined) await killTree(child)
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}
