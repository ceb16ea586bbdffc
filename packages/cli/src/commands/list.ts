import { parseCategory } from '../category.js'
import { usageError } from '../exit-codes.js'
import { looseQuery, type LooseQuery } from '../loose-query.js'
import { parseInteger } from '../numbers.js'
import { recordTable } from '../records.js'
import type { CommandSpec, ParsedArguments } from '../spec.js'
import { renderTable } from '../table.js'

const strings = (value: unknown): readonly string[] => (Array.isArray(value) ? value : typeof value === 'string' ? [value] : [])

/** Applies `list`'s and `search`'s filter flags to a query. */
export function applyFilters(q: LooseQuery, args: ParsedArguments): LooseQuery {
  const { flags } = args
  const pair = (on: string, off: string): boolean | undefined => {
    if (flags[on] === true && flags[off] === true) throw usageError(`--${on} and --${off} contradict each other; give one.`)
    return flags[on] === true ? true : flags[off] === true ? false : undefined
  }
  if (typeof flags.baseline === 'string') q = q.forBaseline ? q.forBaseline(flags.baseline) : q.where('baseline', '=', flags.baseline)
  if (typeof flags.style === 'string') q = q.forStyle ? q.forStyle(flags.style) : q.where('style', '=', flags.style)
  const nsfw = pair('nsfw', 'no-nsfw')
  if (nsfw !== undefined) q = q.onlyNsfw && q.excludeNsfw ? (nsfw ? q.onlyNsfw() : q.excludeNsfw()) : q.where('nsfw', '=', nsfw)
  const inpainting = pair('inpainting', 'no-inpainting')
  if (inpainting !== undefined) q = q.onlyInpainting && q.excludeInpainting ? (inpainting ? q.onlyInpainting() : q.excludeInpainting()) : q.where('inpainting', '=', inpainting)
  for (const tag of strings(flags.tag)) q = q.where('tags', 'contains', tag)
  if (typeof flags.search === 'string') q = q.search(flags.search)
  if (typeof flags.sort === 'string') q = q.orderBy(flags.sort, flags.desc === true ? 'desc' : 'asc')
  else if (flags.desc === true) throw usageError('--desc needs --sort <field>.')
  if (flags.limit !== undefined) q = q.limit(parseInteger('limit', flags.limit, 0))
  return q
}

/** The filter flags `list` takes. */
export const FILTER_FLAGS = {
  baseline: { type: 'string', valueName: '<baseline>', description: 'Only this baseline (image: any spelling, "SDXL" finds stable_diffusion_xl).' },
  style: { type: 'string', valueName: '<style>', description: 'Only this style (controlnet: its controlnet_style).' },
  nsfw: { type: 'boolean', description: 'Only NSFW models.' },
  'no-nsfw': { type: 'boolean', description: 'No NSFW models.' },
  inpainting: { type: 'boolean', description: 'Only inpainting models.' },
  'no-inpainting': { type: 'boolean', description: 'No inpainting models.' },
  tag: { type: 'string', multiple: true, valueName: '<tag>', description: 'Only models with this tag (repeat for several: all must match).' },
  search: { type: 'string', valueName: '<text>', description: 'Ranked text search, best match first.' },
  sort: { type: 'string', valueName: '<field>', description: 'Sort by this field (a dotted path works; missing values last).' },
  desc: { type: 'boolean', description: 'Sort descending (with --sort).' },
  limit: { type: 'string', valueName: '<n>', description: 'At most n models.' },
} as const

/** `list <category>`: the records of a category, filtered and sorted with the query builder. */
export const listCommand: CommandSpec = {
  name: 'list',
  summary: 'The models of a category, filtered and sorted',
  description: 'Lists the models of a category as a table (the name and what tells them apart), or with --json as an array of records. The filters are the query builder\'s: a field no record has is a usage error naming the closest field.',
  arguments: [{ name: 'category', required: true, description: 'image_generation, text_generation, controlnet, ... (see `categories --offline`)' }],
  flags: FILTER_FLAGS,
  examples: ['horde-model-reference list image_generation --baseline SDXL --no-nsfw --limit 5', 'horde-model-reference list image_generation --tag anime --sort size_on_disk_bytes --desc --json', 'horde-model-reference list text_generation --search mistral'],
  async run(ctx) {
    const category = parseCategory(ctx.args.positionals[0])
    if (ctx.args.positionals.length > 1) throw usageError(`list takes one category; got ${ctx.args.positionals.length} arguments. Quote a search text: --search "${ctx.args.positionals.slice(1).join(' ')}".`)
    const client = ctx.client()
    const q = applyFilters(looseQuery(client, category), ctx.args)
    const result = await ctx.withProgress(`Reading ${category}…`, () => client.getModelReferenceResult(category, { signal: ctx.signal }))
    const records = q.run(result)
    if (ctx.json) {
      ctx.printJson(records)
      return 0
    }
    const { columns, rows } = recordTable(category, records)
    ctx.out(rows.length === 0 ? '' : renderTable(columns, rows, ctx.style))
    ctx.note(`${records.length} of ${Object.keys(result.models).length} ${category} models${result.stale ? ' (stale copy)' : ''}`)
    return 0
  },
}
