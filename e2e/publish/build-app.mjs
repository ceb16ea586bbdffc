// Builds a Vite app that lives outside the workspace with the workspace's Vite (the publish round
// trip's React app in its fresh folder): `node build-app.mjs <app root> <out dir>`. Its imports
// resolve from the app's folder (its own node_modules); Vite itself comes from here. Writes
// `<out dir>/modules.json`: every module the bundle holds, so the test can see where each came from.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'vite'

const [root, outDir] = process.argv.slice(2)
if (root === undefined || outDir === undefined) {
  console.error('usage: node build-app.mjs <app root> <out dir>')
  process.exit(2)
}
const modules = new Set()
await build({
  root,
  configFile: false,
  envFile: false,
  logLevel: 'warn',
  mode: 'production',
  cacheDir: join(root, 'node_modules/.vite'),
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir, emptyOutDir: true, modulePreload: { polyfill: false } },
  plugins: [
    {
      name: 'list-modules',
      generateBundle(_options, bundle) {
        for (const chunk of Object.values(bundle)) if (chunk.type === 'chunk') for (const id of chunk.moduleIds) modules.add(id)
      },
    },
  ],
})
writeFileSync(join(outDir, 'modules.json'), JSON.stringify([...modules].sort(), null, 2))
