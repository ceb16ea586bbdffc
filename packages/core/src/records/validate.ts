import * as v from 'valibot'
import type { ModelReferenceCategory } from '../categories.js'
import type { ModelReferenceIssue } from './issues.js'
import { beginCheckRun, compileInPlaceCheck, type InPlaceCheck } from './fast-check.js'
import { deepFreeze } from './freeze.js'
import { getRecordSchema } from './schemas.js'
import type { ModelMap } from './types.js'
import { isKnownControlNetStyle, isKnownImageBaseline, isKnownModelStyle } from './vocabulary.js'

/** The outcome of validating a category's records. */
export interface ValidatedModels<C extends ModelReferenceCategory> {
  /** The valid records keyed by `name`: frozen, with no prototype. */
  readonly models: ModelMap<C>
  /** Source keys that differ from the record's name, mapped to the name. Frozen, no prototype. */
  readonly aliases: Readonly<Record<string, string>>
  /** Records and warnings reported while validating. */
  readonly issues: ModelReferenceIssue[]
  /** How many entries the source held, valid or not. */
  readonly entryCount: number
  /** How many records are in `models`. */
  readonly recordCount: number
}

// valibot silently leaves these keys out of its output (they could reach a prototype).
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const

type MutableRecord = Record<string, unknown>


function issuePath(issue: v.BaseIssue<unknown>): string {
  return issue.path?.map((item) => String(item.key)).join('.') ?? ''
}

function checkVocabulary(
  category: ModelReferenceCategory,
  key: string,
  record: MutableRecord,
  issues: ModelReferenceIssue[],
): void {
  const warn = (path: string, message: string): void => {
    issues.push({ category, severity: 'warning', key, path, message })
  }
  if (record.record_type !== category) {
    warn('record_type', `record_type ${JSON.stringify(record.record_type)} differs from the category; read as "${category}"`)
    record.record_type = category
  }
  if (category === 'image_generation') {
    const baseline = record.baseline as string
    if (!isKnownImageBaseline(baseline)) warn('baseline', `unknown baseline ${JSON.stringify(baseline)}, kept as given`)
    const style = record.style
    if (typeof style === 'string' && !isKnownModelStyle(style.trim())) {
      warn('style', `unknown style ${JSON.stringify(style)}, kept as given`)
    }
  } else if (category === 'controlnet') {
    const style = record.controlnet_style
    if (typeof style === 'string' && !isKnownControlNetStyle(style)) {
      warn('controlnet_style', `unknown ControlNet style ${JSON.stringify(style)}, kept as given`)
    }
  }
}

// A frozen or otherwise read-only input cannot take defaults in place: valibot then copies it.
function passesInPlace(check: InPlaceCheck, value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return false
  try {
    return check(value)
  } catch {
    return false
  }
}

const checks = new Map<ModelReferenceCategory, InPlaceCheck>()

function inPlaceCheckFor(category: ModelReferenceCategory): InPlaceCheck {
  let check = checks.get(category)
  if (check === undefined) {
    check = compileInPlaceCheck(getRecordSchema(category))
    checks.set(category, check)
  }
  return check
}

/**
 * Validates each record of `records` (an object keyed by model key, or `[key, record]` pairs)
 * on its own: an invalid record is left out and reported as an `error`
 * issue, and the rest of the category is kept. Records are keyed by `name` (upstream's manager
 * does the same); a later record with the same name replaces an earlier one, with a warning.
 *
 * Valid records are checked, completed with defaults and frozen in place (no copy); only a
 * record that fails that check goes through valibot's `safeParse`, which reports its issues.
 * The input values must therefore be fresh (just parsed or converted) and owned by the caller.
 *
 * @param category The category whose schema the records are checked against.
 * @param records The records, keyed as in their source.
 * @param issues Where to add the issues found (a new array by default); also in the result.
 */
export function validateRecords<C extends ModelReferenceCategory>(
  category: C,
  records: Iterable<readonly [key: string, value: unknown]> | Readonly<Record<string, unknown>>,
  issues: ModelReferenceIssue[] = [],
): ValidatedModels<C> {
  const schema = getRecordSchema(category)
  const models: MutableRecord = Object.create(null)
  const aliases: Record<string, string> = Object.create(null)
  let entryCount = 0
  let recordCount = 0
  const fastCheck = inPlaceCheckFor(category)
  beginCheckRun()
  const add = (key: string, value: unknown): void => {
    entryCount++
    let record: MutableRecord
    if (passesInPlace(fastCheck, value)) {
      record = value as MutableRecord
    } else {
      const result = v.safeParse(schema, value)
      if (!result.success) {
        for (const issue of result.issues) {
          issues.push({ category, severity: 'error', key, path: issuePath(issue), message: `${issue.message}; record skipped` })
        }
        return
      }
      record = result.output as MutableRecord
      for (const dropped of PROTOTYPE_KEYS) {
        if (Object.prototype.hasOwnProperty.call(value, dropped)) {
          issues.push({ category, severity: 'warning', key, path: dropped, message: `field "${dropped}" dropped: it could reach a prototype` })
        }
      }
      for (const field of Object.keys(record)) deepFreeze(record[field])
    }
    // Upstream accepts text records by field name as well as by alias (its own JSON helper
    // writes `parameters_count`): either gives `parameters`; neither skips the record.
    if (category === 'text_generation' && typeof record.parameters !== 'number') {
      if (typeof record.parameters_count !== 'number') {
        issues.push({ category, severity: 'error', key, path: 'parameters', message: 'a text model needs parameters (or parameters_count); record skipped' })
        return
      }
      record.parameters = record.parameters_count
    }
    checkVocabulary(category, key, record, issues)
    const name = record.name as string
    if (Object.prototype.hasOwnProperty.call(models, name)) {
      issues.push({ category, severity: 'warning', key, path: 'name', message: `duplicate name ${JSON.stringify(name)}; this later record replaces the earlier one` })
    } else {
      recordCount++
    }
    Object.freeze(record)
    models[name] = record
    if (key !== name) aliases[key] = name
  }
  if (Symbol.iterator in records) {
    for (const [key, value] of records as Iterable<readonly [string, unknown]>) add(key, value)
  } else {
    // An object keyed by model name (a parsed body): read its own keys without building entries.
    for (const key in records) if (Object.prototype.hasOwnProperty.call(records, key)) add(key, (records as Record<string, unknown>)[key])
  }
  return {
    models: Object.freeze(models) as ModelMap<C>,
    aliases: Object.freeze(aliases),
    issues,
    entryCount,
    recordCount,
  }
}
