// The publish round trip's React app: copied into a fresh folder outside the workspace and built
// there with the workspace's Vite, against @horde-model-reference/core and /react as installed
// from the local registry. `?primaryUrl=...&githubUrl=...&model=...` point it at the loopback
// reference server and name the model whose record it shows.
import { createModelReferenceClient } from '@horde-model-reference/core'
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
  return <p id="model">{model === undefined ? 'unknown' : `${model.name}: ${model.baseline}`}</p>
}

createRoot(document.getElementById('root')!).render(
  <ModelReferenceProvider client={client}>
    <Models />
    <Model name={params.get('model') ?? ''} />
  </ModelReferenceProvider>,
)
