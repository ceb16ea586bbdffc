import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Miniflare } from 'miniflare'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { launchChromium, loopbackContext } from '../browser.js'
import { DERIVED_V2_FILES, fixtureJson } from '../fixtures.js'
import { startReferenceServer, type ReferenceServer } from '../reference-server.js'
import { APP_FILES } from '../publish/app.js'
import { killAll, run } from '../publish/child.js'
import type { DependencyWalk } from '../publish/mirror.js'
import type { LocalRegistry } from '../publish/registry.js'
import { cleanEnv, freshDependencies, installFresh, mirrorSet, missingBuildOutputs, publishWorkspace, startMirrorRegistry } from '../publish/round-trip.js'
import { rewriteImports, typeScriptBlocks, withClientOptions, type CodeBlock } from '../publish/snippets.js'
import { checkTypes, type TypeDiagnostic } from '../publish/check-types.js'
import { denoBinary } from '../../examples/deno-deploy/run-deno.mjs'
import { startAppServer } from '../../examples/react/serve-app.mjs'
import { tarballChecksums } from '../publish/tarball.js'
import { readmes, ROOT, workspacePackages } from '../publish/workspace.js'

// The publish round trip: every publishable package published with `pnpm publish` to a local
// registry (verdaccio on 127.0.0.1, no uplinks: the third-party packages are mirrored from the
// workspace's node_modules), installed with `npm install` in a folder outside the workspace, and
// used there as a user would: the README's first query in Node, require(), every README block
// under strict tsc settings, a Vite + React app in Chromium, Deno with npm: specifiers, a
// Cloudflare Worker bundled by wrangler, and the CLI. Everything reads from the loopback
// reference server. It needs `pnpm build` first (`pnpm test` builds).

const packages = workspacePackages()
/** Whether this system lets a child run in a network namespace of its own (`unshare -n`: root on Linux). */
const canUnshareNetwork = (): boolean => spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore', timeout: 5_000 }).status === 0
/**
 * Deno 2.9 refuses npm versions published less than 24 hours ago (its minimum dependency age);
 * a package just published, as here or on npm on release day, needs this flag (or
 * `"minimumDependencyAge"` in deno.json).
 */
const DENO_NPM_FLAGS = ['--minimum-dependency-age=0']
const BUILD_APP = fileURLToPath(new URL('../publish/build-app.mjs', import.meta.url))

/** The module settings README blocks are compiled under: Node's own ESM resolution, and a bundler's. */
const TSC_SETTINGS = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
} as const
/** The rest of the settings (tsconfig.json spelling): the strictest a user may have, and the declaration files checked (the compiler's own lib files aside). */
const STRICT_OPTIONS = { target: 'es2022', lib: ['es2022', 'dom', 'dom.iterable'], strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, skipDefaultLibCheck: true, noEmit: true, jsx: 'react-jsx' }

/**
 * README blocks that do not compile under the strict settings, each for a reason the README
 * should fix. None today; a problem listed here that no longer happens fails the test.
 */
const KNOWN_BLOCK_PROBLEMS: readonly { from: string; block: string; message: RegExp; settings: readonly string[]; reason: string }[] = []

/**
 * Errors in third-party declaration files that skipLibCheck false shows to any project that
 * imports the package, whatever our code does. Also kept honest: each must still happen.
 */
const KNOWN_LIBRARY_PROBLEMS: readonly { file: RegExp; message: RegExp; settings: readonly string[]; reason: string }[] = [
  {
    file: /\/node_modules\/unstorage\/drivers\/[\w-]+\.d\.mts$/,
    message: /TS2307: Cannot find module '(@azure\/[\w-]+|@deno\/kv|@netlify\/blobs|@planetscale\/database|@upstash\/redis|@vercel\/[\w-]+|@capacitor\/preferences|db0|mongodb|uploadthing\/server)' or its corresponding type declarations|TS2304: Cannot find name '(KVNamespace|R2Bucket)'|TS2503: Cannot find namespace 'Deno'/,
    settings: ['node16', 'bundler'],
    reason: "unstorage's declarations type every built-in driver (its index imports them all), each with its own optional client package or platform global, which a project using one driver does not install",
  },
  {
    file: /\/node_modules\/unstorage\/drivers\/redis\.d\.mts$/,
    message: /TS2315: Type '(Redis|Cluster)' is not generic/,
    settings: ['bundler'],
    // With module node16 unstorage's `import ... from 'ioredis'` resolves to ioredis' CommonJS declarations, where it does not fail.
    reason: "unstorage 1.17's Redis driver declarations use `Redis<...>` and `Cluster<...>` type arguments that ioredis 5.11's declarations (as a bundler resolves them) do not take",
  },
  {
    file: /\/node_modules\/unstorage\/drivers\/[\w-]+\.d\.mts$/,
    message: /TS2307: Cannot find module '\.\.' or its corresponding type declarations|TS2835: Relative import paths need explicit file extensions/,
    settings: ['node16'],
    reason: "unstorage's driver declarations import `..` (a directory) and `./localstorage` without an extension, which Node's ESM resolution (module node16) refuses",
  },
]
const imageRecords = fixtureJson('derived-v2/stable_diffusion.json') as Record<string, { baseline: string }>

describe('publish round trip: pnpm publish to a local registry, npm install outside the workspace', () => {
  let server: ReferenceServer
  let walk: DependencyWalk
  let registry: LocalRegistry
  let fresh: string
  let publishOutput = ''
  const scratch: string[] = []
  const timings: Record<string, number> = {}
  const typeChecks = new Map<string, Promise<TypeDiagnostic[]>>()
  /** Every README block, and the file it is written to (as its own module) for a setting. */
  const blockFiles = (setting: string): { blocks: CodeBlock[]; files: string[] } => {
    const blocks = readmes().flatMap(([from, text]) => typeScriptBlocks(text, from))
    return { blocks, files: blocks.map((block, index) => join(fresh, `readme-blocks-${setting}`, `block-${index + 1}.${block.extension}`)) }
  }
  const timed = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
    const started = Date.now()
    try {
      return await step()
    } finally {
      timings[label] = Date.now() - started
    }
  }

  beforeAll(async () => {
    const missing = missingBuildOutputs(packages)
    if (missing.length > 0) throw new Error(`The publish round trip needs the packages built (pnpm build; pnpm test builds first). Missing: ${missing.join(', ')}`)
    server = await startReferenceServer()
    walk = mirrorSet(packages)
    registry = await timed('registry', () => startMirrorRegistry(walk))
    publishOutput = await timed('publish', () => publishWorkspace(registry, packages))
    fresh = await timed('install', () => installFresh(registry, freshDependencies(packages)))
    scratch.push(fresh)
    mkdirSync(join(fresh, 'app'))
    for (const [file, text] of Object.entries(APP_FILES)) writeFileSync(join(fresh, 'app', file), text)
    for (const [setting, moduleOptions] of Object.entries(TSC_SETTINGS)) {
      const { blocks, files } = blockFiles(setting)
      mkdirSync(join(fresh, `readme-blocks-${setting}`))
      blocks.forEach((block, index) => writeFileSync(files[index]!, `${block.code}\nexport {}\n`))
      const check = checkTypes([...files, join(fresh, 'app/main.tsx')], { ...STRICT_OPTIONS, ...moduleOptions }, fresh)
      check.catch(() => undefined) // awaited by its test; not an unhandled rejection meanwhile
      typeChecks.set(setting, check)
    }
  }, 180_000)

  afterAll(async () => {
    await killAll()
    await registry?.close()
    await server?.close()
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
    console.log(`publish round trip timings (ms): ${JSON.stringify(timings)}`)
  })

  describe('the registry', () => {
    it('has no uplinks and serves only what it holds (a package nobody published is a 404)', async () => {
      const config = JSON.parse(readFileSync(registry.config, 'utf8')) as { uplinks: object; packages: Record<string, { proxy?: unknown }> }
      expect(config.uplinks).toEqual({})
      expect(Object.values(config.packages).every((rule) => rule.proxy === undefined)).toBe(true)
      const response = await fetch(`${registry.url}left-pad`)
      expect(response.status).toBe(404)
      await response.arrayBuffer()
    })

    it('mirrors the computed set of third-party packages, each tarball with its integrity', async () => {
      const names = new Set(walk.packages.map((pkg) => pkg.name))
      for (const name of ['ky', 'valibot', 'idb-keyval', 'react', 'react-dom', 'unstorage']) expect(names.has(name), name).toBe(true)
      expect([...names].some((name) => name.startsWith('@horde-model-reference/'))).toBe(false)
      // Tools used from the workspace are not mirrored.
      for (const name of ['vite', 'typescript', 'wrangler', 'miniflare', 'esbuild']) expect(names.has(name), name).toBe(false)
      const ky = walk.packages.find((pkg) => pkg.name === 'ky')!
      const packument = (await (await fetch(`${registry.url}ky`)).json()) as { versions: Record<string, { dist: { tarball: string; integrity: string; shasum: string } }> }
      const { dist } = packument.versions[ky.version]!
      expect(dist.tarball.startsWith(registry.url)).toBe(true)
      const tarball = Buffer.from(await (await fetch(dist.tarball)).arrayBuffer())
      expect(tarballChecksums(tarball)).toEqual({ shasum: dist.shasum, integrity: dist.integrity })
    })
  })

  describe('pnpm publish', () => {
    it('published every publishable package, with workspace: ranges rewritten to versions', async () => {
      expect(packages.map((pkg) => pkg.name)).toEqual(expect.arrayContaining(['@horde-model-reference/browser', '@horde-model-reference/cli', '@horde-model-reference/core', '@horde-model-reference/react', '@horde-model-reference/storage-cloudflare-kv', '@horde-model-reference/storage-indexeddb', '@horde-model-reference/storage-unstorage']))
      const versions = new Map(packages.map((pkg) => [pkg.name, pkg.version]))
      for (const pkg of packages) {
        expect(publishOutput).toContain(`Published package ${pkg.name}@${pkg.version}`)
        const response = await fetch(`${registry.url}${pkg.name.replace('/', '%2f')}`)
        expect(response.status, `${pkg.name}: ${publishOutput}`).toBe(200)
        const packument = (await response.json()) as { 'dist-tags': Record<string, string>; versions: Record<string, Record<string, unknown> & { dist: { tarball: string; integrity: string } }> }
        expect(packument['dist-tags'].latest).toBe(pkg.version)
        const published = packument.versions[pkg.version]!
        for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
          const source = (pkg.manifest[field] ?? {}) as Record<string, string>
          const result = (published[field] ?? {}) as Record<string, string>
          expect(Object.keys(result).sort(), `${pkg.name} ${field}`).toEqual(Object.keys(source).sort())
          for (const [name, range] of Object.entries(source)) {
            const workspace = /^workspace:(.*)$/.exec(range)
            // workspace:^ → ^1.2.3, workspace:~ → ~1.2.3, workspace:* → 1.2.3, workspace:<range> → <range>.
            const expected = workspace === null ? range : workspace[1] === '^' || workspace[1] === '~' ? `${workspace[1]}${versions.get(name)}` : workspace[1] === '*' ? versions.get(name) : workspace[1]
            expect(result[name], `${pkg.name} ${field}.${name}`).toBe(expected)
          }
        }
        expect(JSON.stringify(published)).not.toContain('workspace:')
        const tarball = Buffer.from(await (await fetch(published.dist.tarball)).arrayBuffer())
        expect(tarballChecksums(tarball).integrity).toBe(published.dist.integrity)
      }
    })
  })

  describe('npm install in a fresh folder outside the workspace', () => {
    it('installed from the local registry only, into its own node_modules', () => {
      expect(fresh.startsWith(ROOT)).toBe(false)
      const lock = JSON.parse(readFileSync(join(fresh, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; link?: boolean }> }
      const installed = Object.entries(lock.packages).filter(([path]) => path !== '')
      expect(installed.length).toBeGreaterThan(packages.length)
      for (const [path, entry] of installed) {
        expect(entry.link, path).not.toBe(true)
        expect(entry.resolved, path).toMatch(new RegExp(`^${registry.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
      }
      const require = createRequire(join(fresh, 'package.json'))
      for (const name of [...packages.map((pkg) => pkg.name), 'ky', 'valibot', 'idb-keyval', 'react']) {
        expect(require.resolve(name).startsWith(join(fresh, 'node_modules', name)), name).toBe(true)
      }
    })

    it("runs the README's first query in Node (ESM), pointed at the loopback server through its options", async () => {
      const first = typeScriptBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'README.md')[0]!
      const code = withClientOptions(first.code, { primaryUrl: server.primaryUrl, githubUrl: server.githubUrl })
      const file = join(fresh, 'first-query.mjs')
      writeFileSync(file, ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText)
      server.reset()
      const { stdout } = await run(process.execPath, [file], { cwd: fresh, timeoutMs: 20_000, env: cleanEnv() })
      const names = Object.keys(imageRecords)
      const expected = [`Found ${names.length} image generation models`, ...names.slice(0, 5).map((name) => `  ${name}: ${imageRecords[name]!.baseline}`)]
      expect(stdout.trimEnd().split('\n')).toEqual(expected)
      expect(server.count('primary')).toBeGreaterThanOrEqual(1)
    })

    it('a Vite + React app over the installed /react hooks and core, built with the workspace Vite, renders the models in Chromium', async () => {
      const app = join(fresh, 'app')
      const out = join(app, 'dist')
      await run(process.execPath, [BUILD_APP, app, out], { cwd: app, timeoutMs: 60_000, env: cleanEnv() })
      // Every package in the bundle came from the fresh folder's node_modules, none from the workspace.
      const modules = JSON.parse(readFileSync(join(out, 'modules.json'), 'utf8')) as string[]
      const packaged = modules.filter((id) => id.includes('/node_modules/'))
      expect(packaged.some((id) => id.startsWith(join(fresh, 'node_modules/@horde-model-reference/core/')))).toBe(true)
      expect(packaged.some((id) => id.startsWith(join(fresh, 'node_modules/@horde-model-reference/react/')))).toBe(true)
      expect(packaged.some((id) => id.startsWith(join(fresh, 'node_modules/react-dom/')))).toBe(true)
      expect(packaged.filter((id) => !id.startsWith(join(fresh, 'node_modules/')))).toEqual([])
      expect(modules.filter((id) => id.startsWith(ROOT))).toEqual([])

      const site = await startAppServer(0, '127.0.0.1', out)
      const browser = await launchChromium()
      try {
        const context = await loopbackContext(browser)
        const page = await context.newPage()
        const errors: string[] = []
        page.on('pageerror', (error) => errors.push(error.message))
        const names = Object.keys(imageRecords)
        const pick = names[names.length - 1]!
        server.reset()
        await page.goto(`${site.origin}/?${new URLSearchParams({ primaryUrl: server.primaryUrl, githubUrl: server.githubUrl, model: pick })}`)
        await page.waitForSelector('#status[data-status="success"]', { timeout: 15_000 })
        expect(await page.locator('#status').textContent()).toBe(`${names.length} image models`)
        expect(await page.locator('#status').getAttribute('data-source')).toBe('primary')
        expect(await page.locator('#models li').allTextContents()).toEqual(names)
        expect(await page.locator('#model').textContent()).toBe(`${pick}: ${imageRecords[pick]!.baseline}`)
        expect(errors).toEqual([])
        expect(context.blocked).toEqual([])
        await context.close()
      } finally {
        await browser.close()
        await site.close()
      }
    }, 90_000)

    it("Deno runs the README's first query with npm: specifiers from the local registry, and deno check passes it", async () => {
      const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hmr-deno-npm-')))
      scratch.push(dir)
      const first = typeScriptBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'README.md')[0]!
      const code = rewriteImports(withClientOptions(first.code, { primaryUrl: server.primaryUrl, githubUrl: server.githubUrl }), (specifier) => (specifier.startsWith('@horde-model-reference/') ? `npm:${specifier}` : undefined))
      expect(code).toContain("from 'npm:@horde-model-reference/core'".replace(/'/g, '"'))
      writeFileSync(join(dir, 'first-query.ts'), code)
      const env = cleanEnv({ NPM_CONFIG_REGISTRY: registry.url, DENO_DIR: join(dir, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' })
      // Without the flag Deno refuses the version published a moment ago (what the README says about it).
      const refused = await run(denoBinary(), ['run', '--allow-net=127.0.0.1', 'first-query.ts'], { cwd: dir, timeoutMs: 60_000, env, allowFailure: true })
      expect(refused.code).not.toBe(0)
      expect(refused.stderr).toMatch(/newer than the specified minimum dependency date[\s\S]*--minimum-dependency-age/)
      server.reset()
      const ran = await run(denoBinary(), ['run', ...DENO_NPM_FLAGS, '--allow-net=127.0.0.1', 'first-query.ts'], { cwd: dir, timeoutMs: 60_000, env, allowFailure: true })
      expect(ran.code, ran.stderr).toBe(0)
      const names = Object.keys(imageRecords)
      expect(ran.stdout.trimEnd().split('\n')).toEqual([`Found ${names.length} image generation models`, ...names.slice(0, 5).map((name) => `  ${name}: ${imageRecords[name]!.baseline}`)])
      expect(server.count('primary')).toBeGreaterThanOrEqual(1)
      const checked = await run(denoBinary(), ['check', ...DENO_NPM_FLAGS, 'first-query.ts'], { cwd: dir, timeoutMs: 60_000, env, allowFailure: true })
      expect(checked.code, checked.stderr).toBe(0)
      expect(`${checked.stdout}${checked.stderr}`).not.toMatch(/TS\d+/)
    }, 120_000)

    it("a Cloudflare Worker (the KV adapter README's block) bundled by the workspace's wrangler deploy --dry-run answers in miniflare with the loopback data", async () => {
      const worker = join(fresh, 'worker')
      mkdirSync(join(worker, 'src'), { recursive: true })
      const kvReadme = readFileSync(join(ROOT, 'packages/storage-cloudflare-kv/README.md'), 'utf8')
      const source = typeScriptBlocks(kvReadme, 'packages/storage-cloudflare-kv/README.md')[0]!
      writeFileSync(join(worker, 'src/index.ts'), withClientOptions(source.code, { primaryUrl: server.primaryUrl, githubUrl: server.githubUrl }))
      // The README's wrangler.toml lines, with a namespace id (a dry run never reads it).
      const toml = /```toml\n([\s\S]*?)```/.exec(kvReadme)![1]!.replace('<your namespace id>', '0123456789abcdef0123456789abcdef')
      writeFileSync(join(worker, 'wrangler.toml'), `name = "fresh-worker"\nmain = "src/index.ts"\ncompatibility_date = "2025-09-01"\n${toml}`)
      const env = cleanEnv({ WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', WRANGLER_HIDE_BANNER: 'true', CI: '1', HOME: worker, XDG_CONFIG_HOME: join(worker, '.config'), WRANGLER_LOG_PATH: join(worker, 'wrangler-logs') })
      const wrangler = [join(ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', 'dist']
      // With no network at all where the system allows it (a network namespace of its own).
      const [command, args] = canUnshareNetwork() ? ['unshare', ['-n', '--', process.execPath, ...wrangler]] : [process.execPath, wrangler]
      const { stdout } = await run(command, args as string[], { cwd: worker, timeoutMs: 60_000, env })
      expect(stdout).toMatch(/--dry-run: exiting now/)
      const bundle = readFileSync(join(worker, 'dist/index.js'), 'utf8')
      expect(bundle).not.toContain(ROOT)
      // esbuild names each bundled file in a comment, relative to the Worker's folder.
      expect(bundle).toMatch(/^\/\/ (?:\.\.\/)*node_modules\/@horde-model-reference\/core\/dist\//m)
      expect(bundle).toMatch(/^\/\/ (?:\.\.\/)*node_modules\/@horde-model-reference\/storage-cloudflare-kv\/dist\//m)
      expect(bundle).toMatch(/^\/\/ (?:\.\.\/)*node_modules\/ky\//m)

      const mf = new Miniflare({ modules: true, scriptPath: join(worker, 'dist/index.js'), modulesRoot: join(worker, 'dist'), compatibilityDate: '2025-09-01', kvNamespaces: ['MODEL_REFERENCE'] })
      try {
        server.reset()
        const response = await mf.dispatchFetch('http://worker.test/')
        expect(response.status).toBe(200)
        const models = (await response.json()) as Record<string, { baseline: string }>
        expect(Object.keys(models)).toEqual(Object.keys(imageRecords))
        const name = Object.keys(imageRecords)[0]!
        expect(models[name]!.baseline).toBe(imageRecords[name]!.baseline)
        expect(server.count('primary')).toBe(1)
      } finally {
        await mf.dispose()
      }
    }, 120_000)

    it('the CLI from the fresh install: npx horde-model-reference categories --json against the loopback server', async () => {
      server.reset()
      const { stdout } = await run('npx', ['--no-install', 'horde-model-reference', 'categories', '--json', '--primary-url', server.primaryUrl, '--github-url', server.githubUrl], {
        cwd: fresh,
        timeoutMs: 30_000,
        env: cleanEnv({ NPM_CONFIG_USERCONFIG: registry.npmrc }),
      })
      const categories = JSON.parse(stdout) as { name: string; records: number; source: string; stale: boolean }[]
      const byName = new Map(categories.map((category) => [category.name, category]))
      for (const [category, file] of Object.entries(DERIVED_V2_FILES)) {
        expect(byName.get(category), category).toMatchObject({ records: Object.keys(fixtureJson(file) as object).length, source: 'primary', stale: false })
      }
      expect(server.count('primary')).toBeGreaterThanOrEqual(Object.keys(DERIVED_V2_FILES).length)
      // npx ran the bin the fresh install linked, from the published tarball.
      expect(realpathSync(join(fresh, 'node_modules/.bin/horde-model-reference'))).toBe(join(fresh, 'node_modules/@horde-model-reference/cli/dist/bin.js'))
    }, 60_000)

    it('every ES module entry point loads with require() as with import (Node 20.19+ require(esm))', async () => {
      const entries = packages.flatMap((pkg) =>
        Object.entries(pkg.manifest.exports as Record<string, string | Record<string, string>>)
          .filter(([, target]) => typeof target === 'object' && typeof target.default === 'string' && target.default.endsWith('.js') && !target.default.endsWith('.iife.js'))
          .map(([subpath]) => `${pkg.name}${subpath.slice(1)}`),
      )
      expect(entries.length).toBeGreaterThanOrEqual(packages.length)
      writeFileSync(join(fresh, 'require-all.cjs'), `const out = {}\nfor (const id of ${JSON.stringify(entries)}) out[id] = Object.keys(require(id)).filter((k) => k !== '__esModule' && k !== 'module.exports').sort()\nprocess.stdout.write(JSON.stringify(out))\n`)
      writeFileSync(join(fresh, 'import-all.mjs'), `const out = {}\nfor (const id of ${JSON.stringify(entries)}) out[id] = Object.keys(await import(id)).sort()\nprocess.stdout.write(JSON.stringify(out))\n`)
      const required = JSON.parse((await run(process.execPath, ['require-all.cjs'], { cwd: fresh, timeoutMs: 20_000, env: cleanEnv() })).stdout) as Record<string, string[]>
      const imported = JSON.parse((await run(process.execPath, ['import-all.mjs'], { cwd: fresh, timeoutMs: 20_000, env: cleanEnv() })).stdout) as Record<string, string[]>
      expect(required).toEqual(imported)
      for (const id of entries) expect(imported[id]!.length, id).toBeGreaterThan(0)
    })

    // The type checks started in beforeAll (worker threads, beside the steps above); here their results.
    it.each(Object.keys(TSC_SETTINGS))('every README ts block, and the Vite app, compiles against the installed packages (%s, strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, no skipLibCheck)', async (setting) => {
      const { blocks, files } = blockFiles(setting)
      const byFile = new Map(files.map((file, index) => [file, blocks[index]!]))
      const found = (await typeChecks.get(setting)!).map((d) => {
        const block = d.file === undefined ? undefined : byFile.get(d.file)
        const where = block === undefined ? (d.file ?? '(global)') : `${block.from}:${block.line + d.line}`
        return { where, block, text: `${where} TS${d.code}: ${d.message}` }
      })
      // Every diagnostic is a known problem, and every known problem still happens (so the lists cannot go stale).
      const blockProblems = KNOWN_BLOCK_PROBLEMS.filter((problem) => problem.settings.includes(setting))
      const libraryProblems = KNOWN_LIBRARY_PROBLEMS.filter((problem) => problem.settings.includes(setting))
      const isBlockProblem = (d: (typeof found)[number], problem: (typeof blockProblems)[number]): boolean => d.block !== undefined && d.block.from === problem.from && d.block.code.includes(problem.block) && problem.message.test(d.text)
      const isLibraryProblem = (d: (typeof found)[number], problem: (typeof libraryProblems)[number]): boolean => d.block === undefined && problem.file.test(d.where) && problem.message.test(d.text)
      const unexplained = found.filter((d) => !blockProblems.some((problem) => isBlockProblem(d, problem)) && !libraryProblems.some((problem) => isLibraryProblem(d, problem)))
      expect(unexplained.map((d) => d.text)).toEqual([])
      for (const problem of blockProblems) expect(found.some((d) => isBlockProblem(d, problem)), `no longer happens (remove it from KNOWN_BLOCK_PROBLEMS): ${problem.reason}`).toBe(true)
      for (const problem of libraryProblems) expect(found.some((d) => isLibraryProblem(d, problem)), `no longer happens (remove it from KNOWN_LIBRARY_PROBLEMS): ${problem.reason}`).toBe(true)
      expect(blocks.length).toBeGreaterThanOrEqual(20)
    }, 120_000)
  })
})
