import { createModelReferenceClient } from '@horde-model-reference/core'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { ModelReferenceProvider } from '../src/hooks.js'
import { App } from './App.js'

// ?primaryUrl=...&githubUrl=... point the app at a mirror (the end-to-end tests use this).
const params = new URLSearchParams(location.search)
const client = createModelReferenceClient({
  ...(params.get('primaryUrl') ? { primaryUrl: params.get('primaryUrl')! } : {}),
  ...(params.get('githubUrl') ? { githubUrl: params.get('githubUrl')! } : {}),
  staleWhileRevalidate: true,
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ModelReferenceProvider client={client}>
      <App />
    </ModelReferenceProvider>
  </StrictMode>,
)
