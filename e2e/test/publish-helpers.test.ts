import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { highestVersion, installedDependencies, walkDependencies, writeVerdaccioStorage } from '../publish/mirror.js'
import { registryConfig } from '../publish/registry.js'
import { rewriteImports, typeScriptBlocks, withClientOptions } from '../publish/snippets.js'
import { createTarball, packageFiles, readTarball, tarballChecksums } from '../publish/tarball.js'
import { readmeInstallNames } from '../publish/workspace.js'

// The publish round trip's helpers, on small inputs written here.

const scratch: string[] = []
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  scratch.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
})

/** Writes files (path → text) under `dir`. */
function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
}

describe('tarballs', () => {
  const longPath = `dist/${'nested-folder/'.repeat(9)}file-with-a-long-name.js`
  const veryLongPath = `dist/${'x'.repeat(120)}/${'y'.repeat(120)}/${'z'.repeat(120)}.js`

  function samplePackage(): string {
    const dir = tempDir('hmr-tar-')
    writeTree(dir, { 'package.json': '{"name":"sample","version":"1.0.0","bin":"bin.js"}\n', 'README.md': '# sample\n', 'bin.js': '#!/usr/bin/env node\n', [longPath]: 'export {}\n', [veryLongPath]: 'export const x = 1\n', 'node_modules/dep/index.js': 'nested, left out\n' })
    chmodSync(join(dir, 'bin.js'), 0o755)
    return dir
  }

  it('packs a folder (package.json first, no node_modules) and reads it back, long paths and the executable bit included', () => {
    const files = packageFiles(samplePackage())
    expect(files.map((file) => file.path)).toEqual(['package.json', 'README.md', 'bin.js', longPath, veryLongPath])
    const read = readTarball(createTarball(files))
    expect(read.map((file) => [file.path, file.bytes.toString(), file.executable])).toEqual(files.map((file) => [file.path, file.bytes.toString(), file.executable]))
    expect(read.find((file) => file.path === 'bin.js')!.executable).toBe(true)
    expect(read.find((file) => file.path === 'README.md')!.executable).toBe(false)
  })

  it('writes an archive the system tar extracts to the same files', () => {
    const dir = samplePackage()
    const out = tempDir('hmr-tar-out-')
    writeFileSync(join(out, 'package.tgz'), createTarball(packageFiles(dir)))
    execFileSync('tar', ['-xzf', 'package.tgz'], { cwd: out })
    for (const path of ['package.json', 'bin.js', longPath, veryLongPath]) expect(readFileSync(join(out, 'package', path), 'utf8'), path).toBe(readFileSync(join(dir, path), 'utf8'))
  })

  it("computes npm's shasum and integrity, and reads npm's own tarball to the folder's files", () => {
    const dir = tempDir('hmr-npm-pack-')
    writeTree(dir, { 'package.json': '{"name":"npm-packed","version":"2.3.4","files":["lib"]}\n', 'lib/index.js': 'module.exports = 42\n', 'README.md': 'hello\n' })
    const [report] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'silent' } })) as { filename: string; shasum: string; integrity: string }[]
    const tarball = readFileSync(join(dir, report!.filename))
    expect(tarballChecksums(tarball)).toEqual({ shasum: report!.shasum, integrity: report!.integrity })
    expect(readTarball(tarball).map((file) => [file.path, file.bytes.toString()])).toEqual(
      expect.arrayContaining([
        ['package.json', readFileSync(join(dir, 'package.json'), 'utf8')],
        ['lib/index.js', 'module.exports = 42\n'],
        ['README.md', 'hello\n'],
      ]),
    )
  })

  it('refuses an entry outside the package', () => {
    expect(() => createTarball([{ path: '../escape.js', bytes: Buffer.from('') }])).toThrow(/relative path inside the package/)
    expect(() => createTarball([{ path: '/abs.js', bytes: Buffer.from('') }])).toThrow(/relative path inside the package/)
  })
})

describe('the dependency walk', () => {
  /**
   * A pnpm-like layout: root/node_modules/<name> links to node_modules/.pnpm/<name>@<v>/node_modules/<name>,
   * whose dependencies are linked beside it.
   */
  function pnpmLayout(packages: Record<string, { version: string; manifest?: Record<string, unknown>; links?: string[] }>, rootLinks: string[]): string {
    const root = tempDir('hmr-walk-')
    const real = (name: string): string => join(root, 'node_modules/.pnpm', `${name.replace('/', '+')}@${packages[name]!.version}`, 'node_modules', name)
    for (const [name, { version, manifest = {} }] of Object.entries(packages)) writeTree(real(name), { 'package.json': JSON.stringify({ name, version, ...manifest }), 'index.js': `// ${name}\n` })
    const link = (from: string, name: string): void => {
      mkdirSync(dirname(join(from, name)), { recursive: true })
      symlinkSync(real(name), join(from, name))
    }
    for (const [name, { links = [] }] of Object.entries(packages)) for (const dep of links) link(join(real(name), name.includes('/') ? '../..' : '..'), dep)
    for (const name of rootLinks) link(join(root, 'node_modules'), name)
    return root
  }

  it('follows dependencies, optional ones and required peers through the links, by name and version', () => {
    const root = pnpmLayout(
      {
        app: { version: '1.0.0', manifest: { dependencies: { lib: '^2.0.0', '@scope/util': '1' }, optionalDependencies: { 'native-other-os': '1' }, peerDependencies: { peer: '*', 'optional-peer': '*' }, peerDependenciesMeta: { 'optional-peer': { optional: true } }, devDependencies: { 'dev-only': '1' } }, links: ['lib', '@scope/util', 'peer'] },
        lib: { version: '2.1.0', manifest: { dependencies: { '@scope/util': '^1' } }, links: ['@scope/util'] },
        '@scope/util': { version: '1.4.0' },
        peer: { version: '3.0.0' },
        'dev-only': { version: '1.0.0' },
      },
      ['app'],
    )
    const walk = walkDependencies([{ name: 'app', from: root }])
    expect(walk.packages.map((pkg) => `${pkg.name}@${pkg.version}`)).toEqual(['@scope/util@1.4.0', 'app@1.0.0', 'lib@2.1.0', 'peer@3.0.0'])
    expect(walk.missingOptional).toEqual(['native-other-os'])
    expect(walk.packages.find((pkg) => pkg.name === 'lib')!.dir).toContain('node_modules/.pnpm/lib@2.1.0/node_modules/lib')
    // Skipped packages (the workspace's own) are walked through but not served.
    expect(walkDependencies([{ name: 'app', from: root }], (name) => name === 'app').packages.map((pkg) => pkg.name)).toEqual(['@scope/util', 'lib', 'peer'])
  })

  it('names who needs a required dependency that is not installed', () => {
    const root = pnpmLayout({ app: { version: '1.0.0', manifest: { dependencies: { gone: '1' } } } }, ['app'])
    expect(() => walkDependencies([{ name: 'app', from: root }])).toThrow(/gone \(needed by app@1\.0\.0\) is not installed/)
  })

  it('lists what npm installs with a package: dependencies, optional ones, and peers not marked optional', () => {
    expect(installedDependencies({ name: 'x', version: '1.0.0', dependencies: { a: '1' }, optionalDependencies: { b: '1' }, peerDependencies: { a: '1', c: '1', d: '1' }, peerDependenciesMeta: { d: { optional: true } }, devDependencies: { e: '1' } })).toEqual([
      { name: 'a', optional: false },
      { name: 'b', optional: true },
      { name: 'c', optional: false },
    ])
  })

  it('picks the highest version for latest (a prerelease below its release)', () => {
    expect(highestVersion(['1.2.0', '1.10.0-beta.1', '1.9.9'])).toBe('1.10.0-beta.1')
    expect(highestVersion(['1.10.0-beta.1', '1.10.0', '1.2.0'])).toBe('1.10.0')
    expect(highestVersion(['0.0.1'])).toBe('0.0.1')
  })

  it("writes verdaccio's storage: a packument per name with every version's dist, and the tarballs it names", () => {
    const root = pnpmLayout({ lib: { version: '2.1.0' }, '@scope/util': { version: '1.4.0' } }, ['lib', '@scope/util'])
    const storage = tempDir('hmr-storage-')
    const walk = walkDependencies([
      { name: 'lib', from: root },
      { name: '@scope/util', from: root },
    ])
    expect(writeVerdaccioStorage(storage, walk.packages, new Date('2026-01-02T03:04:05Z'))).toBe(2)
    const packument = JSON.parse(readFileSync(join(storage, '@scope/util/package.json'), 'utf8')) as { 'dist-tags': { latest: string }; time: Record<string, string>; versions: Record<string, { _id: string; dist: { tarball: string; shasum: string; integrity: string } }> }
    expect(packument['dist-tags'].latest).toBe('1.4.0')
    expect(packument.time['1.4.0']).toBe('2026-01-02T03:04:05.000Z')
    const { dist, _id } = packument.versions['1.4.0']!
    expect(_id).toBe('@scope/util@1.4.0')
    expect(dist.tarball).toMatch(/\/@scope\/util\/-\/util-1\.4\.0\.tgz$/)
    const tarball = readFileSync(join(storage, '@scope/util/util-1.4.0.tgz'))
    expect(tarballChecksums(tarball)).toEqual({ shasum: dist.shasum, integrity: dist.integrity })
    expect(readTarball(tarball).map((file) => file.path)).toEqual(['package.json', 'index.js'])
  })
})

describe('README helpers', () => {
  it('reads the packages of install lines (no global installs, flags or versions)', () => {
    const text = ['```sh', 'npm install @a/core @a/react react   # once published', 'npm i -g tool', 'pnpm add ky@1.2.3 --save-exact', '```', '', 'npm install not-in-a-block', '```ts', 'npm install not-shell', '```'].join('\n')
    expect(readmeInstallNames([text])).toEqual(['@a/core', '@a/react', 'ky', 'react'])
  })

  it('finds ts and tsx blocks with the line each starts on', () => {
    const blocks = typeScriptBlocks('# t\n\n```ts\nconst a = 1\n```\n\n```tsx\nconst b = <p />\n```\n```js\nno\n```\n', 'X.md')
    expect(blocks.map((block) => [block.extension, block.line, block.code])).toEqual([
      ['ts', 4, 'const a = 1\n'],
      ['tsx', 8, 'const b = <p />\n'],
    ])
  })

  it("adds options to the first client's options object, whatever form it takes", () => {
    const urls = { primaryUrl: 'http://127.0.0.1:1/api' }
    expect(withClientOptions("const m = new ModelReferenceManager({ prefetchStrategy: 'lazy' })", urls)).toBe(`const m = new ModelReferenceManager({ prefetchStrategy: 'lazy', primaryUrl: "http://127.0.0.1:1/api" })`)
    expect(withClientOptions('const c = createModelReferenceClient()', urls)).toBe('const c = createModelReferenceClient({ primaryUrl: "http://127.0.0.1:1/api" })')
    expect(withClientOptions('const c = createModelReferenceClient({})', urls)).toBe('const c = createModelReferenceClient({ primaryUrl: "http://127.0.0.1:1/api" })')
    expect(withClientOptions('const c = createModelReferenceClient(options)', urls)).toBe('const c = createModelReferenceClient({ ...(options), primaryUrl: "http://127.0.0.1:1/api" })')
    expect(withClientOptions('f(createModelReferenceClient({\n  storage,\n}))\ncreateModelReferenceClient({ b: 1 })', urls)).toBe('f(createModelReferenceClient({\n  storage, primaryUrl: "http://127.0.0.1:1/api",\n}))\ncreateModelReferenceClient({ b: 1 })')
    expect(() => withClientOptions('const x = 1', urls)).toThrow(/creates no client/)
  })

  it('rewrites the specifiers of imports and exports it is asked to', () => {
    const code = "import { a } from '@h/core'\nimport x from 'other'\nexport { b } from '@h/core/query'\n"
    expect(rewriteImports(code, (specifier) => (specifier.startsWith('@h/') ? `npm:${specifier}` : undefined))).toBe('import { a } from "npm:@h/core"\nimport x from \'other\'\nexport { b } from "npm:@h/core/query"\n')
  })
})

describe('the registry configuration', () => {
  it('has no uplinks, no proxy rule, no audit forwarding, and storage in its own folder', () => {
    const config = JSON.parse(registryConfig('/tmp/some-registry')) as { storage: string; uplinks: object; packages: Record<string, Record<string, string>>; middlewares: { audit: { enabled: boolean } } }
    expect(config.storage).toBe('/tmp/some-registry/storage')
    expect(config.uplinks).toEqual({})
    expect(Object.values(config.packages).map((rule) => rule.proxy)).toEqual([undefined, undefined])
    expect(Object.values(config.packages).map((rule) => rule.publish)).toEqual(['$authenticated', '$authenticated'])
    expect(config.middlewares.audit.enabled).toBe(false)
  })
})
