// `pnpm docs:check` (part of `pnpm test`): fails, listing each problem as file:line, when
// - a public declaration (anything an `exports` entry reaches: functions, classes, their members,
//   interface and option fields, type aliases, constants; parameters of functions and interface
//   methods with two or more) has no doc comment, or TypeDoc reports a broken {@link};
// - docs/api differs from what the sources generate (it is regenerated into a temporary folder);
// - the README's table of contents differs from its headings;
// - a relative link of README.md, ARCHITECTURE.md, a package README or docs/api names a file
//   that does not exist or a heading that the target does not have.
// `pnpm run docs` fixes the second and third.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkLinks, checkToc, diffFolders, formatProblems, runTypedoc } from './docs-lib.mjs'
import { API_DIR, config, markdownFiles, README, root } from './docs-paths.mjs'

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

const seconds = ((performance.now() - started) / 1000).toFixed(1)
if (problems.length) {
  console.error(`${formatProblems(problems)}\n\ndocs:check: ${problems.length} problem(s) (${seconds} s).`)
  process.exitCode = 1
} else {
  console.log(`docs:check: every public export documented, ${API_DIR} and the README's table of contents current, every relative link resolves (${seconds} s).`)
}
