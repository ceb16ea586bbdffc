import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as docs from '../../scripts/docs-lib.mjs'

// The checks behind `pnpm docs:check` (scripts/docs-check.mjs), each on a small fixture in a
// temporary folder: the repository's own run is `pnpm docs:check` in `pnpm test`.
const scratch = mkdtempSync(join(tmpdir(), 'hmr-docs-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Writes `files` (path relative to a new folder -> text) and returns the folder. */
function fixture(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name)
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  return dir
}

const slugs = (texts: string[]) => {
  const slugger = docs.createSlugger()
  return texts.map((text) => slugger(text))
}

describe('GitHub heading slugs', () => {
  it('drops punctuation, keeps letters, digits, _ and -, and turns spaces into -', () => {
    expect(slugs(["Upstream's API, here"])).toEqual(['upstreams-api-here'])
    expect(slugs(['Snapshots and hydration (server rendering, offline, cold starts)'])).toEqual(['snapshots-and-hydration-server-rendering-offline-cold-starts'])
    expect(slugs(['C++ & Rust: what?'])).toEqual(['c--rust-what'])
    expect(slugs(['GitHub-only mode'])).toEqual(['github-only-mode'])
    expect(slugs(['snake_case stays'])).toEqual(['snake_case-stays'])
    expect(slugs(['Café déjà vu'])).toEqual(['café-déjà-vu'])
    expect(slugs(['1.2.3 release'])).toEqual(['123-release'])
  })

  it('numbers repeated headings -1, -2, and steps over a heading that already took that name', () => {
    expect(slugs(['Options', 'Options', 'Options'])).toEqual(['options', 'options-1', 'options-2'])
    expect(slugs(['Foo', 'Foo 1', 'Foo'])).toEqual(['foo', 'foo-1', 'foo-2'])
    expect(slugs(['Foo 1', 'Foo', 'Foo'])).toEqual(['foo-1', 'foo', 'foo-2'])
  })

  it('reads a heading as GitHub shows it: code spans, links, emphasis and escapes resolved', () => {
    const found = docs.headings(
      [
        '# Title',
        '## A `<script>` tag',
        '### Any driver (`@horde-model-reference/storage-unstorage`)',
        '## See [the guide](guide.md) **now**',
        '### ANY\\_SOURCE ##',
        '```md',
        '## Not a heading (in a fence)',
        '```',
        '#### Options',
        '#### Options',
      ].join('\n'),
    )
    expect(found.map((heading) => [heading.level, heading.anchor, heading.line])).toEqual([
      [1, 'title', 1],
      [2, 'a-script-tag', 2],
      [3, 'any-driver-horde-model-referencestorage-unstorage', 3],
      [2, 'see-the-guide-now', 4],
      [3, 'any_source', 5],
      [4, 'options', 9],
      [4, 'options-1', 10],
    ])
  })
})

describe('the README table of contents', () => {
  const readme = [
    '# Project',
    '',
    '<!-- toc -->',
    '<!-- tocstop -->',
    '',
    '## Install',
    '### With `pnpm`',
    '```sh',
    '# a shell comment, not a heading',
    '```',
    '#### Too deep for the TOC',
    '## Usage: the basics',
    '### Options',
    '## Options',
  ].join('\n')

  it('lists the headings of levels 2 and 3 with their anchors, skipping code fences', () => {
    expect(docs.renderToc(readme)).toBe(
      ['- [Install](#install)', '  - [With `pnpm`](#with-pnpm)', '- [Usage: the basics](#usage-the-basics)', '  - [Options](#options)', '- [Options](#options-1)'].join('\n'),
    )
  })

  it('detects a stale table of contents, and a fresh one passes', () => {
    const stale = docs.checkToc(readme, 'README.md')
    expect(stale).toHaveLength(1)
    expect(stale[0]).toMatchObject({ file: 'README.md', line: 3 })
    expect(stale[0]!.message).toMatch(/table of contents is stale.*pnpm run docs/)
    const fresh = docs.updateToc(readme)
    expect(docs.checkToc(fresh, 'README.md')).toEqual([])
    // Renaming a heading makes it stale again.
    expect(docs.checkToc(fresh.replace('## Install', '## Installation'), 'README.md')).toHaveLength(1)
    // Regenerating is idempotent.
    expect(docs.updateToc(fresh)).toBe(fresh)
  })

  it('reports missing markers', () => {
    expect(docs.checkToc('# Project\n\n## Install\n', 'README.md')[0]!.message).toMatch(/no <!-- toc --> \.\.\. <!-- tocstop --> markers/)
  })
})

describe('relative links', () => {
  it('reports a missing file and a missing anchor with file:line, and passes good links', () => {
    const dir = fixture('links', {
      'README.md': [
        '# Readme',
        'See [the guide](docs/guide.md) and [its setup](docs/guide.md#set-up-step-by-step).',
        'A [missing page](docs/missing.md) and a [missing heading](docs/guide.md#nowhere).',
        'Here: [top](#readme), [gone](#gone), [a folder](docs/), [web](https://example.com/x.md#y).',
        '`[in code](nope.md)` is not a link.',
        '```md',
        '[in a fence](nope.md)',
        '```',
        '[ref]: docs/guide.md#second',
        '<a href="docs/absent.html">html</a>',
      ].join('\n'),
      'docs/guide.md': '# Guide\n\n## Set up, step by step\n\n## Second\n',
    })
    const problems = docs.checkLinks(dir, ['README.md'])
    expect(problems.map((problem) => `${problem.file}:${problem.line}`)).toEqual(['README.md:3', 'README.md:3', 'README.md:4', 'README.md:10'])
    expect(problems[0]!.message).toMatch(/broken link docs\/missing\.md: docs\/missing\.md does not exist/)
    expect(problems[1]!.message).toMatch(/broken anchor docs\/guide\.md#nowhere: docs\/guide\.md has no heading #nowhere/)
    expect(problems[2]!.message).toMatch(/broken anchor #gone: README\.md has no heading #gone/)
    expect(problems[3]!.message).toMatch(/docs\/absent\.html does not exist/)
    expect(docs.formatProblems(problems).split('\n')[0]).toBe('README.md:3: broken link docs/missing.md: docs/missing.md does not exist')
  })

  it('accepts explicit <a id> anchors and percent-encoded paths', () => {
    const dir = fixture('anchors', {
      'a.md': '[x](b%20c.md#custom) [y](b%20c.md#title)\n',
      'b c.md': '# Title\n\n<a id="custom"></a>\n',
    })
    expect(docs.checkLinks(dir, ['a.md'])).toEqual([])
  })
})

describe('stale generated folders', () => {
  it('reports a changed file at its first differing line, and missing and extra files', () => {
    const expected = fixture('expected', { 'README.md': 'a\nb\nc\n', 'x.md': 'x\n' })
    const actual = fixture('actual', { 'README.md': 'a\nB\nc\n', 'old.md': 'o\n' })
    expect(docs.diffFolders(expected, actual, 'docs/api').map((problem) => `${problem.file}:${problem.line}: ${problem.message.split(':')[0]}`)).toEqual([
      'docs/api/README.md:2: stale',
      'docs/api/x.md:1: missing',
      'docs/api/old.md:1: extra',
    ])
    expect(docs.diffFolders(expected, expected, 'docs/api')).toEqual([])
  })
})

describe('undocumented exports', () => {
  it('reports each public declaration without a doc comment by name, file and line', async () => {
    const dir = fixture('typedoc', {
      'package.json': JSON.stringify({ name: 'docs-fixture', version: '1.0.0', type: 'module' }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, skipLibCheck: true, noEmit: true, lib: ['ES2022'], types: [] }, include: ['src'] }),
      'typedoc.json': JSON.stringify({
        entryPoints: ['src/index.ts'],
        tsconfig: 'tsconfig.json',
        readme: 'none',
        disableSources: true,
        packagesRequiringDocumentation: ['docs-fixture'],
        validation: { notExported: true, invalidLink: true, notDocumented: false },
        treatValidationWarningsAsErrors: true,
      }),
      'src/index.ts': [
        '/**',
        ' * The fixture.',
        ' * @module docs-fixture',
        ' */',
        '/** Adds. @param a One. @param b Two. */',
        'export function add(a: number, b: number): number { return a + b }',
        'export function helperWithoutDocs(): void {}',
        '/** Options. */',
        'export interface FixtureOptions {',
        '  /** Documented. */',
        '  documented?: string',
        '  undocumentedField?: number',
        '}',
        '/** Scales. */',
        'export function scale(value: number, factor: number): number { return value * factor }',
        '/** An enum-like constant: its members are its values. */',
        "export const COLOR = { red: 'red', blue: 'blue' } as const",
        '/** A union whose cases say what they are. */',
        "export type State = { readonly status: 'loading' } | { readonly status: 'done'; readonly value: number }",
      ].join('\n'),
    })
    const { problems, project } = await docs.runTypedoc({ root: dir, config: join(dir, 'typedoc.json') })
    expect(project).toBeDefined()
    expect(problems.map((problem) => `${problem.file}:${problem.line}: ${problem.message}`).sort()).toEqual([
      'src/index.ts:12: Property FixtureOptions.undocumentedField has no doc comment',
      'src/index.ts:15: parameter `factor` of scale (a @param) has no doc comment',
      'src/index.ts:15: parameter `value` of scale (a @param) has no doc comment',
      'src/index.ts:19: Property State.value has no doc comment',
      'src/index.ts:7: Function helperWithoutDocs has no doc comment',
    ])
  }, 60_000)
})
