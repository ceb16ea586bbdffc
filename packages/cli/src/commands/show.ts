import { isModelNotFoundError } from '@horde-model-reference/core'
import { parseCategory } from '../category.js'
import { CliError, EXIT, usageError } from '../exit-codes.js'
import { cell } from '../format.js'
import type { CommandSpec } from '../spec.js'
import { paint, sanitize } from '../terminal.js'

/** `show <category> <name>`: one model's record. */
export const showCommand: CommandSpec = {
  name: 'show',
  summary: "One model's record",
  description: 'Prints one record, found by its name or its original key in the source (field by field, nested values as JSON; --json: the record). An unknown name exits 4 with the closest names as suggestions.',
  arguments: [
    { name: 'category', required: true, description: 'The category.' },
    { name: 'name', required: true, description: 'The model name (quote names with spaces).' },
  ],
  flags: {},
  examples: ['horde-model-reference show image_generation "AlbedoBase XL (SDXL)"', 'horde-model-reference show controlnet control_canny --json'],
  async run(ctx) {
    const category = parseCategory(ctx.args.positionals[0])
    const name = ctx.args.positionals[1]
    if (name === undefined || name.trim() === '') throw usageError(`Give the model's name: horde-model-reference show ${category} <name>.`)
    if (ctx.args.positionals.length > 2) throw usageError(`show takes a category and one name; quote a name with spaces: "${ctx.args.positionals.slice(1).join(' ')}".`)
    const client = ctx.client()
    let record: Readonly<Record<string, unknown>>
    try {
      record = (await ctx.withProgress(`Reading ${category}…`, () => client.getModel(category, name, { signal: ctx.signal }))) as unknown as Readonly<Record<string, unknown>>
    } catch (error) {
      if (!isModelNotFoundError(error)) throw error
      const suggestions = error.suggestions.length > 0 ? [...error.suggestions] : await client.suggestModelNames(category, name, { signal: ctx.signal, limit: 5 })
      const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => JSON.stringify(s)).join(', ')}?` : ` List the names with: horde-model-reference list ${category}.`
      throw new CliError(EXIT.notFound, `No model named ${JSON.stringify(name)} in ${category}.${hint}`, { suggestions })
    }
    if (ctx.json) {
      ctx.printJson(record)
      return 0
    }
    const fields = Object.keys(record)
    const width = Math.max(...fields.map((field) => field.length))
    for (const field of fields) {
      const value = record[field]
      const text = typeof value === 'object' && value !== null && !Array.isArray(value) ? JSON.stringify(value) : Array.isArray(value) && value.some((item) => typeof item === 'object') ? JSON.stringify(value) : cell(value)
      ctx.out(`${paint(ctx.style, 'bold', sanitize(field).padEnd(width))}  ${sanitize(text)}\n`)
    }
    return 0
  },
}
