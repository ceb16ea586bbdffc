import { getModelAvailability } from '@horde-model-reference/core/availability'
import { parseHordeCategory } from '../category.js'
import { usageError } from '../exit-codes.js'
import { parseInteger } from '../numbers.js'
import type { CommandSpec } from '../spec.js'
import { renderTable } from '../table.js'

/** `availability`: every model with its live worker count. */
export const availabilityCommand: CommandSpec = {
  name: 'availability',
  summary: 'Live worker counts for every model (AI Horde API)',
  description: 'Every model of the reference with the workers serving it now, its jobs and expected wait, most workers first, from the AI Horde public API; and the models workers serve that the reference does not have (--unlisted).',
  arguments: [],
  flags: {
    category: { type: 'string', valueName: '<category>', description: 'image_generation (default) or text_generation.' },
    available: { type: 'boolean', description: 'Only models with at least one worker.' },
    unlisted: { type: 'boolean', description: 'List the models the Horde serves that are not in the reference instead.' },
    limit: { type: 'string', valueName: '<n>', description: 'At most n rows.' },
  },
  examples: ['horde-model-reference availability --available --limit 10', 'horde-model-reference availability --category text_generation --json'],
  async run(ctx) {
    if (ctx.args.positionals.length > 0) throw usageError(`availability takes no arguments; use --category ${ctx.args.positionals[0]}.`)
    const category = parseHordeCategory(typeof ctx.args.flags.category === 'string' ? ctx.args.flags.category : undefined)
    const limit = parseInteger('limit', ctx.args.flags.limit, Number.MAX_SAFE_INTEGER)
    const client = ctx.client()
    const result = await ctx.withProgress(`Asking the AI Horde for ${category}…`, () => getModelAvailability(client, category, { signal: ctx.signal }))
    const models = result.models
      .filter((m) => ctx.args.flags.available !== true || m.available)
      .map(({ name, workerCount, jobs, queued, performance, eta, served, available }) => ({ name, workerCount, jobs, queued, performance, eta, served, available }))
      .sort((a, b) => b.workerCount - a.workerCount)
      .slice(0, limit)
    const unlisted = result.unlisted.slice(0, limit).map(({ name, workerCount, jobs, queued, performance, eta }) => ({ name, workerCount, jobs, queued, performance, eta }))
    if (ctx.json) {
      ctx.printJson({ category, availableCount: result.availableCount, modelCount: result.models.length, fetchedAt: result.fetchedAt, stale: result.stale, models, unlisted })
      return 0
    }
    const rows = (ctx.args.flags.unlisted === true ? unlisted : models).map((m) => [m.name, String(m.workerCount), String(m.jobs), `${m.eta} s`])
    const columns = [{ header: 'NAME' }, { header: 'WORKERS', align: 'right' as const, shrink: false }, { header: 'JOBS', align: 'right' as const, shrink: false }, { header: 'ETA', align: 'right' as const, shrink: false }]
    ctx.out(rows.length === 0 ? '' : renderTable(columns, rows, ctx.style))
    ctx.note(`${result.availableCount} of ${result.models.length} ${category} models have a worker now; ${result.unlisted.length} served model${result.unlisted.length === 1 ? ' is' : 's are'} not in the reference${result.stale ? ' (stale numbers)' : ''}.`)
    return 0
  },
}
