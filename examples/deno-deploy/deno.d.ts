// The few Deno APIs main.ts uses, for type-checking it with the repository's tsc (Deno itself
// has its own types and never reads this file).
declare namespace Deno {
  const env: { get(name: string): string | undefined }
  function readTextFile(path: string): Promise<string>
  function serve(options: { hostname?: string; port?: number; onListen?: (address: { hostname: string; port: number }) => void }, handler: (request: Request) => Response | Promise<Response>): unknown
}
