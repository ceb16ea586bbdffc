// The server half: read through a client, render to a string, and put the client's snapshot
// into the page (as JSON text that cannot close the script element).
import { renderToString } from 'react-dom/server'
import { createModelReferenceClient } from '@horde-model-reference/core'
import { ModelReferenceProvider } from '../src/hooks.js'
import { Picker } from './Picker.js'

const json = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c')

/** The page for one request: the server's markup, its snapshot, and the browser bundle. */
export async function renderPage(options: { primaryUrl: string; githubUrl: string; withSnapshot: boolean; script: string }): Promise<string> {
  const client = createModelReferenceClient({ primaryUrl: options.primaryUrl, githubUrl: options.githubUrl })
  await client.getModelReference('image_generation')
  const html = renderToString(
    <ModelReferenceProvider client={client}>
      <Picker />
    </ModelReferenceProvider>,
  )
  const snapshot = client.dehydrate(['image_generation'])
  client.dispose()
  const config = { primaryUrl: options.primaryUrl, githubUrl: options.githubUrl, withSnapshot: options.withSnapshot }
  return `<!doctype html><html><head><meta charset="utf-8"><title>SSR</title></head><body><div id="root">${html}</div>` +
    `<script type="application/json" id="config">${json(config)}</script>` +
    `<script type="application/json" id="snapshot">${json(snapshot)}</script>` +
    `<script type="module" src="${options.script}"></script></body></html>`
}
