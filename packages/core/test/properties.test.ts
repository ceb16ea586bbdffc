import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { createModelReferenceClient, isSourcesUnavailableError, MODEL_REFERENCE_CATEGORIES, type ModelReferenceCategory } from '../src/index.js'
import { convertLegacyJson, convertTextCsv, validateRecords } from '../src/convert/index.js'
import { parseCsv } from '../src/convert/csv.js'
import { beginCheckRun, compileInPlaceCheck } from '../src/records/fast-check.js'
import { getRecordSchema } from '../src/records/schemas.js'

// Property tests: generated inputs, hundreds of runs each (fast-check shrinks any failure to a
// minimal example and prints its seed).

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '']
const key = fc.oneof({ weight: 4, arbitrary: fc.string() }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_KEYS) })

// Builds JSON text so that keys such as __proto__ become own properties, as JSON.parse makes them.
function jsonObject(entries: readonly [string, unknown][]): string {
  return `{${entries.map(([k, value]) => `${JSON.stringify(k)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`
}

const primitive = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null))
const download = fc.record({ file_name: fc.oneof(fc.string(), primitive), file_url: fc.oneof(fc.webUrl(), primitive), sha256sum: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 64, maxLength: 64 }), primitive) }, { requiredKeys: [] })
// Records that look like the real ones, with any field possibly wrong: they reach deep into validation.
const recordLike = fc.record(
  {
    name: fc.oneof({ weight: 5, arbitrary: fc.string({ minLength: 1 }) }, { weight: 1, arbitrary: primitive }),
    baseline: fc.oneof(fc.constantFrom('stable_diffusion_xl', 'flux_1', 'stable diffusion 1', 'SDXL'), primitive),
    nsfw: fc.oneof(fc.boolean(), primitive),
    parameters: fc.oneof(fc.integer({ min: 0 }), primitive),
    tags: fc.oneof(fc.array(fc.string()), fc.array(primitive), primitive),
    config: fc.oneof(fc.record({ download: fc.oneof(fc.array(download), primitive), files: fc.array(fc.record({ path: fc.oneof(fc.string(), primitive), sha256sum: primitive })) }, { requiredKeys: [] }), primitive),
    requirements: fc.oneof(fc.dictionary(fc.string(), fc.oneof(primitive, fc.array(fc.integer()), fc.array(fc.string()), fc.array(primitive))), primitive),
    metadata: fc.oneof(fc.record({ schema_version: fc.string(), created_at: fc.integer() }, { requiredKeys: [] }), primitive),
  },
  { requiredKeys: [] },
)
const body = fc.array(fc.tuple(key, fc.oneof({ weight: 3, arbitrary: recordLike }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) })), { maxLength: 12 }).map((entries) => JSON.parse(jsonObject(entries)) as Record<string, unknown>)
const category = fc.constantFrom(...(MODEL_REFERENCE_CATEGORIES as ModelReferenceCategory[]))

function noPollution(): void {
  expect(Object.keys(Object.prototype)).toEqual([])
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
}

describe('any JSON as a category body', () => {
  it('v2 (primary) path: validation never throws and yields frozen records and issues', () => {
    fc.assert(
      fc.property(category, body, (c, data) => {
        const entryCount = Object.keys(data).length
        const result = validateRecords(c, data)
        expect(result.entryCount).toBe(entryCount)
        for (const [name, record] of Object.entries(result.models)) {
          expect(typeof name).toBe('string')
          expect((record as { name: string }).name).toBe(name)
          expect(Object.isFrozen(record)).toBe(true)
        }
        for (const issue of result.issues) expect(typeof issue.message === 'string' && typeof issue.key === 'string' && typeof issue.path === 'string').toBe(true)
        noPollution()
      }),
      { numRuns: 400 },
    )
  })

  it('legacy (GitHub) path: conversion never throws for an object, then validation never throws', () => {
    fc.assert(
      fc.property(category, body, (c, data) => {
        const converted = convertLegacyJson(c, data)
        const result = validateRecords(c, converted.entries, converted.issues)
        expect(result.recordCount).toBeLessThanOrEqual(Object.keys(data).length)
        noPollution()
      }),
      { numRuns: 400 },
    )
  })

  it('a body that is not an object is refused with a TypeError (the loader reports it as malformed)', () => {
    fc.assert(
      fc.property(fc.oneof(primitive, fc.array(fc.jsonValue(), { minLength: 1 })), (value) => {
        expect(() => convertLegacyJson('blip', value)).toThrow(TypeError)
      }),
    )
  })

  it('the in-place fast path never accepts what valibot rejects, and yields valibot’s output', () => {
    fc.assert(
      fc.property(category, recordLike, (c, record) => {
        const schema = getRecordSchema(c)
        const fast = structuredClone(record)
        beginCheckRun()
        if (compileInPlaceCheck(schema)(fast)) {
          const slow = v.safeParse(schema, structuredClone(record))
          expect(slow.success).toBe(true)
          expect(fast).toEqual(slow.output)
        }
      }),
      { numRuns: 1000 },
    )
  })
})

describe('any JSON value or text as a source’s whole answer, through a real client', () => {
  it('a read resolves with records and issues, or rejects with SourcesUnavailableError: never anything else', async () => {
    const answer = fc.oneof(fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'), body.map((value) => JSON.stringify(value)), fc.string())
    await fc.assert(
      fc.asyncProperty(category, answer, answer, async (c, primaryBody, githubBody) => {
        const client = createModelReferenceClient({
          retries: 0,
          fetch: async (request) => new Response(request.url.includes('/model_references/') ? primaryBody : githubBody, { headers: { 'content-type': 'application/json' } }),
        })
        try {
          const result = await client.getModelReferenceResult(c)
          for (const record of Object.values(result.models)) expect(Object.isFrozen(record)).toBe(true)
          expect(Array.isArray(result.issues)).toBe(true)
        } catch (error) {
          expect(isSourcesUnavailableError(error)).toBe(true)
        }
        noPollution()
      }),
      { numRuns: 300 },
    )
  })
})

describe('any text as models.csv', () => {
  it('conversion never throws, and validation of what it yields never throws', () => {
    const header = 'name,parameters_bn,display_name,url,baseline,description,style,tags,instruct_format,settings\r\n'
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((rest) => header + rest), fc.array(fc.array(fc.oneof(fc.string(), fc.json()), { maxLength: 11 })).map((rows) => header + rows.map((r) => r.join(',')).join('\r\n'))), (text) => {
        const converted = convertTextCsv(text)
        validateRecords('text_generation', converted.entries, converted.issues)
        noPollution()
      }),
      { numRuns: 400 },
    )
  })
})

describe('CSV parsing is the inverse of a CSV writer', () => {
  // A writer as RFC 4180 describes: quote a cell when it holds a quote, comma, CR or LF (or when
  // quoting is needed to tell it from a blank line or a byte-order mark), doubling its quotes.
  const writeCell = (cell: string, alone: boolean): string => (/[",\r\n]/.test(cell) || cell.startsWith('\uFEFF') || (alone && cell === '') ? `"${cell.replaceAll('"', '""')}"` : cell)
  const writeCsv = (rows: readonly (readonly string[])[], eol: string): string => rows.map((row) => row.map((cell) => writeCell(cell, row.length === 1)).join(',')).join(eol)

  const cell = fc.oneof(fc.string(), fc.json(), fc.constantFrom('', '"', ',', '\r\n', '\n', 'a,"b"', ' padded '), fc.string({ unit: fc.constantFrom('a', '"', ',', '\n', '\r', ' ', 'é', '😀') }))
  const table = fc.integer({ min: 1, max: 6 }).chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 }))

  it('parseCsv(write(table)) gives the table back, with LF or CRLF', () => {
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), (rows, eol) => {
        expect(parseCsv(writeCsv(rows, eol)).rows).toEqual(rows)
      }),
      { numRuns: 1000 },
    )
  })
})
