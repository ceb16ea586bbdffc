// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createModelReferenceClient, type FetchFunction } from '@horde-model-reference/core'
import { fixtureText } from '../../../e2e/fixtures.js'
import { README_HORDE_API } from '../../../e2e/readme/horde-api.js'
// The built package, as an app installs it: its core imports must be the app's own core.
import { ModelReferenceProvider, useModelAvailability, useModelSearch } from '../dist/hooks.js'

const HORDE = 'http://horde.test/api'
const fetch = (async (request: Request) => {
  const url = new URL(request.url)
  if (url.href.startsWith(HORDE)) return new Response(JSON.stringify(README_HORDE_API.status!.image), { headers: { 'content-type': 'application/json' } })
  return new Response(fixtureText('derived-v2/stable_diffusion.json'), { headers: { 'content-type': 'application/json' } })
}) as FetchFunction

afterEach(cleanup)

function Both() {
  const live = useModelAvailability('image_generation')
  const found = useModelSearch('image_generation', 'deliberat')
  return (
    <p>
      {live.status === 'success' ? live.availability.byName['Deliberate']?.workerCount : live.status}/{found.status === 'success' ? found.models[0]?.name : found.status}
    </p>
  )
}

describe('the built hooks package', () => {
  it('imports every core entry point it uses, never a copy of the core', () => {
    const code = readFileSync(join(process.cwd(), 'examples/react/dist/hooks.js'), 'utf8')
    const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!)
    expect(imports.filter((specifier) => specifier.startsWith('@horde-model-reference/')).length).toBeGreaterThan(0)
    // A bundled copy of the core would carry its own client registry (and its error messages).
    expect(code).not.toContain('createModelReferenceClient() or a ModelReferenceManager')
  })

  it('works with a client of the app’s own core', async () => {
    const client = createModelReferenceClient({ primaryUrl: 'http://mirror.test/api', hordeApiUrl: HORDE, githubFallback: false, retries: 0, fetch })
    render(
      <ModelReferenceProvider client={client}>
        <Both />
      </ModelReferenceProvider>,
    )
    await waitFor(() => expect(screen.getByText('9/Deliberate')).toBeTruthy())
    client.dispose()
  })
})
