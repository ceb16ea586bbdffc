// Types of scripts/docs-lib.mjs (for e2e/test/docs.test.ts; the scripts themselves are plain JavaScript).
import type { ProjectReflection } from 'typedoc'

/** A problem a docs check found, at a file (relative to the checked root) and 1-based line. */
export interface Problem {
  file: string
  line: number
  message: string
}

/** An ATX heading of a markdown text: its level, shown text, source markdown, line and GitHub anchor. */
export interface Heading {
  level: number
  text: string
  markdown: string
  line: number
  anchor: string
}

/** Options of the table of contents: the heading levels it lists (2 and 3 by default). */
export interface TocOptions {
  minLevel?: number
  maxLevel?: number
}

export function formatProblems(problems: readonly Problem[]): string
export function runTypedoc(options: { root: string; config: string; out?: string; force?: boolean }): Promise<{ problems: Problem[]; project?: ProjectReflection }>
export function findUndocumented(project: ProjectReflection, options: { root: string; packages: readonly string[] }): Problem[]
export function proseLines(markdown: string): { line: number; text: string }[]
export function headingText(markdown: string): string
export function slug(text: string): string
export function createSlugger(): (text: string) => string
export function headings(markdown: string): Heading[]
export function anchorsOf(markdown: string): Set<string>
export const TOC_START: string
export const TOC_END: string
export function renderToc(markdown: string, options?: TocOptions): string
export function updateToc(markdown: string, options?: TocOptions): string
export function checkToc(markdown: string, file: string, options?: TocOptions): Problem[]
export function linksOf(markdown: string): { line: number; target: string }[]
export function checkLinks(root: string, files: readonly string[]): Problem[]
export function listFiles(dir: string): string[]
export function diffFolders(expected: string, actual: string, label: string): Problem[]
