import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The demo app, built to dist-app/ (served by serve-app.mjs). JSX uses React's automatic runtime.
export default defineConfig({
  root: fileURLToPath(new URL('./app', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: fileURLToPath(new URL('./dist-app', import.meta.url)), emptyOutDir: true, target: 'es2022' },
})
