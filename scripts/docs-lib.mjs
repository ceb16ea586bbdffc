// The API reference's machinery, shared by `pnpm run docs` (scripts/docs.mjs), `pnpm docs:check`
// (scripts/docs-check.mjs) and their tests (e2e/test/docs.test.ts): TypeDoc with the markdown
// plugin, the walk that finds public declarations without a doc comment, GitHub's heading slugs,
// the README's table of contents, the relative-link check and the comparison of two folders.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { Application, DeclarationReflection, IntrinsicType, LiteralType, ReflectionKind, ReflectionType, TSConfigReader, TypeDocReader } from 'typedoc'

/** A problem found by a check, with the file (relative to the checked root) and 1-based line. */
// { file: string, line: number, message: string }

/** Formats problems as `file:line: message`, one a line, in file then line order. */
export function formatProblems(problems) {
  return [...problems]
    .sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1))
    .map((problem) => `${problem.file}:${problem.line}: ${problem.message}`)
    .join('\n')
}

const toPosix = (path) => path.split(sep).join('/')
const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*m/g, '')

// ---------------------------------------------------------------------------------------------
// TypeDoc

/**
 * Converts the project described by `config` (a typedoc.json; its paths are relative to it) and,
 * when `out` is given, writes the markdown reference there. Returns TypeDoc's own errors and
 * warnings (validation included) and the declarations that lack documentation, as problems with
 * paths relative to `root`. Nothing is written when the sources do not compile, nor when a
 * problem was found unless `force` is set.
 */
export async function runTypedoc({ root, config, out, force = false }) {
  const problems = []
  const app = await Application.bootstrapWithPlugins(
    { options: config, ...(out === undefined ? {} : { out }), logLevel: 'Warn' },
    [new TypeDocReader(), new TSConfigReader()],
  )
  // Collect what TypeDoc reports instead of printing it: each message becomes a problem.
  app.logger.log = (message, level) => {
    if (level < 2) return // Verbose and Info
    const text = stripAnsi(message)
    if (/^Found \d+ errors? and \d+ warnings?$/.test(text)) return
    const located = /^(?<file>[^\s:]+\.[cm]?tsx?):(?<line>\d+):\d+ - (?:\[\w+\] )?(?<rest>[\s\S]*)$/.exec(text)
    if (located) problems.push({ file: toPosix(relative(root, resolve(located.groups.file))), line: Number(located.groups.line), message: located.groups.rest })
    else problems.push({ file: toPosix(relative(root, config)), line: 1, message: `TypeDoc: ${text.replace(/^\[\w+\] /, '')}` })
  }
  if (app.logger.hasErrors()) return { problems: [...problems, { file: toPosix(relative(root, config)), line: 1, message: 'TypeDoc could not read its options' }] }
  const project = await app.convert()
  if (!project) return { problems: [...problems, { file: toPosix(relative(root, config)), line: 1, message: 'TypeDoc could not convert the sources (see above)' }] }
  app.validate(project)
  problems.push(...findUndocumented(project, { root, packages: app.options.getValue('packagesRequiringDocumentation') }))
  if (out !== undefined && (force || problems.length === 0)) await app.generateOutputs(project)
  return { problems, project }
}

const lineCache = new Map()
/** The 1-based line of character `pos` in `file`. */
function lineOf(file, pos) {
  let starts = lineCache.get(file)
  if (!starts) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : ''
    starts = [0]
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1)
    lineCache.set(file, starts)
  }
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (starts[mid] <= pos) low = mid
    else high = mid - 1
  }
  return low + 1
}

const REQUIRED =
  ReflectionKind.Module |
  ReflectionKind.Enum |
  ReflectionKind.EnumMember |
  ReflectionKind.Variable |
  ReflectionKind.Function |
  ReflectionKind.Class |
  ReflectionKind.Interface |
  ReflectionKind.Constructor |
  ReflectionKind.Property |
  ReflectionKind.Method |
  ReflectionKind.Accessor |
  ReflectionKind.TypeAlias

/**
 * A property of an enum-like constant (`{ flux_1: 'flux_1', ... } as const`, every value the
 * string of its own name): the constant's comment documents it, and a comment per member would
 * only repeat the name.
 */
function isEnumLikeMember(reflection) {
  const literal = reflection.parent
  if (!reflection.kindOf(ReflectionKind.Property) || !literal?.kindOf(ReflectionKind.TypeLiteral)) return false
  const holder = literal.parent
  if (!holder?.kindOf(ReflectionKind.Variable)) return false
  return (literal.children ?? []).every((member) => member.type instanceof LiteralType && member.type.value === member.name)
}

/**
 * A property of an object type or interface whose type is one value (`status: 'loading'`,
 * `stale: false`, `models: undefined`), in a declaration that has a comment: a case of a union
 * (a state, an event), whose comment explains the case; the value itself is all there is to say
 * about the property.
 */
function isFixedValueMember(reflection) {
  if (!reflection.kindOf(ReflectionKind.Property) || !reflection.parent?.kindOf(ReflectionKind.TypeLiteral | ReflectionKind.Interface)) return false
  const type = reflection.type
  const fixed = type instanceof LiteralType || (type instanceof IntrinsicType && (type.name === 'undefined' || type.name === 'null'))
  if (!fixed) return false
  let owner = reflection.parent
  while (owner && owner.kindOf(ReflectionKind.TypeLiteral)) owner = owner.parent
  return owner?.hasComment() === true
}

/** Whether a signature's parameters need a `@param` each: functions and interface methods with two or more. */
function parametersNeedDocs(signature) {
  const owner = signature.parent
  if ((signature.parameters?.length ?? 0) < 2) return false
  if (owner?.kindOf(ReflectionKind.Function)) return true
  return owner?.kindOf(ReflectionKind.Method) === true && owner.parent?.kindOf(ReflectionKind.Interface) === true
}

/**
 * Every public declaration of `project` (what an entry point exports, with the members,
 * properties and option fields reachable from it) that has no doc comment, plus each parameter
 * of a function or interface method with two or more parameters that no `@param` describes.
 * Declarations from other packages (TypeScript's lib, dependencies) are not ours to document.
 */
export function findUndocumented(project, { root, packages }) {
  const problems = []
  const seen = new Set()
  const queue = project.getReflectionsByKind(REQUIRED | ReflectionKind.CallSignature | ReflectionKind.ConstructorSignature | ReflectionKind.GetSignature | ReflectionKind.SetSignature)
  const report = (reflection, what) => {
    const id = project.getSymbolIdFromReflection(reflection) ?? project.getSymbolIdFromReflection(reflection.parent)
    if (!id || !packages.includes(id.packageName)) return
    const file = id.fileName ?? ''
    if (file.includes(`${sep}node_modules${sep}`) || file.includes('/node_modules/')) return
    problems.push({
      file: toPosix(relative(root, file)),
      line: Number.isFinite(id.pos) ? lineOf(file, id.pos) : 1,
      message: `${what} has no doc comment`,
    })
  }
  const name = (reflection) => reflection.getFriendlyFullName().replace(/(^|\.)__type(?=\.|$)/g, '')
  while (queue.length) {
    const reflection = queue.shift()
    if (seen.has(reflection)) continue
    seen.add(reflection)
    // Inside a parameter's type, or a type parameter's constraint: documented by the parameter or the function.
    let parent = reflection.parent
    let inParameter = false
    while (parent) {
      if (parent.kindOf(ReflectionKind.Parameter | ReflectionKind.TypeParameter)) inParameter = true
      parent = parent.parent
    }
    if (inParameter) continue
    if (isEnumLikeMember(reflection) || isFixedValueMember(reflection)) continue
    // Inherited: checked where it is declared (TypeDoc copies that comment here).
    if (reflection.inheritedFrom || reflection.parent?.inheritedFrom) continue
    if (reflection.kindOf(ReflectionKind.SomeSignature)) {
      const owner = reflection.parent
      // A function-typed property or type alias (`onChange: (state) => void`): its comment counts.
      const documented = reflection.hasComment() || owner?.hasComment() || (owner?.kindOf(ReflectionKind.TypeLiteral) && owner.parent?.hasComment())
      if (!documented && !owner?.kindOf(ReflectionKind.TypeLiteral)) report(reflection, `${ReflectionKind.singularString(owner?.kind ?? reflection.kind)} ${name(reflection)}`)
      if (reflection.kindOf(ReflectionKind.CallSignature | ReflectionKind.ConstructorSignature) && parametersNeedDocs(reflection)) {
        for (const parameter of reflection.parameters ?? []) {
          if (!parameter.hasComment()) report(reflection, `parameter \`${parameter.name}\` of ${name(reflection)} (a @param)`)
        }
      }
      continue
    }
    if (reflection instanceof DeclarationReflection) {
      const signatures = reflection.type instanceof ReflectionType ? reflection.type.declaration.getNonIndexSignatures() : reflection.getNonIndexSignatures()
      if (signatures.length) {
        queue.push(...signatures)
        // Functions, methods, constructors and accessors are documented on their signatures.
        if (reflection.kindOf(ReflectionKind.SignatureContainer)) continue
      }
      // An object type's members are declarations of their own.
      if (reflection.type instanceof ReflectionType) queue.push(...(reflection.type.declaration.children ?? []))
    }
    if (reflection.kindOf(ReflectionKind.TypeLiteral)) continue
    if (!reflection.hasComment()) report(reflection, `${ReflectionKind.singularString(reflection.kind)} ${name(reflection)}`)
  }
  return problems
}

// ---------------------------------------------------------------------------------------------
// Markdown: headings, GitHub slugs, the table of contents, links

/**
 * The lines of a markdown text outside fenced code blocks, with their 1-based numbers. Inline
 * code spans are left in (callers strip them where it matters).
 */
export function proseLines(markdown) {
  const lines = markdown.split('\n')
  const out = []
  let fence = null
  lines.forEach((line, index) => {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line)
    if (fence) {
      // A closing fence: the same character, at least as long, nothing after it.
      const closer = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)
      if (closer && closer[1][0] === fence[0] && closer[1].length >= fence.length) fence = null
      return
    }
    if (opener) {
      fence = opener[1]
      return
    }
    out.push({ line: index + 1, text: line })
  })
  return out
}

/** The text GitHub shows for a heading's markdown: code spans, links, emphasis and escapes resolved. */
export function headingText(markdown) {
  // Code spans are shown as they are; outside them, HTML tags, links, escapes and emphasis resolve.
  return markdown
    .split(/(`+)(.*?)\1/)
    .map((part, index) => {
      if (index % 3 === 1) return ''
      if (index % 3 === 2) return part
      return part
        .replace(/<[^>]+>/g, '')
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/\\([!-/:-@[-`{-~])/g, '$1')
        .replace(/\*+/g, '')
    })
    .join('')
    .trim()
}

/**
 * GitHub's anchor for a heading's text (github-slugger): lower case, every character that is
 * not a letter, mark, number, `_`, `-` or a space removed, spaces turned into `-`. Call through
 * {@link createSlugger} to get GitHub's `-1`, `-2` suffixes for repeated headings.
 */
export function slug(text) {
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-')
}

/** A slugger for one document: a repeated heading gets `-1`, `-2`, ... as on GitHub. */
export function createSlugger() {
  const used = new Map()
  return (text) => {
    const base = slug(text)
    let candidate = base
    let count = used.get(base) ?? 0
    while (used.has(candidate)) candidate = `${base}-${++count}`
    used.set(base, count)
    used.set(candidate, 0)
    return candidate
  }
}

/** The ATX headings of a markdown text, outside code fences, with their level, text, line and GitHub anchor. */
export function headings(markdown) {
  const slugger = createSlugger()
  const found = []
  for (const { line, text } of proseLines(markdown)) {
    const match = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(text)
    if (!match) continue
    const shown = headingText(match[2])
    found.push({ level: match[1].length, text: shown, markdown: match[2], line, anchor: slugger(shown) })
  }
  return found
}

/** Every anchor a markdown file has: its headings' slugs and explicit `<a id>` / `<a name>` targets. */
export function anchorsOf(markdown) {
  const anchors = new Set(headings(markdown).map((heading) => heading.anchor))
  for (const { text } of proseLines(markdown)) {
    for (const match of text.matchAll(/<a\s+(?:[^>]*\s)?(?:id|name)="([^"]+)"/g)) anchors.add(match[1])
  }
  return anchors
}

export const TOC_START = '<!-- toc -->'
export const TOC_END = '<!-- tocstop -->'

/**
 * The table of contents of a README: a nested list of its headings of levels `minLevel` to
 * `maxLevel` (the title, level 1, left out), each a link to its GitHub anchor. Headings inside
 * code fences are not headings; headings above the TOC markers are left out.
 */
export function renderToc(markdown, { minLevel = 2, maxLevel = 3 } = {}) {
  const start = markdown.indexOf(TOC_START)
  const startLine = start === -1 ? 0 : markdown.slice(0, start).split('\n').length
  return headings(markdown)
    .filter((heading) => heading.level >= minLevel && heading.level <= maxLevel && heading.line > startLine)
    .map((heading) => `${'  '.repeat(heading.level - minLevel)}- [${heading.markdown.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')}](#${heading.anchor})`)
    .join('\n')
}

/**
 * The README with its table of contents (between `<!-- toc -->` and `<!-- tocstop -->`)
 * regenerated; throws when the markers are missing or out of order.
 */
export function updateToc(markdown, options) {
  const start = markdown.indexOf(TOC_START)
  const end = markdown.indexOf(TOC_END)
  if (start === -1 || end === -1 || end < start) throw new Error(`the README has no ${TOC_START} ... ${TOC_END} markers`)
  return `${markdown.slice(0, start + TOC_START.length)}\n\n${renderToc(markdown, options)}\n\n${markdown.slice(end)}`
}

/** Problems with a README's table of contents: missing markers, or a TOC that differs from its headings. */
export function checkToc(markdown, file, options) {
  let expected
  try {
    expected = updateToc(markdown, options)
  } catch (error) {
    return [{ file, line: 1, message: error.message }]
  }
  if (expected === markdown) return []
  const line = markdown.slice(0, markdown.indexOf(TOC_START)).split('\n').length
  return [{ file, line, message: 'the table of contents is stale (its headings changed): run `pnpm run docs`' }]
}

/** The links of a markdown text outside code: `[text](target)`, `[label]: target` and `href="target"`, with their lines. */
export function linksOf(markdown) {
  const links = []
  for (const { line, text } of proseLines(markdown)) {
    const prose = text.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length))
    for (const match of prose.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) links.push({ line, target: match[1].replace(/^<|>$/g, '') })
    const definition = /^ {0,3}\[[^\]]+\]:\s*(\S+)/.exec(prose)
    if (definition) links.push({ line, target: definition[1].replace(/^<|>$/g, '') })
    for (const match of prose.matchAll(/\bhref="([^"]+)"/g)) links.push({ line, target: match[1] })
  }
  return links
}

const anchorCache = new Map()
function cachedAnchors(file) {
  let anchors = anchorCache.get(file)
  if (!anchors) anchorCache.set(file, (anchors = anchorsOf(readFileSync(file, 'utf8'))))
  return anchors
}

/**
 * Every broken relative link of the markdown `files` (paths relative to `root`): a target file
 * or folder that does not exist, or a `#anchor` that the target markdown file (or the file itself,
 * for `#anchor` alone) has no heading or `<a id>` for. Absolute URLs (`https:`, `mailto:`, ...)
 * are not followed.
 */
export function checkLinks(root, files) {
  anchorCache.clear()
  const problems = []
  for (const file of files) {
    const absolute = join(root, file)
    for (const { line, target } of linksOf(readFileSync(absolute, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue
      const hash = target.indexOf('#')
      const pathPart = (hash === -1 ? target : target.slice(0, hash)).replace(/\?.*$/, '')
      const anchor = hash === -1 ? '' : target.slice(hash + 1)
      let path
      try {
        path = pathPart === '' ? absolute : resolve(dirname(absolute), decodeURIComponent(pathPart))
      } catch {
        problems.push({ file, line, message: `malformed link target ${target}` })
        continue
      }
      if (!existsSync(path)) {
        problems.push({ file, line, message: `broken link ${target}: ${toPosix(relative(root, path))} does not exist` })
        continue
      }
      if (anchor === '' || !path.endsWith('.md') || statSync(path).isDirectory()) continue
      let decoded = anchor
      try {
        decoded = decodeURIComponent(anchor)
      } catch {}
      if (!cachedAnchors(path).has(decoded)) problems.push({ file, line, message: `broken anchor ${target}: ${toPosix(relative(root, path))} has no heading #${decoded}` })
    }
  }
  return problems
}

// ---------------------------------------------------------------------------------------------
// Folders

/** Every file under `dir`, as sorted `/`-separated paths relative to it. */
export function listFiles(dir) {
  if (!existsSync(dir)) return []
  const files = []
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name)
      if (entry.isDirectory()) walk(path)
      else files.push(toPosix(relative(dir, path)))
    }
  }
  walk(dir)
  return files.sort()
}

/**
 * How the committed folder `actual` differs from the freshly generated `expected`: each missing,
 * extra or changed file (with the first line that differs), named as `label/...`.
 */
export function diffFolders(expected, actual, label) {
  const problems = []
  const want = listFiles(expected)
  const have = new Set(listFiles(actual))
  const hint = 'run `pnpm run docs` and commit docs/api'
  for (const file of want) {
    if (!have.has(file)) {
      problems.push({ file: `${label}/${file}`, line: 1, message: `missing: the sources document it (${hint})` })
      continue
    }
    have.delete(file)
    const a = readFileSync(join(expected, file), 'utf8').split('\n')
    const b = readFileSync(join(actual, file), 'utf8').split('\n')
    const index = a.findIndex((text, i) => text !== b[i])
    const differs = index !== -1 ? index : a.length !== b.length ? a.length : -1
    if (differs !== -1) problems.push({ file: `${label}/${file}`, line: differs + 1, message: `stale: differs from the sources here (${hint})` })
  }
  for (const file of have) problems.push({ file: `${label}/${file}`, line: 1, message: `extra: the sources no longer document it (${hint})` })
  return problems
}
