import { defineConfig } from 'vitest/config'

// The workspace's test configuration: every package's and example's tests run from the root.
export default defineConfig({
  // JSX in the React example's tests uses React's automatic runtime.
  oxc: { jsx: { runtime: 'automatic' } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    typecheck: {
      enabled: true,
      include: ['packages/*/test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
})
