import { getPopularModels, type PopularSortBy } from '@horde-model-reference/core/popular'
import { parseHordeCategory } from '../category.js'
import { didYouMean } from '../closest.js'
import { usageError } from '../exit-codes.js'
import { parseInteger } from '../numbers.js'
import type { CommandSpec } from '../spec.js'
import { renderTable } from '../table.js'

const SORTS: readonly PopularSortBy[] = ['worker_count', 'usage_day', 'usage_month', 'usage_total']

/** `popular`: the most used models now, from the AI Horde API joined with the reference. */
export const popularCommand: CommandSpec = {
  name: 'popular',
  summary: 'The most used models right now (AI Horde API)',
  description: 'Ranks the models of the reference by the workers serving them now, or by requests served (--sort usage_day|usage_month|usage_total), from the AI Horde public API (--horde-api-url). Only models of the reference are listed.',
  arguments: [],
  flags: {
    category: { type: 'string', valueName: '<category>', description: 'image_generation (default) or text_generation.' },
    limit: { type: 'string', valueName: '<n>', description: 'How many models (default 10).' },
    sort: { type: 'string', valueName: '<by>', description: `How to rank: ${SORTS.join(', ')} (default worker_count).` },
  },
  examples: ['horde-model-reference popular --limit 5', 'horde-model-reference popular --category text_generation --sort usage_day --json'],
  async run(ctx) {
    if (ctx.args.positionals.length > 0) throw usageError(`popular takes no arguments; use --category ${ctx.args.positionals[0]}.`)
    const category = parseHordeCategory(typeof ctx.args.flags.category === 'string' ? ctx.args.flags.category : undefined)
    const limit = parseInteger('limit', ctx.args.flags.limit, 10)
    const sort = ctx.args.flags.sort
    if (sort !== undefined && !SORTS.includes(sort as PopularSortBy)) throw usageError(`--sort takes ${SORTS.join(', ')}, not ${JSON.stringify(sort)}.${didYouMean(String(sort), SORTS)}`)
    const sortBy = (sort as PopularSortBy | undefined) ?? 'worker_count'
    const client = ctx.client()
    const models = await ctx.withProgress(`Asking the AI Horde for ${category}…`, () => getPopularModels(client, category, { limit, sortBy, signal: ctx.signal }))
    if (ctx.json) {
      ctx.printJson(models.map(({ name, workerCount, jobs, queued, performance, eta, usage }) => ({ name, workerCount, jobs, queued, performance, eta, ...(usage !== undefined && { usage }) })))
      return 0
    }
    const usage = sortBy !== 'worker_count'
    const columns = [
      { header: '#', align: 'right' as const, shrink: false },
      { header: 'NAME' },
      { header: 'WORKERS', align: 'right' as const, shrink: false },
      { header: 'JOBS', align: 'right' as const, shrink: false },
      { header: 'ETA', align: 'right' as const, shrink: false },
      ...(usage ? [{ header: sortBy.replace('usage_', 'USES/').toUpperCase(), align: 'right' as const, shrink: false }] : []),
    ]
    const key = sortBy.replace('usage_', '') as 'day' | 'month' | 'total'
    const rows = models.map((m, i) => [String(i + 1), m.name, String(m.workerCount), String(m.jobs), `${m.eta} s`, ...(usage ? [String(m.usage?.[key] ?? 0)] : [])])
    ctx.out(rows.length === 0 ? '' : renderTable(columns, rows, ctx.style))
    if (rows.length === 0) ctx.note(`The AI Horde lists no ${category} model of the reference.`)
    return 0
  },
}
