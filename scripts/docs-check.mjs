// `pnpm docs:check` (part of `pnpm test`): fails, listing each problem as file:line, when
// - a public declaration (anything an `exports` entry reaches: functions, classes, their members,
//   interface and option fields, type aliases, constants; parameters of functions and interface
//   methods with two or more) has no doc comment, or TypeDoc reports a broken {@link};
// - docs/api differs from what the sources generate (it is regenerated into a temporary folder);
// - the README's table of contents differs from its headings;
// - a relative link of README.md, ARCHITECTURE.md, a package README or docs/api names a file
//   that does not exist or a heading that the target does not have;
// - an entry point a published package's `exports` types is missing from typedoc.json, or
//   tsconfig.docs.json maps a workspace package's subpath to another source than its `exports`.
// `pnpm run docs` fixes the second and third.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ts from 'typescript'
import { publishablePackages } from './check-packages.mjs'
import { checkLinks, checkToc, diffFolders, formatProblems, runTypedoc } from './docs-lib.mjs'
import { API_DIR, config, markdownFiles, README, root } from './docs-paths.mjs'

/**
 * Every entry point a published package exports (its `types` target, `dist/x.d.ts`, is built from
 * `src/x.ts`) is documented: it is one of typedoc.json's entry points, and where tsconfig.docs.json
 * maps the package's subpath to a source, it is that one.
 */
function entryPointProblems() {
  const problems = []
  const entryPoints = new Set(JSON.parse(readFileSync(config, 'utf8')).entryPoints)
  const docsConfig = ts.parseConfigFileTextToJson('tsconfig.docs.json', readFileSync(join(root, 'tsconfig.docs.json'), 'utf8'))
  const paths = docsConfig.config?.compilerOptions?.paths ?? {}
  for (const dir of publishablePackages()) {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'))
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const types = typeof target === 'object' && target !== null ? target.types : undefined
      if (typeof types !== 'string') continue
      const source = `${dir}/${types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts')}`
      if (!entryPoints.has(source)) problems.push({ file: 'typedoc.json', line: 1, message: `${pkg.name}'s exports ${subpath} (${types}) is built from ${source}, which is not one of typedoc.json's entryPoints: it would have no API reference` })
      const name = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`
      const mapped = paths[name]
      if (mapped !== undefined && (mapped.length !== 1 || mapped[0] !== `./${source}`)) problems.push({ file: 'tsconfig.docs.json', line: 1, message: `maps ${name} to ${JSON.stringify(mapped)}, but its exports build it from ./${source}` })
    }
  }
  return problems
}

const started = performance.now()
const scratch = mkdtempSync(join(tmpdir(), 'hmr-docs-check-'))
const problems = []
try {
  const out = join(scratch, 'api')
  const typedoc = await runTypedoc({ root, config, out, force: true })
  problems.push(...typedoc.problems)
  if (typedoc.project) problems.push(...diffFolders(out, join(root, API_DIR), API_DIR))
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
problems.push(...checkToc(readFileSync(join(root, README), 'utf8'), README))
problems.push(...checkLinks(root, markdownFiles()))
problems.push(...entryPointProblems())

const seconds = ((performance.now() - started) / 1000).toFixed(1)
if (problems.length) {
  console.error(`${formatProblems(problems)}\n\ndocs:check: ${problems.length} problem(s) (${seconds} s).`)
  process.exitCode = 1
} else {
  console.log(`docs:check: every public export documented, ${API_DIR} and the README's table of contents current, every relative link resolves, every exported entry point in typedoc.json (${seconds} s).`)
}
