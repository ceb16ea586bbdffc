import { defineConfig } from 'vitest/config'

// `pnpm bench`: the benchmarks run in one forked process with the garbage collector exposed
// (memory per category is measured after a full collection).
export default defineConfig({
  test: {
    include: ['e2e/bench/**/*.bench-run.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    execArgv: ['--expose-gc'],
  },
})
