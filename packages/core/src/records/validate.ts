import * as v from 'valibot'
import type { ModelReferenceCategory } from '../categories.js'
import type { ModelReferenceIssue } from './issues.js'
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

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return
  Object.freeze(value)
  for (const key of Object.keys(value)) deepFreeze((value as MutableRecord)[key])
}

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

/**
 * Validates each record on its own: an invalid record is left out and reported as an `error`
 * issue, and the rest of the category is kept. Records are keyed by `name` (upstream's manager
 * does the same); a later record with the same name replaces an earlier one, with a warning.
 *
 * The output objects are built by validation itself and then frozen in place: there is no
 * separate copy.
 */
export function validateRecords<C extends ModelReferenceCategory>(
  category: C,
  entries: Iterable<readonly [key: string, value: unknown]>,
  issues: ModelReferenceIssue[] = [],
): ValidatedModels<C> {
  const schema = getRecordSchema(category)
  const models: MutableRecord = Object.create(null)
  const aliases: Record<string, string> = Object.create(null)
  let entryCount = 0
  let recordCount = 0
  for (const [key, value] of entries) {
    entryCount++
    const result = v.safeParse(schema, value)
    if (!result.success) {
      for (const issue of result.issues) {
        issues.push({ category, severity: 'error', key, path: issuePath(issue), message: `${issue.message}; record skipped` })
      }
      continue
    }
    const record = result.output as MutableRecord
    for (const dropped of PROTOTYPE_KEYS) {
      if (Object.prototype.hasOwnProperty.call(value, dropped)) {
        issues.push({ category, severity: 'warning', key, path: dropped, message: `field "${dropped}" dropped: it could reach a prototype` })
      }
    }
    checkVocabulary(category, key, record, issues)
    const name = record.name as string
    if (Object.prototype.hasOwnProperty.call(models, name)) {
      issues.push({ category, severity: 'warning', key, path: 'name', message: `duplicate name ${JSON.stringify(name)}; this later record replaces the earlier one` })
    } else {
      recordCount++
    }
    deepFreeze(record)
    models[name] = record
    if (key !== name) aliases[key] = name
  }
  return {
    models: Object.freeze(models) as ModelMap<C>,
    aliases: Object.freeze(aliases),
    issues,
    entryCount,
    recordCount,
  }
}
