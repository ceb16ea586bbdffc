// `pnpm run docs`: regenerates the markdown API reference in docs/api (TypeDoc over every public
// entry point, typedoc.json) and the README's table of contents. (`pnpm docs` is a pnpm built-in.)
// Problems (a public declaration without a doc comment, a broken {@link}) are printed; the
// reference is written anyway, and `pnpm docs:check` fails until they are fixed.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatProblems, runTypedoc, updateToc } from './docs-lib.mjs'
import { API_DIR, config, README, root } from './docs-paths.mjs'

const started = performance.now()
const scratch = mkdtempSync(join(tmpdir(), 'hmr-docs-'))
try {
  const out = join(scratch, 'api')
  const { problems, project } = await runTypedoc({ root, config, out, force: true })
  if (!project) {
    console.error(formatProblems(problems))
    process.exitCode = 1
  } else {
    rmSync(join(root, API_DIR), { recursive: true, force: true })
    cpSync(out, join(root, API_DIR), { recursive: true })
    const readme = readFileSync(join(root, README), 'utf8')
    const updated = updateToc(readme)
    if (updated !== readme) writeFileSync(join(root, README), updated)
    if (problems.length) console.warn(`${formatProblems(problems)}\n\n${problems.length} problem(s): \`pnpm docs:check\` fails until they are fixed.`)
    console.log(`${API_DIR} and the README's table of contents regenerated in ${((performance.now() - started) / 1000).toFixed(1)} s.`)
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
