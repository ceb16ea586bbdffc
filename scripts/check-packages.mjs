// Packaging gates for every published package (every workspace package under packages/ and
// examples/ without "private": true, found here, so a new one is checked with no edit):
// publint --strict (exports, files, formats), @arethetypeswrong/cli with the ESM-only profile
// (types resolve for every entry point), and the tarball `pnpm pack` really writes: what it holds
// (README.md, LICENSE, CHANGELOG.md, package.json and dist/ only: no tests, sources or declaration
// maps; every source map carries its sources), its manifest (the registry metadata, no
// `workspace:` range left), the `@ts-self-types` comment of every ES module `exports` names, and
// of every other built module, so that Deno types a built file imported by path.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const REPOSITORY = 'git+https://github.com/horde-model-reference/horde-model-reference-web.git'
const DOCS = 'https://github.com/horde-model-reference/horde-model-reference-web'
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']

/** The workspace folders (relative to the root) whose package.json is not private. */
export function publishablePackages() {
  const found = []
  for (const parent of ['packages', 'examples']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      const manifest = join(root, parent, entry.name, 'package.json')
      if (!entry.isDirectory() || !existsSync(manifest)) continue
      if (JSON.parse(readFileSync(manifest, 'utf8')).private !== true) found.push(`${parent}/${entry.name}`)
    }
  }
  return found.sort()
}

/** Every file path an `exports` value names, with the condition it is under. */
function exportTargets(value, condition = 'default', subpath = '.') {
  if (typeof value === 'string') return [{ subpath, condition, target: value }]
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, inner]) => (key.startsWith('.') ? exportTargets(inner, 'default', key) : exportTargets(inner, key, subpath)))
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** A source map's segments as [generated line, generated column, source, source line, source column] (0-based). */
function decodeMappings(mappings) {
  const segments = []
  const state = [0, 0, 0, 0]
  mappings.split(';').forEach((line, generatedLine) => {
    let column = 0
    for (const segment of line.split(',')) {
      if (segment === '') continue
      const values = []
      let value = 0
      let shift = 0
      for (const char of segment) {
        const digit = BASE64.indexOf(char)
        value += (digit & 31) << shift
        if (digit & 32) shift += 5
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1)
          value = 0
          shift = 0
        }
      }
      column += values[0]
      if (values.length < 4) continue
      state[0] += values[1]
      state[1] += values[2]
      state[2] += values[3]
      segments.push([generatedLine, column, state[0], state[1], state[2]])
    }
  })
  return segments
}

/**
 * Whether a source map lines up with its file: of the segments whose source starts an identifier
 * (4 characters or more), most must start the same identifier in the generated code: 81 to 98 %
 * do in today's unminified builds, and a map one line off (a line added above the code without
 * shifting the map) matches 0 to 6 %. Minified files (the IIFE, one line) are not checked.
 */
function mapLinesUp(code, map) {
  const generated = code.split('\n')
  const sources = map.sourcesContent.map((text) => (typeof text === 'string' ? text.split('\n') : []))
  const word = (text, column) => /^[A-Za-z_$][\w$]{3,}/.exec(text?.slice(column) ?? '')?.[0]
  let checked = 0
  let matched = 0
  for (const [line, column, source, sourceLine, sourceColumn] of decodeMappings(map.mappings)) {
    const expected = word(sources[source]?.[sourceLine], sourceColumn)
    if (expected === undefined) continue
    checked++
    if (word(generated[line], column) === expected) matched++
  }
  return checked === 0 || matched / checked >= 0.5
}

/** The problems of one packed tarball: `dir` is the package folder, `unpacked` where it was extracted. */
export function tarballProblems(dir, unpacked, files) {
  const problems = []
  const at = (path) => join(unpacked, 'package', path)
  // What a built file's first line (after a `#!` line) names in its /* @ts-self-types="…" */ comment.
  const selfTypes = (file) => {
    const first = readFileSync(at(file), 'utf8').split('\n', 2).find((line) => !line.startsWith('#!')) ?? ''
    return /^\/\* @ts-self-types="([^"]+)" \*\/$/.exec(first)?.[1]
  }
  for (const file of files) {
    const allowed = ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'].includes(file) || file.startsWith('dist/')
    if (!allowed) problems.push(`ships ${file} (only README.md, LICENSE, CHANGELOG.md, package.json and dist/ belong in the tarball)`)
    if (/\.(test|spec|test-d)\.[cm]?[jt]sx?$|(^|\/)(test|tests|__tests__)\//.test(file)) problems.push(`ships a test: ${file}`)
    if (/\.tsx?$/.test(file) && !/\.d\.ts$/.test(file)) problems.push(`ships a TypeScript source: ${file}`)
    if (file.endsWith('.d.ts.map')) problems.push(`ships a declaration map that points at sources it does not ship: ${file}`)
    if (file.endsWith('.js.map')) {
      const map = JSON.parse(readFileSync(at(file), 'utf8'))
      const missing = map.sources.filter((_source, index) => typeof map.sourcesContent?.[index] !== 'string')
      if (missing.length > 0) problems.push(`${file} points at sources without their content (${missing.slice(0, 3).join(', ')})`)
      else if (files.includes(file.slice(0, -4)) && !file.endsWith('.iife.js.map') && !mapLinesUp(readFileSync(at(file.slice(0, -4)), 'utf8'), map)) problems.push(`${file} does not line up with ${file.slice(0, -4)} (a line added without shifting the map?)`)
    }
  }
  for (const required of ['README.md', 'LICENSE', 'package.json']) if (!files.includes(required)) problems.push(`has no ${required}`)

  const pkg = JSON.parse(readFileSync(at('package.json'), 'utf8'))
  if (pkg.private === true) problems.push('is private')
  if (typeof pkg.description !== 'string' || pkg.description === '') problems.push('has no description')
  if (pkg.license !== 'MIT') problems.push(`has license ${JSON.stringify(pkg.license)}, not MIT`)
  if (pkg.repository?.type !== 'git' || pkg.repository?.url !== REPOSITORY || pkg.repository?.directory !== dir) problems.push(`has repository ${JSON.stringify(pkg.repository)}, not { type: 'git', url: '${REPOSITORY}', directory: '${dir}' }`)
  if (typeof pkg.homepage !== 'string' || !pkg.homepage.startsWith(DOCS)) problems.push(`has homepage ${JSON.stringify(pkg.homepage)}, not a page of ${DOCS}`)
  if (typeof pkg.bugs?.url !== 'string' || !pkg.bugs.url.startsWith(`${DOCS}/issues`)) problems.push(`has bugs ${JSON.stringify(pkg.bugs)}, not { url: '${DOCS}/issues' }`)
  if (!Array.isArray(pkg.keywords) || pkg.keywords.length === 0) problems.push('has no keywords')
  if (pkg.engines?.node !== '>=20.19') problems.push(`has engines.node ${JSON.stringify(pkg.engines?.node)}, not ">=20.19"`)
  if (pkg.publishConfig?.access !== 'public') problems.push('has no publishConfig.access "public" (a scoped package is private on npm by default)')
  if (pkg.type !== 'module') problems.push('is not "type": "module"')
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`keeps ${field}.${name} ${JSON.stringify(range)} (pnpm pack should have written a version range)`)
    }
  }
  const readme = files.includes('README.md') ? readFileSync(at('README.md'), 'utf8') : ''
  if (!readme.split('\n').some((line) => line.startsWith('npm install ') && line.split(' ').includes(pkg.name))) problems.push(`README.md has no "npm install … ${pkg.name}" line`)
  if (!readme.includes(`${DOCS}#readme`)) problems.push(`README.md does not link the full docs (${DOCS}#readme)`)

  // Every ES module `exports` names: shipped, and typed for Deno by its first line.
  const targets = exportTargets(pkg.exports)
  for (const { subpath, condition, target } of targets) {
    const file = target.replace(/^\.\//, '')
    if (!files.includes(file)) {
      problems.push(`exports ${subpath} (${condition}) names ${target}, which is not in the tarball`)
      continue
    }
    if (condition === 'types' || !file.endsWith('.js') || file.endsWith('.iife.js')) continue
    const types = targets.find((other) => other.subpath === subpath && other.condition === 'types')?.target
    const named = selfTypes(file)
    if (named === undefined) problems.push(`${file} (exports ${subpath}) does not start with its /* @ts-self-types="…" */ comment`)
    else if (types === undefined || join(file, '..', named) !== join(types)) problems.push(`${file}'s @ts-self-types names ${named}, but exports ${subpath} types it with ${types}`)
  }
  // Every other module too, and every relative import of a declaration lands on a shipped .js
  // that is typed the same way: Deno, reading a file by path, follows './x.js' literally.
  for (const file of files.filter((name) => name.startsWith('dist/') && name.endsWith('.js') && !name.endsWith('.iife.js'))) {
    const named = selfTypes(file)
    if (named === undefined) problems.push(`${file} does not start with a /* @ts-self-types="…" */ comment (Deno would read it untyped)`)
    else if (!files.includes(join(file, '..', named))) problems.push(`${file}'s @ts-self-types names ${named}, which is not in the tarball`)
  }
  for (const file of files.filter((name) => name.endsWith('.d.ts'))) {
    for (const found of readFileSync(at(file), 'utf8').matchAll(/\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)) {
      const specifier = found[1] ?? found[2]
      const target = join(file, '..', specifier)
      if (!specifier.endsWith('.js')) problems.push(`${file} imports ${specifier}, not a .js file (Deno and node16 need the extension)`)
      else if (!files.includes(target)) problems.push(`${file} imports ${specifier}, but ${target} is not in the tarball (Deno would not find its types)`)
    }
  }
  for (const file of files.filter((name) => name.endsWith('.iife.js'))) {
    if (readFileSync(at(file), 'utf8').includes('@ts-self-types')) problems.push(`${file} (a classic script) has an @ts-self-types comment`)
  }
  return problems
}

/** Packs a package with pnpm (as `pnpm publish` would), extracts it and returns its problems. */
function packedProblems(dir) {
  const scratch = mkdtempSync(join(tmpdir(), 'hmr-pack-'))
  try {
    execFileSync('pnpm', ['pack', '--pack-destination', scratch], { cwd: join(root, dir), stdio: 'pipe' })
    const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'))
    if (tarball === undefined) return ['pnpm pack wrote no tarball']
    execFileSync('tar', ['-xzf', tarball], { cwd: scratch, stdio: 'pipe' })
    const files = execFileSync('tar', ['-tzf', tarball], { cwd: scratch, encoding: 'utf8' })
      .split('\n')
      .filter((line) => line !== '' && !line.endsWith('/'))
      .map((line) => line.replace(/^package\//, ''))
    return tarballProblems(dir, scratch, files)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bin = (name) => `${root}node_modules/.bin/${name}`
  let failed = 0
  const report = (label, dir, problems) => {
    if (problems.length === 0) console.log(`ok   ${label.padEnd(24)} ${dir}`)
    else {
      failed++
      console.log(`FAIL ${label.padEnd(24)} ${dir}\n${problems.join('\n')}`)
    }
  }
  if (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).private !== true) report('root stays private', '.', ['the workspace root must keep "private": true'])
  for (const dir of publishablePackages()) {
    for (const [label, command, args] of [
      ['publint --strict', bin('publint'), ['--strict']],
      ['attw --profile esm-only', bin('attw'), ['--pack', '.', '--profile', 'esm-only']],
    ]) {
      try {
        execFileSync(command, args, { cwd: `${root}${dir}`, stdio: 'pipe' })
        report(label, dir, [])
      } catch (error) {
        report(label, dir, [`${error.stdout?.toString() ?? ''}${error.stderr?.toString() ?? ''}`])
      }
    }
    let problems
    try {
      problems = packedProblems(dir)
    } catch (error) {
      problems = [`could not pack: ${error.message}${error.stderr?.toString() ?? ''}`]
    }
    report('packed tarball', dir, problems)
  }
  process.exit(failed === 0 ? 0 : 1)
}
