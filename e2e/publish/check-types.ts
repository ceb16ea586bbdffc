import { Worker } from 'node:worker_threads'

// Runs e2e/publish/check-types.mjs in a worker thread, bounded in time.

/** One diagnostic: its file (absolute), 0-based line, TS code and message. */
export interface TypeDiagnostic {
  readonly file: string | undefined
  readonly line: number
  readonly code: number
  readonly message: string
}

const WORKER = new URL('./check-types.mjs', import.meta.url)

/** The pre-emit diagnostics of a program over `rootNames` (`compilerOptions` as in tsconfig.json); fails after `timeoutMs`. */
export function checkTypes(rootNames: readonly string[], compilerOptions: Record<string, unknown>, basePath: string, timeoutMs = 120_000): Promise<TypeDiagnostic[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: { rootNames, compilerOptions, basePath } })
    const timer = setTimeout(() => {
      void worker.terminate()
      reject(new Error(`The type check did not finish within ${timeoutMs} ms`))
    }, timeoutMs)
    worker.once('message', (diagnostics: TypeDiagnostic[]) => {
      clearTimeout(timer)
      resolve(diagnostics)
      void worker.terminate()
    })
    worker.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    worker.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`The type check's worker exited (${code}) without an answer`))
    })
  })
}
