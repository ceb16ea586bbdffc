import { EXIT, usageError } from '../exit-codes.js'
import { writeTextFile } from '../files.js'
import { convertedFloats } from '../float-literals.js'
import { TopLevelEntries, toPythonJson } from '../python-json.js'
import { readReferenceFile } from '../reference-file.js'
import type { CommandSpec } from '../spec.js'
import { sanitize } from '../terminal.js'

/** `convert <legacy-file>`: a GitHub legacy file to the v2 format, as upstream's converter does. */
export const convertCommand: CommandSpec = {
  name: 'convert',
  summary: 'Convert a GitHub legacy file (or models.csv) to the v2 format',
  description:
    "Converts a legacy file of the image repository (stable_diffusion.json, controlnet.json, ...) or the text repository's models.csv to v2 records, following upstream's converter field by field, keyed as in the source. A record the conversion or validation rejects is left out and reported on stderr; the exit code is then 1 (the output is still written). Without --out the v2 JSON goes to stdout.",
  arguments: [{ name: 'legacy-file', required: true, description: 'The legacy file.' }],
  flags: {
    out: { type: 'string', valueName: '<file>', description: 'Write the v2 JSON here instead of stdout.' },
    category: { type: 'string', valueName: '<category>', description: 'The category, when the file name does not tell.' },
  },
  examples: ['horde-model-reference convert stable_diffusion.json --out v2/stable_diffusion.json', 'horde-model-reference convert models.csv > text_generation.json'],
  async run(ctx) {
    const path = ctx.args.positionals[0]
    if (path === undefined) throw usageError('Give the legacy file: horde-model-reference convert <legacy-file> [--out file].')
    if (ctx.args.positionals.length > 1) throw usageError('convert takes one file; give the output with --out <file>.')
    const file = await readReferenceFile(path, ctx.cwd, { category: ctx.args.flags.category as string | undefined })
    if (file.format === 'v2') throw usageError(`${path} is already in the v2 format (its records have no legacy field); check it with: horde-model-reference validate ${path}.`)
    const rejected = new Set(file.issues.filter((issue) => issue.severity === 'error').map((issue) => issue.key))
    const kept = file.entries.filter(([key]) => !rejected.has(key))
    // As upstream writes its v2 files (json.dumps, indent=4): non-ASCII escaped, its floats as floats, keys in the source's order.
    const text = `${toPythonJson(new TopLevelEntries(kept), { isFloat: convertedFloats(file) })}\n`
    const out = typeof ctx.args.flags.out === 'string' ? ctx.args.flags.out : undefined
    if (out !== undefined) await writeTextFile(out, text, ctx.cwd, ctx.out)
    for (const issue of file.issues) if (issue.severity !== 'info') ctx.note(`${issue.severity}  ${sanitize(JSON.stringify(issue.key))}${issue.path === '' ? '' : ` ${sanitize(issue.path)}`}: ${sanitize(issue.message)}`)
    const count = kept.length
    if (out === undefined) ctx.out(text)
    else if (ctx.json) ctx.printJson({ file: path, out, category: file.category, records: count, rejected: [...rejected], issues: file.issues })
    else ctx.note(`Converted ${count} ${file.category} record${count === 1 ? '' : 's'} to ${sanitize(out)}${rejected.size > 0 ? `; ${rejected.size} rejected` : ''}.`)
    return rejected.size > 0 ? EXIT.dataProblem : EXIT.ok
  },
}
