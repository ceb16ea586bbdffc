import { MODEL_REFERENCE_CATEGORIES, getCategoryDescriptor, isSourcesUnavailableError, type FetchableCategory } from '@horde-model-reference/core'
import { sourcesUnavailableMessage } from '../core-errors.js'
import { parseCategory } from '../category.js'
import { usageError } from '../exit-codes.js'
import { writeTextFile } from '../files.js'
import type { CommandSpec } from '../spec.js'
import { sanitize } from '../terminal.js'

const FETCHABLE = MODEL_REFERENCE_CATEGORIES.filter((category) => !getCategoryDescriptor(category).managedElsewhere) as FetchableCategory[]

/** `snapshot`: a hydration snapshot (`client.dehydrate()`) for an app to ship. */
export const snapshotCommand: CommandSpec = {
  name: 'snapshot',
  summary: 'Write a hydration snapshot (client.dehydrate()) for an app to ship',
  description:
    "Reads the categories (every one by default, concurrently) and writes the client's snapshot of them: the JSON an app passes to `initialData` or `client.hydrate()` to start with data and no request (see \"Snapshots and hydration\" in the SDK's README). A category that cannot be read is left out with a note on stderr; none at all exits 3. --last-resort marks it to be served whatever its age when every source fails.",
  arguments: [],
  flags: {
    out: { type: 'string', valueName: '<file>', description: 'Write the snapshot here (default: stdout).' },
    category: { type: 'string', multiple: true, valueName: '<category>', description: 'Only this category (repeat for several).' },
    'last-resort': { type: 'boolean', description: 'Mark the snapshot as a last resort (served whatever its age when every source fails).' },
  },
  examples: ['horde-model-reference snapshot --out models.snapshot.json', 'horde-model-reference snapshot --category image_generation --category controlnet > snapshot.json'],
  async run(ctx) {
    if (ctx.args.positionals.length > 0) throw usageError(`snapshot takes no arguments; use --category ${ctx.args.positionals[0]} or --out ${ctx.args.positionals[0]}.`)
    const asked = (ctx.args.flags.category as readonly string[] | undefined)?.map((name) => parseCategory(name)) ?? FETCHABLE
    const categories = [...new Set(asked)].filter((category): category is FetchableCategory => {
      if (getCategoryDescriptor(category).managedElsewhere) throw usageError(`${category} is managed elsewhere upstream and has no data to snapshot.`)
      return true
    })
    const client = ctx.client()
    const settled = await ctx.withProgress(`Reading ${categories.length === 1 ? categories[0] : `${categories.length} categories`}…`, () =>
      Promise.allSettled(categories.map((category) => client.getModelReferenceResult(category, { signal: ctx.signal }))),
    )
    const failures = settled.map((outcome, i) => ({ outcome, category: categories[i]! })).filter(({ outcome }) => outcome.status === 'rejected')
    if (failures.length === categories.length) throw (failures[0]!.outcome as PromiseRejectedResult).reason
    for (const { category, outcome } of failures) {
      const reason: unknown = (outcome as PromiseRejectedResult).reason
      ctx.note(`Left out ${category}: ${isSourcesUnavailableError(reason) ? sourcesUnavailableMessage(reason, false) : String((reason as Error | undefined)?.message ?? reason)}`)
    }
    const read = categories.filter((_, i) => settled[i]!.status === 'fulfilled')
    const snapshot = client.dehydrate(read, { lastResort: ctx.args.flags['last-resort'] === true })
    const text = `${JSON.stringify(snapshot)}\n`
    const out = typeof ctx.args.flags.out === 'string' ? ctx.args.flags.out : undefined
    if (out === undefined) {
      ctx.out(text)
      return 0
    }
    await writeTextFile(out, text, ctx.cwd, ctx.out)
    const counts = Object.fromEntries(Object.entries(snapshot.categories).map(([category, entry]) => [category, Object.keys((entry as { records?: object } | undefined)?.records ?? {}).length]))
    if (ctx.json) ctx.printJson({ out, bytes: Buffer.byteLength(text), categories: counts, leftOut: failures.map(({ category }) => category) })
    else ctx.note(`Wrote ${Object.keys(snapshot.categories).length} categories (${Object.values(counts).reduce((a, b) => a + b, 0)} records, ${Buffer.byteLength(text)} bytes) to ${sanitize(out)}.`)
    return 0
  },
}
