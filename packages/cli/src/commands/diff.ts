import { diffModelReferences, type ModelReferenceDiff } from '@horde-model-reference/core/diff'
import { CliError, EXIT, usageError } from '../exit-codes.js'
import { categoryFromName, readReferenceFile } from '../reference-file.js'
import type { CommandSpec } from '../spec.js'
import { paint, sanitize } from '../terminal.js'

const MAX_VALUE = 80

function show(value: unknown): string {
  if (value === undefined) return '(none)'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text
}

function differentCategories(oldPath: string, oldCategory: string, newPath: string, newCategory: string, how: string): CliError {
  return usageError(`${oldPath} holds ${oldCategory} and ${newPath} holds ${newCategory} (by ${how}): diff compares two files of one category.`, { categories: [oldCategory, newCategory] })
}

/** `diff <old> [<new>]`: what changed between two files, or between a file and the live data. */
export const diffCommand: CommandSpec = {
  name: 'diff',
  summary: 'What changed between two reference files, or a file and the live data',
  description:
    'Compares the records of two files (legacy or v2, each converted and validated first, so a legacy and a v2 file compare by content), or of one file and the live data of its category: the models added, removed, and changed with each changed field. Exits 0 when the two are equal and 1 when they differ, as diff(1) does.',
  arguments: [
    { name: 'old-file', required: true, description: 'The older file.' },
    { name: 'new-file', required: false, description: 'The newer file (default: the live data of the category).' },
  ],
  flags: { category: { type: 'string', valueName: '<category>', description: 'The category of both files, when their names do not tell (files of two categories are refused).' } },
  examples: ['horde-model-reference diff old/stable_diffusion.json stable_diffusion.json', 'horde-model-reference diff stable_diffusion.json --json'],
  async run(ctx) {
    const [oldPath, newPath, extra] = ctx.args.positionals
    if (oldPath === undefined) throw usageError('Give the file to compare: horde-model-reference diff <old-file> [<new-file>].')
    if (extra !== undefined) throw usageError('diff compares two files at most.')
    const hints = { category: ctx.args.flags.category as string | undefined }
    // Two names that tell two categories: no --category can make one file of the other's.
    const named = newPath === undefined ? [] : [categoryFromName(oldPath), categoryFromName(newPath)]
    if (named[0] !== undefined && named[1] !== undefined && named[0] !== named[1]) throw differentCategories(oldPath, named[0], newPath!, named[1], 'their names')
    // Each file's own category (from --category, its name or its records); the other file's name only when nothing tells.
    const before = await readReferenceFile(oldPath, ctx.cwd, { ...hints, fallbackCategory: named[1] })
    let afterModels: Readonly<Record<string, unknown>>
    let afterLabel: string
    if (newPath !== undefined) {
      const after = await readReferenceFile(newPath, ctx.cwd, { ...hints, fallbackCategory: before.category })
      if (after.category !== before.category) throw differentCategories(oldPath, before.category, newPath, after.category, 'their names or records')
      afterModels = after.models
      afterLabel = newPath
    } else {
      const category = before.category
      const result = await ctx.withProgress(`Reading ${category}…`, () => ctx.client().getModelReferenceResult(category, { signal: ctx.signal }))
      afterModels = result.models
      afterLabel = `live ${category} (${result.source})`
    }
    const diff: ModelReferenceDiff = diffModelReferences(before.models as never, afterModels as never)
    if (ctx.json) {
      ctx.printJson({ category: before.category, before: oldPath, after: newPath ?? null, equal: diff.equal, added: diff.added, removed: diff.removed, changed: diff.changed, unchanged: diff.unchanged })
      return diff.equal ? EXIT.ok : EXIT.dataProblem
    }
    const s = ctx.style
    for (const name of diff.added) ctx.out(`${paint(s, 'green', '+')} ${sanitize(name)}\n`)
    for (const name of diff.removed) ctx.out(`${paint(s, 'red', '-')} ${sanitize(name)}\n`)
    for (const change of diff.changed) {
      ctx.out(`${paint(s, 'yellow', '~')} ${sanitize(change.name)}\n`)
      for (const field of change.changes) ctx.out(`    ${sanitize(field.path === '' ? '(record)' : field.path)}: ${sanitize(show(field.before))} -> ${sanitize(show(field.after))}\n`)
    }
    ctx.out(`${sanitize(oldPath)} -> ${sanitize(afterLabel)}: ${diff.equal ? 'equal' : `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`}, ${diff.unchanged} unchanged\n`)
    return diff.equal ? EXIT.ok : EXIT.dataProblem
  },
}
