import { parseCategory } from '../category.js'
import { usageError } from '../exit-codes.js'
import { looseQuery } from '../loose-query.js'
import { parseInteger } from '../numbers.js'
import { recordTable } from '../records.js'
import type { CommandSpec } from '../spec.js'
import { renderTable } from '../table.js'

/** `search <text>`: ranked text search in one category. */
export const searchCommand: CommandSpec = {
  name: 'search',
  summary: 'Ranked text search in a category (image_generation by default)',
  description: 'Searches names, descriptions, tags and baselines with the query builder\'s ranked search, best match first (the words of the text may come in any order and be partial).',
  arguments: [{ name: 'text', required: true, description: 'What to look for (several words: quote them or give them one after another).' }],
  flags: {
    category: { type: 'string', valueName: '<category>', description: 'The category to search (default image_generation).' },
    limit: { type: 'string', valueName: '<n>', description: 'At most n models (default 20).' },
  },
  examples: ['horde-model-reference search "pony xl"', 'horde-model-reference search llama --category text_generation --limit 5 --json'],
  async run(ctx) {
    const text = ctx.args.positionals.join(' ').trim()
    if (text === '') throw usageError('Give the text to search for: horde-model-reference search <text>.')
    const category = parseCategory(typeof ctx.args.flags.category === 'string' ? ctx.args.flags.category : 'image_generation')
    const limit = parseInteger('limit', ctx.args.flags.limit, 20)
    const client = ctx.client()
    const result = await ctx.withProgress(`Reading ${category}…`, () => client.getModelReferenceResult(category, { signal: ctx.signal }))
    const records = looseQuery(client, category).search(text).limit(limit).run(result)
    if (ctx.json) {
      ctx.printJson(records)
      return 0
    }
    const { columns, rows } = recordTable(category, records)
    ctx.out(rows.length === 0 ? '' : renderTable(columns, rows, ctx.style))
    if (rows.length === 0) ctx.note(`No ${category} model matches ${JSON.stringify(text)}.`)
    return 0
  },
}
