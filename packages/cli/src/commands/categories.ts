import { MODEL_REFERENCE_CATEGORIES, getCategoryDescriptor, type ModelReferenceCategory } from '@horde-model-reference/core'
import type { CommandSpec } from '../spec.js'
import { renderTable } from '../table.js'
import { describeAge } from '../format.js'

/** `categories`: every category with its record count, where it came from and how old it is. */
export const categoriesCommand: CommandSpec = {
  name: 'categories',
  summary: 'Every category with its record count, source and age',
  description: 'Reads every category the reference has (concurrently) and lists each with its number of records, the source that answered and how old the copy is. lora and ti are managed elsewhere upstream and always empty. With --offline, only the names (nothing is fetched).',
  arguments: [],
  flags: { offline: { type: 'boolean', description: 'List the category names only, without fetching.' } },
  examples: ['horde-model-reference categories', 'horde-model-reference categories --json'],
  async run(ctx) {
    if (ctx.args.flags.offline === true) {
      if (ctx.json) ctx.printJson(MODEL_REFERENCE_CATEGORIES.map((name) => ({ name })))
      else ctx.out(`${MODEL_REFERENCE_CATEGORIES.join('\n')}\n`)
      return 0
    }
    const client = ctx.client()
    // One read per category on the run's signal (getAllModelReferenceResults would do the same,
    // but its fan-out signal has more abort listeners than Node's default warning threshold).
    const settled = await ctx.withProgress('Reading every category…', () => Promise.allSettled(MODEL_REFERENCE_CATEGORIES.map((name) => client.getModelReferenceResult(name, { signal: ctx.signal }))))
    ctx.signal.throwIfAborted()
    const failures = settled.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
    if (failures.length === settled.length - MODEL_REFERENCE_CATEGORIES.filter((name) => getCategoryDescriptor(name).managedElsewhere).length) throw failures[0]!.reason
    const rows = MODEL_REFERENCE_CATEGORIES.map((name: ModelReferenceCategory, index) => {
      const outcome = settled[index]!
      const result = outcome.status === 'fulfilled' ? outcome.value : undefined
      const managedElsewhere = getCategoryDescriptor(name).managedElsewhere
      return {
        name,
        records: result === undefined ? null : Object.keys(result.models).length,
        managedElsewhere,
        source: result === undefined ? 'unavailable' : result.source,
        fetchedAt: result === undefined ? null : result.fetchedAt,
        stale: result?.stale ?? false,
      }
    })
    if (ctx.json) {
      ctx.printJson(rows)
      return 0
    }
    const now = Date.now()
    ctx.out(
      renderTable(
        [{ header: 'CATEGORY' }, { header: 'RECORDS', align: 'right', shrink: false }, { header: 'SOURCE', shrink: false }, { header: 'AGE', shrink: false }],
        rows.map((row) => [row.name, row.records === null ? '-' : String(row.records), row.source, row.fetchedAt === null || row.managedElsewhere ? '' : `${describeAge(now - row.fetchedAt)}${row.stale ? ' (stale)' : ''}`]),
        ctx.style,
      ),
    )
    return 0
  },
}
