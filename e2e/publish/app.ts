// The publish round trip's React app, written by the test into its fresh folder outside the
// workspace, built there with the workspace's Vite and type-checked there with the README blocks
// (against the installed packages' types: the workspace has no react-dom types to check it with).
// `?primaryUrl=...&githubUrl=...&model=...` point it at the loopback reference server and name
// the model whose record it shows.

/** The app's files, by path inside its folder. */
export const APP_FILES: Readonly<Record<string, string>> = {
  'index.html': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>horde-model-reference from the registry</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="./main.tsx"></script>
  </body>
</html>
`,
  'main.tsx': `import { createModelReferenceClient } from '@horde-model-reference/core'
import { ModelReferenceProvider, useModel, useModelReference } from '@horde-model-reference/react'
import { createRoot } from 'react-dom/client'

const params = new URLSearchParams(location.search)
const primaryUrl = params.get('primaryUrl')
const githubUrl = params.get('githubUrl')
const client = createModelReferenceClient({ ...(primaryUrl !== null && { primaryUrl }), ...(githubUrl !== null && { githubUrl }) })

function Models() {
  const state = useModelReference('image_generation', { select: (result) => ({ names: Object.keys(result.models), source: result.source }) })
  if (state.status === 'loading') return <p id="status">Loading…</p>
  if (state.status === 'error') return <p id="status" data-status="error">{String(state.error)}</p>
  return (
    <>
      <p id="status" data-status="success" data-source={state.data.source}>
        {state.data.names.length} image models
      </p>
      <ul id="models">
        {state.data.names.map((name) => (
          <li key={name}>{name}</li>
        ))}
      </ul>
    </>
  )
}

function Model({ name }: { name: string }) {
  const { model } = useModel('image_generation', name)
  return <p id="model">{model === undefined ? 'unknown' : \`\${model.name}: \${model.baseline}\`}</p>
}

createRoot(document.getElementById('root')!).render(
  <ModelReferenceProvider client={client}>
    <Models />
    <Model name={params.get('model') ?? ''} />
  </ModelReferenceProvider>,
)
`,
}
