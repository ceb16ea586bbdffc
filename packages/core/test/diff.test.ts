import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { diffModelReferences, fingerprintRecord, fingerprintRecords, recordsEqual, type FieldChange, type ModelReferenceDiff, type RecordsMap } from '../src/diff/index.js'
import { deepFreeze } from '../src/records/freeze.js'
import { fixtureJson } from '../../../e2e/fixtures.js'

// ---------------------------------------------------------------------------------------------
// Oracles, written independently of the implementation (recursive, string based).
// ---------------------------------------------------------------------------------------------

/** A canonical string of a value by the documented equality rules: sorted keys, undefined keys dropped, NaN and -0 normalised, types tagged. */
function canon(value: unknown): string {
  if (value === undefined) return 'u'
  if (value === null) return 'null'
  if (typeof value === 'number') return Number.isNaN(value) ? 'n:NaN' : `n:${String(value)}`
  if (typeof value === 'string') return `s:${JSON.stringify(value)}`
  if (typeof value === 'boolean') return `b:${value}`
  if (Array.isArray(value)) return `[${value.map(canon).join(',')}]`
  const object = value as Record<string, unknown>
  const keys = Object.keys(object).filter((key) => object[key] !== undefined).sort()
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canon(object[key])}`).join(',')}}`
}

/** JSON with every object's keys sorted, the way a reviewer would compare two JSON records by hand. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  )
}

type Segment = string | number

/** Splits a change path back into keys and indexes. */
function parsePath(path: string): Segment[] {
  const segments: Segment[] = []
  const token = /^(?:\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/
  let rest = path
  while (rest !== '') {
    const match = token.exec(rest)
    if (match === null) throw new Error(`bad path ${path}`)
    segments.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (JSON.parse(match[3]!) as string)))
    rest = rest.slice(match[0].length)
  }
  return segments
}

function get(value: unknown, path: string): unknown {
  let at = value
  for (const segment of parsePath(path)) {
    if (at === null || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, segment)) return undefined
    at = (at as Record<Segment, unknown>)[segment]
  }
  return at
}

/** Applies a record's changes to a copy of its `before` side. */
function applyChanges(record: unknown, changes: readonly FieldChange[]): unknown {
  const root = { value: structuredClone(record) as unknown }
  for (const change of changes) {
    const segments: Segment[] = ['value', ...parsePath(change.path)]
    let parent = root as Record<Segment, unknown>
    for (const segment of segments.slice(0, -1)) parent = parent[segment] as Record<Segment, unknown>
    const last = segments[segments.length - 1]!
    if (change.kind === 'removed') delete parent[last]
    else Object.defineProperty(parent, last, { value: structuredClone(change.after), enumerable: true, writable: true, configurable: true })
  }
  return root.value
}

/** Segment order: keys by code unit, indexes numerically, a prefix first. */
function comparePaths(a: string, b: string): number {
  const x = parsePath(a)
  const y = parsePath(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const s = x[i]!
    const t = y[i]!
    if (s === t) continue
    if (typeof s === 'number' && typeof t === 'number') return s - t
    return String(s) < String(t) ? -1 : 1
  }
  return x.length - y.length
}

function codeUnitSorted(names: readonly string[]): boolean {
  return names.every((name, i) => i === 0 || names[i - 1]! < name)
}

/** Checks the invariants every diff must have, against the canonical oracle. */
function checkDiff(before: RecordsMap, after: RecordsMap, diff: ModelReferenceDiff): void {
  const defined = (map: RecordsMap): string[] => Object.keys(map).filter((name) => map[name] !== undefined)
  const older = new Set(defined(before))
  const newer = new Set(defined(after))
  expect(diff.added).toEqual([...newer].filter((name) => !older.has(name)).sort())
  expect(diff.removed).toEqual([...older].filter((name) => !newer.has(name)).sort())
  const common = [...older].filter((name) => newer.has(name))
  expect(diff.changed.map((c) => c.name)).toEqual(common.filter((name) => canon(before[name]) !== canon(after[name])).sort())
  expect(diff.unchanged).toBe(common.length - diff.changed.length)
  expect(diff.equal).toBe(canon(before) === canon(after))
  for (const { name, changes } of diff.changed) {
    expect(changes.length).toBeGreaterThan(0)
    const paths = changes.map((c) => c.path)
    expect([...paths].sort(comparePaths)).toEqual(paths)
    expect(new Set(paths).size).toBe(paths.length)
    for (const change of changes) {
      if (change.path !== '') {
        expect(change.before).toBe(get(before[name], change.path))
        expect(change.after).toBe(get(after[name], change.path))
      }
      expect(change.kind).toBe(change.before === undefined ? 'added' : change.after === undefined ? 'removed' : 'changed')
    }
    if (!changes.some((c) => c.path === '')) expect(canon(applyChanges(before[name], changes))).toBe(canon(after[name]))
  }
}

const record = (fields: Record<string, unknown>): object => ({ name: 'm', baseline: 'stable_diffusion_xl', ...fields })

// ---------------------------------------------------------------------------------------------

describe('diffModelReferences on real history (image legacy file, 2025-06-10 against today)', () => {
  const before = fixtureJson('legacy-history/stable_diffusion.c0f33dd.json') as RecordsMap
  const after = fixtureJson('legacy/stable_diffusion.json') as RecordsMap
  const diff = diffModelReferences(before, after)

  it('agrees with a set comparison of records as sorted-key JSON', () => {
    const oldNames = new Set(Object.keys(before))
    const newNames = new Set(Object.keys(after))
    const added = [...newNames].filter((n) => !oldNames.has(n))
    const removed = [...oldNames].filter((n) => !newNames.has(n))
    const changed = [...oldNames].filter((n) => newNames.has(n) && sortedJson(before[n]) !== sortedJson(after[n]))
    expect(new Set(diff.added)).toEqual(new Set(added))
    expect(new Set(diff.removed)).toEqual(new Set(removed))
    expect(new Set(diff.changed.map((c) => c.name))).toEqual(new Set(changed))
    expect(diff.unchanged).toBe(oldNames.size - removed.length - changed.length)
    expect(diff.equal).toBe(false)
    // The counts the fixtures' SOURCE.md gives for this pair: 15 removed, 10 added, 1 changed.
    expect([diff.removed.length, diff.added.length, diff.changed.length]).toEqual([15, 10, 1])
    expect(codeUnitSorted(diff.added) && codeUnitSorted(diff.removed)).toBe(true)
    checkDiff(before, after, diff)
  })

  it('names the models read off the files by hand', () => {
    expect(diff.removed).toContain('ChilloutMix')
    expect(diff.removed).toContain('Anime Illust Diffusion XL')
    expect(diff.added).toContain('BigASP')
    expect(diff.added).toContain('WAI-NSFW-illustrious-SDXL')
    expect(diff.added).not.toContain('Nova Anime XL')
  })

  it('lists the fields of Nova Anime XL that changed, element-wise inside config, with the files’ own values', () => {
    const [nova] = diff.changed
    expect(nova!.name).toBe('Nova Anime XL')
    expect(nova!.changes.map((c) => c.path)).toEqual([
      'config.download[0].file_name',
      'config.download[0].file_url',
      'config.files[0].path',
      'config.files[0].sha256sum',
      'description',
      'homepage',
      'size_on_disk_bytes',
      'version',
    ])
    expect(nova!.changes.every((c) => c.kind === 'changed')).toBe(true)
    const version = nova!.changes.find((c) => c.path === 'version')!
    expect([version.before, version.after]).toEqual(['Illustrious 1.0', 'IL 19'])
    const size = nova!.changes.find((c) => c.path === 'size_on_disk_bytes')!
    expect([size.before, size.after]).toEqual([6938063064, 6939105596])
    // requirements.clip_skip (2 on both sides) and the empty file_path are not reported.
    expect(nova!.changes.some((c) => c.path.startsWith('requirements') || c.path.endsWith('file_path'))).toBe(false)
  })

  it('takes result objects as well as records maps, and gives the same answer on frozen copies', () => {
    const frozenBefore = structuredClone(before)
    const frozenAfter = structuredClone(after)
    deepFreeze(frozenBefore)
    deepFreeze(frozenAfter)
    const fromResults = diffModelReferences({ models: frozenBefore }, { category: 'image_generation', models: frozenAfter, stale: false } as { models: RecordsMap })
    expect(fromResults).toEqual(diff)
    expect(fromResults.changed[0]!.changes[0]!.before).toBe((frozenBefore['Nova Anime XL'] as { config: { download: { file_name: string }[] } }).config.download[0]!.file_name)
  })

  it('fingerprints the two files differently, and each the same as its JSON round trip and reordering', () => {
    expect(fingerprintRecords(before)).not.toBe(fingerprintRecords(after))
    const reordered = Object.fromEntries(Object.entries(after).reverse().map(([name, r]) => [name, Object.fromEntries(Object.entries(r).reverse())]))
    expect(fingerprintRecords(reordered)).toBe(fingerprintRecords(after))
    expect(fingerprintRecords(JSON.parse(JSON.stringify(before)) as RecordsMap)).toBe(fingerprintRecords(before))
    expect(diffModelReferences(reordered, after).equal).toBe(true)
  })
})

describe('diffModelReferences: names', () => {
  it('reports added, removed, changed and unchanged names', () => {
    const same = record({ nsfw: false })
    const diff = diffModelReferences({ kept: same, gone: record({}), edited: record({ nsfw: false }) }, { kept: same, edited: record({ nsfw: true }), fresh: record({}) })
    expect(diff).toEqual({
      added: ['fresh'],
      removed: ['gone'],
      changed: [{ name: 'edited', changes: [{ path: 'nsfw', before: false, after: true, kind: 'changed' }] }],
      unchanged: 1,
      equal: false,
    })
  })

  it('sorts names in code unit order, not by locale', () => {
    const names = ['b', 'B', 'á', 'a', '10', '9', 'Z', '😀', '～', '_x']
    const diff = diffModelReferences({}, Object.fromEntries(names.map((n) => [n, {}])))
    expect(diff.added).toEqual(['10', '9', 'B', 'Z', '_x', 'a', 'b', 'á', '😀', '～'])
    expect(diffModelReferences(Object.fromEntries(names.map((n) => [n, {}])), {}).removed).toEqual(diff.added)
  })

  it('is deterministic: the same diff twice, whatever the insertion order', () => {
    const a = { y: record({ v: 1 }), x: record({ v: 1 }), z: record({}) }
    const b = { z: record({ w: 2 }), x: record({ v: 2 }), y: record({ v: 3 }) }
    const reversed = Object.fromEntries(Object.entries(b).reverse())
    expect(diffModelReferences(a, b)).toEqual(diffModelReferences(a, reversed))
    expect(diffModelReferences(a, b)).toEqual(diffModelReferences(a, b))
    expect(diffModelReferences(a, b).changed.map((c) => c.name)).toEqual(['x', 'y', 'z'])
  })

  it('handles empty maps and identical inputs', () => {
    expect(diffModelReferences({}, {})).toEqual({ added: [], removed: [], changed: [], unchanged: 0, equal: true })
    expect(diffModelReferences({}, { a: {} }).added).toEqual(['a'])
    const models = fixtureJson('derived-v2/stable_diffusion.json') as RecordsMap
    const diff = diffModelReferences(models, models)
    expect(diff).toEqual({ added: [], removed: [], changed: [], unchanged: Object.keys(models).length, equal: true })
    expect(diffModelReferences(models, structuredClone(models)).equal).toBe(true)
  })

  it('treats a name whose value is undefined as missing', () => {
    const diff = diffModelReferences({ a: {}, b: undefined } as unknown as RecordsMap, { a: {} })
    expect(diff.removed).toEqual([])
    expect(diff.equal).toBe(true)
  })

  it('reads a map with a record named "models" as a map, and a null-prototype map', () => {
    const map = { models: record({ version: '1' }) }
    expect(diffModelReferences(map, { models: record({ version: '2' }) }).changed.map((c) => c.name)).toEqual(['models'])
    const bare = Object.assign(Object.create(null) as Record<string, object>, { a: record({}) })
    expect(diffModelReferences(bare, { models: bare }).equal).toBe(true)
  })

  it('refuses inputs that are not objects', () => {
    expect(() => diffModelReferences(null as unknown as RecordsMap, {})).toThrow(TypeError)
  })
})

describe('diffModelReferences: field paths', () => {
  const changesOf = (before: object, after: object): FieldChange[] => diffModelReferences({ m: before }, { m: after }).changed[0]?.changes ?? []

  it('walks nested objects with dotted paths: changed, added and removed fields', () => {
    const before = record({ requirements: { clip_skip: 1, min_steps: 5 }, gone: 'x' })
    const after = record({ requirements: { clip_skip: 2, max_steps: 9 }, extra: { a: 1 } })
    expect(changesOf(before, after)).toEqual([
      { path: 'extra', before: undefined, after: { a: 1 }, kind: 'added' },
      { path: 'gone', before: 'x', after: undefined, kind: 'removed' },
      { path: 'requirements.clip_skip', before: 1, after: 2, kind: 'changed' },
      { path: 'requirements.max_steps', before: undefined, after: 9, kind: 'added' },
      { path: 'requirements.min_steps', before: 5, after: undefined, kind: 'removed' },
    ])
  })

  it('compares arrays of primitives as whole values: order counts', () => {
    const before = record({ tags: ['a', 'b'] })
    const after = record({ tags: ['b', 'a'] })
    const [change] = changesOf(before, after)
    expect(change).toEqual({ path: 'tags', before: ['a', 'b'], after: ['b', 'a'], kind: 'changed' })
    expect(change!.before).toBe((before as { tags: unknown }).tags)
    expect(change!.after).toBe((after as { tags: unknown }).tags)
    expect(changesOf(record({ tags: ['a'] }), record({ tags: ['a', 'b'] })).map((c) => c.path)).toEqual(['tags'])
  })

  it('walks arrays of objects element-wise when the lengths agree, else whole', () => {
    const download = (sha: string): object => ({ file_name: 'f.safetensors', sha256sum: sha })
    expect(changesOf(record({ config: { download: [download('a'), download('b')] } }), record({ config: { download: [download('a'), download('c')] } }))).toEqual([
      { path: 'config.download[1].sha256sum', before: 'b', after: 'c', kind: 'changed' },
    ])
    const longer = changesOf(record({ config: { download: [download('a')] } }), record({ config: { download: [download('a'), download('b')] } }))
    expect(longer.map((c) => c.path)).toEqual(['config.download'])
    // An array mixing objects and primitives is one value.
    expect(changesOf(record({ x: [{ a: 1 }, 2] }), record({ x: [{ a: 2 }, 2] })).map((c) => c.path)).toEqual(['x'])
    // Nested arrays of arrays of objects are walked too.
    expect(changesOf(record({ x: [[{ a: 1 }]] }), record({ x: [[{ a: 2 }]] })).map((c) => c.path)).toEqual(['x[0][0].a'])
  })

  it('orders paths by segment: keys in code unit order, indexes numerically', () => {
    const items = (changed: readonly number[]): object[] => Array.from({ length: 12 }, (_, i) => ({ v: changed.includes(i) ? 1 : 0 }))
    const paths = changesOf(record({ z: 1, B: 1, a: { y: 1, x: 1 }, list: items([]) }), record({ z: 2, B: 2, a: { y: 2, x: 2 }, list: items([2, 10]) })).map((c) => c.path)
    expect(paths).toEqual(['B', 'a.x', 'a.y', 'list[2].v', 'list[10].v', 'z'])
  })

  it('writes keys that are not identifiers as JSON strings in brackets', () => {
    const paths = changesOf(record({ settings: { 'max-length': 1, 'a.b': 1, '0': 1 } }), record({ settings: { 'max-length': 2, 'a.b': 2, '0': 2 } })).map((c) => c.path)
    expect(paths).toEqual(['settings["0"]', 'settings["a.b"]', 'settings["max-length"]'])
    expect(paths.map((p) => parsePath(p))).toEqual([
      ['settings', '0'],
      ['settings', 'a.b'],
      ['settings', 'max-length'],
    ])
  })

  it('distinguishes 1 from "1", and null from a missing key', () => {
    expect(changesOf(record({ v: 1 }), record({ v: '1' }))).toEqual([{ path: 'v', before: 1, after: '1', kind: 'changed' }])
    expect(changesOf(record({ v: null }), record({}))).toEqual([{ path: 'v', before: null, after: undefined, kind: 'removed' }])
  })

  it('treats a key holding undefined as missing', () => {
    expect(diffModelReferences({ m: record({ v: undefined }) }, { m: record({}) }).equal).toBe(true)
    expect(changesOf(record({ v: undefined }), record({ v: 1 }))).toEqual([{ path: 'v', before: undefined, after: 1, kind: 'added' }])
  })

  it('holds NaN equal to NaN and 0 equal to -0', () => {
    expect(diffModelReferences({ m: record({ v: Number.NaN, w: -0 }) }, { m: record({ v: Number.NaN, w: 0 }) }).equal).toBe(true)
    expect(changesOf(record({ v: Number.NaN }), record({ v: 0 })).map((c) => c.path)).toEqual(['v'])
  })

  it('reads __proto__ keys as own data, and pollutes no prototype', () => {
    const before = JSON.parse('{"__proto__": {"m": {"name": "m", "__proto__": {"polluted": 1}}}, "constructor": {"name": "c"}}') as RecordsMap
    const after = JSON.parse('{"__proto__": {"m": {"name": "m", "__proto__": {"polluted": 2}}}}') as RecordsMap
    const diff = diffModelReferences(before, after)
    expect(diff.removed).toEqual(['constructor'])
    expect(diff.changed).toHaveLength(1)
    expect(diff.changed[0]!.name).toBe('__proto__')
    expect(diff.changed[0]!.changes).toEqual([{ path: 'm.__proto__.polluted', before: 1, after: 2, kind: 'changed' }])
    expect(Object.getPrototypeOf(diff.changed[0]!.changes[0])).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).m).toBeUndefined()
    // A map without an own __proto__ key does not see Object.prototype as a record.
    expect(diffModelReferences({ a: {} }, before).added).toEqual(['__proto__', 'constructor'])
    expect(recordsEqual(before, after)).toBe(false)
    expect(fingerprintRecords(before)).not.toBe(fingerprintRecords(after))
    expect(fingerprintRecords(before)).not.toBe(fingerprintRecords({ constructor: { name: 'c' } }))
  })

  it('reports a whole record under the empty path when the two are not both objects', () => {
    expect(diffModelReferences({ m: { a: 1 } }, { m: [1] }).changed[0]!.changes).toEqual([{ path: '', before: { a: 1 }, after: [1], kind: 'changed' }])
  })

  it('does not change its inputs', () => {
    const before = { m: record({ config: { download: [{ a: 1 }] } }) }
    const after = { m: record({ config: { download: [{ a: 2 }] } }) }
    const copies = structuredClone([before, after])
    diffModelReferences(before, after)
    expect([before, after]).toEqual(copies)
  })
})

describe('recordsEqual and fingerprints', () => {
  it('ignore key order, keep array order, tell types apart', () => {
    expect(recordsEqual({ a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 })).toBe(true)
    expect(recordsEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false)
    expect(recordsEqual({ a: 1 }, { a: '1' })).toBe(false)
    expect(fingerprintRecord({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(fingerprintRecord({ b: { d: 'x', c: [1, 2] }, a: 1 }))
    expect(fingerprintRecord({ a: [1, 2] })).not.toBe(fingerprintRecord({ a: [2, 1] }))
  })

  it('short-circuit on identity and give fingerprints of a fixed shape', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(recordsEqual(cyclic, cyclic)).toBe(true)
    expect(fingerprintRecords({})).toMatch(/^v1:[0-9a-f]{32}$/)
    expect(fingerprintRecords({})).toBe(fingerprintRecord({}))
  })

  it('tell apart values whose naive encodings could meet', () => {
    const values: unknown[] = [
      null, undefined, true, false, 0, 1, -1, 0.5, Number.NaN, Infinity, -Infinity, 1n, '', '0', '1', 'null', 'true', 'NaN', 'a', 'ab', 'ba', '\u0000', '\u0000\u0000',
      [], [[]], [null], [undefined], [''], ['a', 'b'], ['ab'], ['a', ''], [1, 2], [2, 1], [1], [[1]],
      {}, { a: 1 }, { a: '1' }, { a: [1] }, { ab: 'c' }, { a: 'bc' }, { a: { b: 1 } }, { 'a.b': 1 }, { a: 1, b: 2 }, { a: 2, b: 1 }, { '': 1 }, { '1': 1 }, { __proto__: null, x: 1 },
    ]
    const prints = values.map((value) => fingerprintRecord(value))
    expect(new Set(prints).size).toBe(values.length)
  })

  it('fingerprint every real text and image record distinctly, and survive a JSON round trip', () => {
    for (const file of ['derived-v2/text_generation.json', 'derived-v2/stable_diffusion.json']) {
      const models = fixtureJson(file) as RecordsMap
      const prints = Object.values(models).map(fingerprintRecord)
      expect(new Set(prints).size).toBe(prints.length)
      expect(fingerprintRecords(JSON.parse(JSON.stringify(models)) as RecordsMap)).toBe(fingerprintRecords(models))
      expect(recordsEqual(JSON.parse(JSON.stringify(models)), models)).toBe(true)
      const first = Object.keys(models)[0]!
      const changed = { ...models, [first]: { ...models[first], nsfw: !(models[first] as { nsfw: boolean }).nsfw } }
      expect(fingerprintRecords(changed)).not.toBe(fingerprintRecords(models))
      expect(recordsEqual(changed, models)).toBe(false)
    }
  })

  it('hold undefined keys missing, NaN equal to NaN, -0 equal to 0', () => {
    expect(recordsEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true)
    expect(recordsEqual({ a: 1 }, { a: 1, b: undefined })).toBe(true)
    expect(fingerprintRecord({ a: 1, b: undefined })).toBe(fingerprintRecord({ a: 1 }))
    expect(recordsEqual({ a: undefined }, { b: undefined })).toBe(true)
    expect(recordsEqual([undefined], [null])).toBe(false)
    expect(recordsEqual({ v: Number.NaN }, { v: Number.NaN })).toBe(true)
    expect(fingerprintRecord({ v: Number.NaN })).toBe(fingerprintRecord({ v: Number.NaN }))
    expect(recordsEqual({ v: -0 }, { v: 0 })).toBe(true)
    expect(fingerprintRecord({ v: -0 })).toBe(fingerprintRecord({ v: 0 }))
    expect(recordsEqual({ v: Number.NaN }, { v: null })).toBe(false)
  })

  it('compare arrays and objects as different kinds, by own enumerable keys', () => {
    expect(recordsEqual([], {})).toBe(false)
    expect(recordsEqual({ 0: 'a' }, ['a'])).toBe(false)
    expect(fingerprintRecord([])).not.toBe(fingerprintRecord({}))
    const hidden = Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false })
    expect(recordsEqual(hidden, { a: 1 })).toBe(true)
    expect(recordsEqual({ a: 1, b: 2 }, hidden)).toBe(false)
    expect(fingerprintRecord(hidden)).toBe(fingerprintRecord({ a: 1 }))
  })

  it('refuse functions, symbols and cycles with a TypeError, and handle deep nesting without overflow', () => {
    expect(() => fingerprintRecord({ f: () => 1 })).toThrow(TypeError)
    expect(() => recordsEqual({ f: () => 1 }, { f: () => 2 })).toThrow(TypeError)
    expect(() => recordsEqual({ s: Symbol('x') }, { s: 1 })).toThrow(TypeError)
    const a: Record<string, unknown> = {}
    a.self = a
    const b: Record<string, unknown> = {}
    b.self = b
    expect(() => fingerprintRecord(a)).toThrow(TypeError)
    expect(() => recordsEqual(a, b)).toThrow(TypeError)
    const deep = (depth: number, leaf: unknown): unknown => {
      let value = leaf
      for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { v: value } : [value]
      return value
    }
    expect(recordsEqual(deep(9000, 1), deep(9000, 1))).toBe(true)
    expect(fingerprintRecord(deep(9000, 1))).toBe(fingerprintRecord(deep(9000, 1)))
    const paths = diffModelReferences({ m: deep(9000, 1) as object }, { m: deep(9000, 2) as object }).changed[0]!.changes.map((c) => c.path)
    expect(paths).toHaveLength(1)
    expect(paths[0]!.endsWith('[0].v')).toBe(true)
    expect(() => fingerprintRecord(deep(20_000, 1))).toThrow(TypeError)
  })
})

// ---------------------------------------------------------------------------------------------
// Properties: random maps and mutated copies. The oracle is `canon`.
// ---------------------------------------------------------------------------------------------

const leaf = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -0, 1, '1', '', 'a', Number.NaN, 1.5),
  fc.integer({ min: -3, max: 3 }),
  fc.string({ maxLength: 3, unit: fc.constantFrom('a', 'b', '.', '"', 'é', '😀') }),
)
const key = fc.constantFrom('a', 'b', 'c', 'name', '__proto__', 'a.b', '0', '')
const { value: jsonish } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
}))
const recordArb = fc.dictionary(key, jsonish, { maxKeys: 5 })
const mapArb = fc.dictionary(fc.constantFrom('m1', 'm2', 'm3', 'M', '__proto__'), recordArb, { maxKeys: 4 })

type Mutation = { at: number; op: 'set' | 'delete' | 'undefine' | 'reverse' | 'reorder'; key: string; value: unknown }
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('set', 'delete', 'undefine', 'reverse', 'reorder'),
  key,
  value: jsonish,
})

/** A deep copy of a value (own keys defined as data, so __proto__ survives), with some mutations applied. */
function mutate(value: unknown, mutations: readonly Mutation[]): unknown {
  const copy = copyDeep(value)
  for (const mutation of mutations) {
    const containers: object[] = []
    collect(copy, containers)
    if (containers.length === 0) continue
    const target = containers[mutation.at % containers.length]! as Record<string, unknown>
    if (Array.isArray(target)) {
      if (mutation.op === 'reverse') target.reverse()
      else if (mutation.op === 'set' && target.length > 0) target[mutation.at % target.length] = copyDeep(mutation.value)
      continue
    }
    const put = (k: string, v: unknown): void => void Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true })
    if (mutation.op === 'set') put(mutation.key, copyDeep(mutation.value))
    else if (mutation.op === 'delete') delete target[mutation.key]
    else if (mutation.op === 'undefine') put(mutation.key, undefined)
    else if (mutation.op === 'reorder') {
      const entries = Object.entries(target).reverse()
      for (const [k] of entries) delete target[k]
      for (const [k, v] of entries) put(k, v)
    }
  }
  return copy
}

function copyDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyDeep)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value)) Object.defineProperty(out, k, { value: copyDeep((value as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true })
  return out
}

function collect(value: unknown, into: object[]): void {
  if (value === null || typeof value !== 'object') return
  into.push(value)
  for (const child of Object.values(value)) collect(child, into)
}

describe('properties', () => {
  it('fingerprints are equal exactly when recordsEqual, which agrees with the oracle', () => {
    fc.assert(
      fc.property(mapArb, fc.array(mutationArb, { maxLength: 3 }), (a, mutations) => {
        const b = mutate(a, mutations) as RecordsMap
        const equal = canon(a) === canon(b)
        expect(recordsEqual(a, b)).toBe(equal)
        expect(recordsEqual(b, a)).toBe(equal)
        expect(fingerprintRecords(a) === fingerprintRecords(b)).toBe(equal)
      }),
      { numRuns: 2000 },
    )
  })

  it('a diff is empty exactly when the maps are equal, matches the oracle, and rebuilds the other side', () => {
    fc.assert(
      fc.property(mapArb, fc.array(mutationArb, { maxLength: 3 }), (a, mutations) => {
        const b = mutate(a, mutations) as RecordsMap
        const diff = diffModelReferences(a, b)
        expect(diff.equal).toBe(recordsEqual(a, b))
        checkDiff(a, b, diff)
        const back = diffModelReferences(b, a)
        expect([back.added, back.removed, back.changed.map((c) => c.name)]).toEqual([diff.removed, diff.added, diff.changed.map((c) => c.name)])
      }),
      { numRuns: 1000 },
    )
  })

  it('unrelated random maps: fingerprints agree with equality', () => {
    fc.assert(
      fc.property(mapArb, mapArb, (a, b) => {
        const equal = canon(a) === canon(b)
        expect(recordsEqual(a, b)).toBe(equal)
        expect(fingerprintRecords(a) === fingerprintRecords(b)).toBe(equal)
        expect(diffModelReferences(a, b).equal).toBe(equal)
      }),
      { numRuns: 1000 },
    )
  })
})
