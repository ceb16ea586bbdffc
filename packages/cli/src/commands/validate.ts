import type { ModelReferenceIssue } from '@horde-model-reference/core'
import { CliError, EXIT, usageError } from '../exit-codes.js'
import { writeTextFile } from '../files.js'
import { sourceFloats } from '../float-literals.js'
import { floatPathKey, TopLevelEntries, toPythonJson } from '../python-json.js'
import { readReferenceFile } from '../reference-file.js'
import type { CommandSpec } from '../spec.js'
import { paint, sanitize } from '../terminal.js'
import { findUnknownFields } from '../unknown-fields.js'

/** An issue as `validate --json` prints it. */
interface PrintedIssue {
  readonly severity: ModelReferenceIssue['severity']
  readonly record: string
  readonly field: string
  readonly message: string
}

/** How many records one repeated issue is printed for before the rest are counted. */
const REPEATS_SHOWN = 5

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const

/** `validate <file>`: upstream's `validate-sd-models`, for any category and either format. */
export const validateCommand: CommandSpec = {
  name: 'validate',
  summary: 'Check a reference file as its contributors do (upstream validate-sd-models)',
  description:
    "Checks a model reference file (the GitHub legacy format, e.g. stable_diffusion.json, the v2 format, or the text repository's models.csv) record by record with the SDK's validation, and the legacy conversion for legacy files, and reports fields upstream does not declare. Prints each issue as record, field and message. Exits 1 when a record is invalid (or the file is not a reference file at all); with --strict also on a warning (an unknown field, baseline or style), as upstream's CI does. The category comes from the file name (stable_diffusion.json, controlnet.json, models.csv, ...) or the records; else give --category.",
  arguments: [{ name: 'file', required: true, description: 'The file to check.' }],
  flags: {
    category: { type: 'string', valueName: '<category>', description: 'The category, when the file name does not tell.' },
    format: { type: 'string', valueName: '<format>', description: 'legacy, v2 or csv (default: from the content).' },
    strict: { type: 'boolean', description: 'Fail on warnings too (unknown fields, baselines, styles), as upstream\'s CI (also when AI_HORDE_TESTING is true).' },
    write: { type: 'string', valueName: '<out>', description: 'Write the file back to <out> without the invalid records (as given otherwise, 4-space indent).' },
  },
  examples: ['horde-model-reference validate stable_diffusion.json', 'horde-model-reference validate my-models.json --category controlnet --strict --json', 'horde-model-reference validate stable_diffusion.json --write fixed.json'],
  async run(ctx) {
    const path = ctx.args.positionals[0]
    if (path === undefined) throw usageError('Give the file to check: horde-model-reference validate <file>.')
    if (ctx.args.positionals.length > 1) throw usageError('validate checks one file at a time.')
    // Upstream's models forbid unknown fields when AI_HORDE_TESTING is true (its CI): the same here.
    const strict = ctx.args.flags.strict === true || /^(1|true|yes|on)$/i.test(ctx.env.AI_HORDE_TESTING ?? '')
    const out = typeof ctx.args.flags.write === 'string' ? ctx.args.flags.write : undefined
    let issues: PrintedIssue[]
    let summary: { category: string | null; format: string | null; records: number; validRecords: number }
    let written: string[] = []
    try {
      const file = await readReferenceFile(path, ctx.cwd, { category: ctx.args.flags.category as string | undefined, format: ctx.args.flags.format as string | undefined })
      const all = [...file.issues, ...findUnknownFields(file)]
      issues = all
        .map((issue, index) => ({ issue, index }))
        .sort((a, b) => SEVERITY_ORDER[a.issue.severity] - SEVERITY_ORDER[b.issue.severity] || a.index - b.index)
        .map(({ issue }) => ({ severity: issue.severity, record: issue.key, field: issue.path, message: issue.message }))
      summary = { category: file.category, format: file.format, records: file.entryCount, validRecords: Object.keys(file.models).length }
      if (out !== undefined) {
        if (file.format === 'csv') throw usageError('--write writes JSON files back; for models.csv use: horde-model-reference convert models.csv --out text_generation.json.')
        const broken = new Set(all.filter((issue) => issue.severity === 'error').map((issue) => issue.key))
        const data = file.data as Record<string, unknown>
        const kept = Object.keys(data).filter((key) => !broken.has(key)).map((key) => [key, data[key]] as const)
        // As the repositories write their files (Python's json.dumps): ASCII only, and a float of the source stays a float.
        const floats = sourceFloats(file)
        await writeTextFile(out, `${toPythonJson(new TopLevelEntries(kept), { isFloat: (p) => floats.has(floatPathKey(p)) })}\n`, ctx.cwd, ctx.out)
        written = [out]
      }
    } catch (error) {
      // A file that is not a reference file at all is one issue of the file, reported like the others.
      if (!(error instanceof CliError) || error.exitCode !== EXIT.dataProblem) throw error
      issues = [{ severity: 'error', record: '', field: '', message: error.message }]
      summary = { category: null, format: null, records: 0, validRecords: 0 }
    }
    const errors = issues.filter((i) => i.severity === 'error').length
    const warnings = issues.filter((i) => i.severity === 'warning').length
    const valid = errors === 0 && (!strict || warnings === 0)
    if (ctx.json) {
      ctx.printJson({ file: path, valid, ...summary, errors, warnings, issues, ...(written.length > 0 && { written: written[0] }) })
    } else {
      // The same issue on many records (a field every record has) is shown a few times, then counted.
      const seen = new Map<string, number>()
      const hidden = new Map<string, number>()
      for (const issue of issues) {
        const group = `${issue.severity}\u0000${issue.field}\u0000${issue.message}`
        const count = (seen.get(group) ?? 0) + 1
        seen.set(group, count)
        if (count > REPEATS_SHOWN) {
          hidden.set(group, (hidden.get(group) ?? 0) + 1)
          continue
        }
        const label = issue.severity === 'error' ? paint(ctx.style, 'red', 'error') : issue.severity === 'warning' ? paint(ctx.style, 'yellow', 'warning') : paint(ctx.style, 'dim', 'info')
        const where = issue.record === '' ? path : `${JSON.stringify(issue.record)}${issue.field === '' ? '' : ` ${issue.field}`}`
        ctx.out(`${label}  ${sanitize(where)}: ${sanitize(issue.message)}\n`)
      }
      for (const [group, count] of hidden) {
        const [severity, field] = group.split('\u0000')
        ctx.out(`${severity}  … and ${count} more record${count === 1 ? '' : 's'} with the same ${field === '' ? 'issue' : `issue in ${sanitize(field!)}`} (--json lists every one)\n`)
      }
      const verdict = valid ? paint(ctx.style, 'green', 'valid') : paint(ctx.style, 'red', 'invalid')
      const what = summary.category === null ? '' : ` (${summary.category}, ${summary.format}: ${summary.validRecords} of ${summary.records} records valid)`
      ctx.out(`${sanitize(path)}: ${verdict}${what}; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${strict && warnings > 0 ? ' (--strict)' : ''}\n`)
      if (written.length > 0) ctx.note(`Wrote ${sanitize(written[0]!)}.`)
    }
    return valid ? EXIT.ok : EXIT.dataProblem
  },
}
