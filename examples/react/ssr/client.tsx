// The browser half of the server-rendering recipe: the page carries the server's snapshot as
// JSON; the client starts with it (initialData) and hydrates the server's markup.
import { hydrateRoot } from 'react-dom/client'
import { createModelReferenceClient } from '@horde-model-reference/core'
import { ModelReferenceProvider } from '../src/hooks.js'
import { Picker } from './Picker.js'

const read = (id: string): unknown => JSON.parse(document.getElementById(id)!.textContent!)
const config = read('config') as { primaryUrl: string; githubUrl: string; withSnapshot: boolean }
const client = createModelReferenceClient({
  primaryUrl: config.primaryUrl,
  githubUrl: config.githubUrl,
  ...(config.withSnapshot ? { initialData: read('snapshot') as never } : {}),
})
const errors: string[] = []
;(window as unknown as { hydrationErrors: string[] }).hydrationErrors = errors
hydrateRoot(
  document.getElementById('root')!,
  <ModelReferenceProvider client={client}>
    <Picker />
  </ModelReferenceProvider>,
  { onRecoverableError: (error) => errors.push(String((error as Error)?.message ?? error)) },
)
