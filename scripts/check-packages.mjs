// Packaging gates for every published package: publint --strict (exports, files, formats) and
// @arethetypeswrong/cli with the ESM-only profile (types resolve for every entry point).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const packages = ['packages/core', 'packages/storage-indexeddb', 'packages/storage-cloudflare-kv', 'packages/storage-unstorage', 'packages/browser', 'packages/cli', 'examples/react']
const bin = (name) => `${root}node_modules/.bin/${name}`
let failed = 0
for (const dir of packages) {
  for (const [label, command, args] of [
    ['publint --strict', bin('publint'), ['--strict']],
    ['attw --profile esm-only', bin('attw'), ['--pack', '.', '--profile', 'esm-only']],
  ]) {
    try {
      execFileSync(command, args, { cwd: `${root}${dir}`, stdio: 'pipe' })
      console.log(`ok   ${label.padEnd(24)} ${dir}`)
    } catch (error) {
      failed++
      console.log(`FAIL ${label.padEnd(24)} ${dir}\n${error.stdout?.toString() ?? ''}${error.stderr?.toString() ?? ''}`)
    }
  }
}
process.exit(failed === 0 ? 0 : 1)
