// Prints vitest's totals as one plain closing line ("N passed, N failed") and exits non-zero
// when a test failed or when vitest wrote no report (it crashed, or ran no test).
import { existsSync, readFileSync } from 'node:fs'

const file = process.argv[2] ?? 'node_modules/.cache/vitest-report.json'
if (!existsSync(file)) {
  console.error(`No vitest report at ${file}: the test run did not complete.`)
  process.exit(1)
}
const report = JSON.parse(readFileSync(file, 'utf8'))
const passed = report.numPassedTests ?? 0
const failed = report.numFailedTests ?? 0
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 || report.success === false || passed === 0 ? 1 : 0)
