import ts from 'typescript'

// The README code the round trip runs and compiles, taken from the READMEs as they are.

/** A TypeScript block of a README: `ts` or `tsx`, its code, its file and the line it starts on. */
export interface CodeBlock {
  readonly extension: 'ts' | 'tsx'
  readonly code: string
  readonly from: string
  readonly line: number
}

/** Every ```ts and ```tsx block of a markdown text, in order (as e2e/test/readme.test.ts reads them). */
export function typeScriptBlocks(text: string, from: string): CodeBlock[] {
  return [...text.matchAll(/```(tsx?)\n([\s\S]*?)```/g)].map((match) => ({
    extension: match[1] as 'ts' | 'tsx',
    code: match[2]!,
    from,
    line: text.slice(0, match.index).split('\n').length + 1,
  }))
}

const CLIENT_FACTORIES = new Set(['ModelReferenceManager', 'createModelReferenceClient'])

/**
 * The code with `options` added to the first options object passed to `new ModelReferenceManager(...)`
 * or `createModelReferenceClient(...)` (an object created when the call passes none), so that a
 * README example reads from the given URLs through the options the README documents. Throws
 * when the code creates no client.
 */
export function withClientOptions(code: string, options: Readonly<Record<string, string>>): string {
  const source = ts.createSourceFile('block.tsx', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX)
  const added = Object.entries(options)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join(', ')
  let edit: { at: number; text: string; end?: number } | undefined
  const visit = (node: ts.Node): void => {
    if (edit !== undefined) return
    const callee = ts.isNewExpression(node) || ts.isCallExpression(node) ? node.expression : undefined
    if (callee !== undefined && ts.isIdentifier(callee) && CLIENT_FACTORIES.has(callee.text)) {
      const call = node as ts.NewExpression | ts.CallExpression
      const first = call.arguments?.[0]
      if (first === undefined) {
        const open = code.indexOf('(', callee.end)
        edit = { at: open + 1, text: `{ ${added} }` }
      } else if (ts.isObjectLiteralExpression(first)) {
        // After the last property, so that the added ones win over any the README sets.
        const last = first.properties[first.properties.length - 1]
        edit = last === undefined ? { at: first.getStart() + 1, text: ` ${added} ` } : { at: last.end, text: `, ${added}` }
      } else {
        edit = { at: first.getStart(), end: first.end, text: `{ ...(${first.getText()}), ${added} }` }
      }
      return
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  if (edit === undefined) throw new Error(`The code creates no client (new ModelReferenceManager or createModelReferenceClient):\n${code}`)
  return code.slice(0, edit.at) + edit.text + code.slice(edit.end ?? edit.at)
}

/** The code with every import of a package named by `rewrite` given the specifier it returns (for Deno's `npm:`). */
export function rewriteImports(code: string, rewrite: (specifier: string) => string | undefined): string {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.Latest, true)
  const edits: { start: number; end: number; text: string }[] = []
  for (const statement of source.statements) {
    const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier : undefined
    if (specifier === undefined) continue
    const replaced = rewrite(specifier.text)
    if (replaced !== undefined) edits.push({ start: specifier.getStart(), end: specifier.end, text: JSON.stringify(replaced) })
  }
  let result = code
  for (const edit of edits.reverse()) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end)
  return result
}
