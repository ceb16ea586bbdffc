// Fetch-free cost of turning a category's bytes into validated, frozen records, as a ratio to
// plain JSON.parse of the same bytes, measured in the same run on the real fixtures.
// Run with `pnpm bench` from the repository root.
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { convertLegacyJson, convertTextCsv, validateRecords } from '../dist/index.js'

const fixtures = process.env.HORDE_FIXTURES_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures')
const read = (path) => readFileSync(join(fixtures, path), 'utf8')

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]
}

// Interleaved rounds, so that both sides see the same machine state; the median of each.
function compare(baseline, subject, iterations, rounds = 25) {
  const time = (fn) => {
    const start = performance.now()
    for (let i = 0; i < iterations; i++) fn()
    return (performance.now() - start) / iterations
  }
  for (let i = 0; i < 5; i++) time(baseline), time(subject)
  const a = []
  const b = []
  for (let r = 0; r < rounds; r++) a.push(time(baseline)), b.push(time(subject))
  return { baseline: median(a), subject: median(b) }
}

const image = read('derived-v2/stable_diffusion.json')
const text = read('derived-v2/text_generation.json')
const legacyImage = read('legacy/stable_diffusion.json')
const csv = read('legacy/text/models.csv')

const rows = [
  ['image_generation, primary v2 JSON', image, compare(() => JSON.parse(image), () => validateRecords('image_generation', JSON.parse(image)), 200)],
  ['text_generation, primary v2 JSON', text, compare(() => JSON.parse(text), () => validateRecords('text_generation', JSON.parse(text)), 50)],
  [
    'image_generation, GitHub legacy JSON',
    legacyImage,
    compare(() => JSON.parse(legacyImage), () => {
      const converted = convertLegacyJson('image_generation', JSON.parse(legacyImage))
      validateRecords('image_generation', converted.entries, converted.issues)
    }, 200),
  ],
  [
    'text_generation, GitHub models.csv (baseline: JSON.parse of derived v2 text)',
    csv,
    compare(() => JSON.parse(text), () => {
      const converted = convertTextCsv(csv)
      validateRecords('text_generation', converted.entries, converted.issues)
    }, 50),
  ],
]

console.log(`node ${process.version}, ${new Date().toISOString()}`)
console.log('| path | bytes | JSON.parse (ms) | parse + convert + validate (ms) | ratio |')
console.log('|---|---:|---:|---:|---:|')
for (const [label, bytes, { baseline, subject }] of rows) {
  console.log(`| ${label} | ${bytes.length} | ${baseline.toFixed(3)} | ${subject.toFixed(3)} | ${(subject / baseline).toFixed(2)}x |`)
}
