// A TypeScript check in a worker thread (the publish round trip starts one per module setting
// while its other steps run): `workerData` is { rootNames, compilerOptions } with the options as
// tsconfig.json spells them; posts back every pre-emit diagnostic as { file, line, code, message }.
import { parentPort, workerData } from 'node:worker_threads'
import ts from 'typescript'

/** @type {{ rootNames: string[]; compilerOptions: Record<string, unknown>; basePath: string }} */
const { rootNames, compilerOptions, basePath } = workerData
const converted = ts.convertCompilerOptionsFromJson(compilerOptions, basePath)
if (converted.errors.length > 0) throw new Error(converted.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('\n'))
const program = ts.createProgram(rootNames, converted.options)
const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ({
  file: d.file?.fileName,
  line: d.file === undefined ? 0 : d.file.getLineAndCharacterOfPosition(d.start ?? 0).line,
  code: d.code,
  message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
}))
parentPort?.postMessage(diagnostics)
