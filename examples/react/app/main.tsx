import { createModelReferenceClient } from '@horde-model-reference/core'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { ModelReferenceProvider } from '../src/hooks.js'
import { App } from './App.js'

// ?primaryUrl=...&githubUrl=... point the app at a mirror, ?hordeApiUrl=... at an AI Horde API
// for the live worker counts (the end-to-end tests use these).
const params = new URLSearchParams(location.search)
const client = createModelReferenceClient({
  ...(params.get('primaryUrl') ? { primaryUrl: params.get('primaryUrl')! } : {}),
  ...(params.get('githubUrl') ? { githubUrl: params.get('githubUrl')! } : {}),
  ...(params.get('hordeApiUrl') ? { hordeApiUrl: params.get('hordeApiUrl')! } : {}),
  staleWhileRevalidate: true,
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ModelReferenceProvider client={client}>
      <App />
    </ModelReferenceProvider>
  </StrictMode>,
)
