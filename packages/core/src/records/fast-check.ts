// A fast path for records that are valid, which is nearly all of them. It walks valibot's own
// schema objects (valibot stays the one definition of what is valid) and checks a freshly
// parsed record in place: defaults are filled in and every nested object is frozen during the
// same walk, with no copy. It answers only "valid" or "not sure": on "not sure" the caller runs
// valibot's safeParse, which builds the output and the issues. It supports exactly the schema
// kinds our record schemas use and answers "not sure" for anything else, so it can never accept
// what valibot would reject.

import { deepFreeze } from './freeze.js'

/** Checks `value` in place; `false` means "let valibot decide". */
export type InPlaceCheck = (value: unknown) => boolean

interface SchemaNode {
  readonly type: string
  readonly pipe?: readonly { readonly kind: string; readonly type: string }[]
  readonly wrapped?: SchemaNode
  readonly default?: unknown
  readonly item?: SchemaNode
  readonly entries?: Readonly<Record<string, SchemaNode>>
  readonly key?: SchemaNode
  readonly value?: SchemaNode
  readonly options?: readonly SchemaNode[]
}

type Check = (value: unknown) => boolean
type Holder = Record<string, unknown>

const hasOwn = Object.prototype.hasOwnProperty
const unsure: Check = () => false
const EMPTY: readonly never[] = Object.freeze([])

// `for...in` over a plain object yields only its own keys unless someone has added an
// enumerable key to Object.prototype. That is checked once per run, so that the per-key
// own-property test is paid only in a polluted realm.
let ownKeysOnly = false

/** Call before a run of checks: notes whether `for...in` over plain objects yields own keys only. */
export function beginCheckRun(): void {
  ownKeysOnly = true
  for (const _ in Object.prototype) {
    ownKeysOnly = false
    break
  }
}

// valibot leaves these keys out of the objects it builds; a record holding one takes the slow path.
function isPrototypeKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype'
}


function defaultOf(node: SchemaNode): unknown {
  return typeof node.default === 'function' ? (node.default as () => unknown)() : node.default
}

function compileNode(node: SchemaNode, freeze: boolean): Check {
  if (node.pipe !== undefined) {
    const [, ...actions] = node.pipe
    const base = compileNode({ ...node, pipe: undefined } as SchemaNode, freeze)
    if (actions.some((action) => action.type !== 'non_empty')) return unsure
    return (value) => base(value) && (value as string | unknown[]).length > 0
  }
  switch (node.type) {
    case 'string':
      return (value) => typeof value === 'string'
    case 'number':
      return (value) => typeof value === 'number' && !Number.isNaN(value)
    case 'boolean':
      return (value) => typeof value === 'boolean'
    case 'array': {
      // Lists of strings (tags, showcases, trigger) are the most common: check them inline.
      if (node.item!.type === 'string' && node.item!.pipe === undefined) {
        return (value) => {
          if (!Array.isArray(value)) return false
          for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return false
          if (freeze) Object.freeze(value)
          return true
        }
      }
      const item = compileNode(node.item!, freeze)
      return (value) => {
        if (!Array.isArray(value)) return false
        for (let i = 0; i < value.length; i++) if (!item(value[i])) return false
        if (freeze) Object.freeze(value)
        return true
      }
    }
    case 'union': {
      const options = node.options!.map((option) => compileNode(option, freeze))
      return (value) => options.some((option) => option(value))
    }
    case 'record': {
      if (node.key!.type !== 'string' || node.key!.pipe !== undefined) return unsure
      const item = compileNode(node.value!, freeze)
      return (value) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
        for (const key of Object.keys(value)) {
          if (isPrototypeKey(key) || !item((value as Holder)[key])) return false
        }
        if (freeze) Object.freeze(value)
        return true
      }
    }
    case 'loose_object':
      return compileObject(node.entries!, freeze, freeze)
    default:
      return unsure
  }
}

// Leaf kinds checked inline in the object loop: a call through `inner` there would be a
// megamorphic call site, which the engine cannot inline.
const enum Leaf {
  Other,
  String,
  Number,
  Boolean,
  StringList,
}

function leafOf(node: SchemaNode): Leaf {
  if (node.pipe !== undefined) return Leaf.Other
  switch (node.type) {
    case 'string':
      return Leaf.String
    case 'number':
      return Leaf.Number
    case 'boolean':
      return Leaf.Boolean
    case 'array':
      return node.item!.type === 'string' && node.item!.pipe === undefined ? Leaf.StringList : Leaf.Other
    default:
      return Leaf.Other
  }
}

interface Field {
  readonly key: string
  readonly node: SchemaNode
  readonly optional: boolean
  readonly nullable: boolean
  readonly hasDefault: boolean
  readonly leaf: Leaf
  /** The field holds a list (of any item type). */
  readonly list: boolean
  readonly inner: Check
}

/**
 * Compiles the in-place check of a loose object. It visits the object's own keys once (no key
 * array is allocated): known fields are checked, unknown ones kept as they are and frozen, and
 * missing optional fields with a default get the default.
 */
function compileObject(entries: Readonly<Record<string, SchemaNode>>, freeze: boolean, freezeSelf: boolean): Check {
  const byKey = new Map<string, Field>()
  const defaulted: Field[] = []
  let requiredCount = 0
  for (const key of Object.keys(entries)) {
    const node = entries[key]!
    const optional = node.type === 'optional' || node.type === 'nullish'
    const wrapped = optional ? node.wrapped! : node
    const field: Field = {
      key,
      node,
      optional,
      nullable: node.type === 'nullish',
      hasDefault: optional && node.default !== undefined,
      leaf: leafOf(wrapped),
      list: wrapped.type === 'array' && wrapped.pipe === undefined,
      inner: compileNode(wrapped, freeze),
    }
    byKey.set(key, field)
    if (field.hasDefault) defaulted.push(field)
    if (!optional) requiredCount++
  }
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
    const holder = value as Holder
    const plain = ownKeysOnly && Object.getPrototypeOf(holder) === Object.prototype
    let required = 0
    for (const key in holder) {
      if (!plain && !hasOwn.call(holder, key)) continue
      const field = byKey.get(key)
      const item = holder[key]
      if (field === undefined) {
        if (isPrototypeKey(key)) return false
        if (freeze) deepFreeze(item)
        continue
      }
      if (item === undefined || (item === null && field.nullable)) {
        if (!field.optional) return false
        if (field.hasDefault) holder[key] = defaultOf(field.node)
        continue
      }
      // Most lists are empty: one shared frozen empty list is cheaper than freezing each.
      if (field.list && Array.isArray(item) && item.length === 0) {
        if (freeze) holder[key] = EMPTY
        if (!field.optional) required++
        continue
      }
      switch (field.leaf) {
        case Leaf.String:
          if (typeof item !== 'string') return false
          break
        case Leaf.Number:
          if (typeof item !== 'number' || Number.isNaN(item)) return false
          break
        case Leaf.Boolean:
          if (typeof item !== 'boolean') return false
          break
        case Leaf.StringList:
          if (!Array.isArray(item)) return false
          for (let i = 0; i < item.length; i++) if (typeof item[i] !== 'string') return false
          if (freeze) Object.freeze(item)
          break
        default:
          if (!field.inner(item)) return false
      }
      if (!field.optional) required++
    }
    if (required !== requiredCount) return false
    for (const field of defaulted) if (!hasOwn.call(holder, field.key)) holder[field.key] = defaultOf(field.node)
    if (freezeSelf) Object.freeze(holder)
    return true
  }
}

/**
 * Builds the in-place check for a valibot `looseObject` schema. The root object itself is left
 * unfrozen so that the caller can finish it; everything inside it is frozen.
 */
export function compileInPlaceCheck(schema: unknown): InPlaceCheck {
  const node = schema as SchemaNode
  if (node.type !== 'loose_object' || node.entries === undefined || node.pipe !== undefined) return unsure
  return compileObject(node.entries, true, false)
}
