// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { Component, Suspense, type ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createModelReferenceClient, type FetchFunction } from '@horde-model-reference/core'
import { fixtureText } from '../../../e2e/fixtures.js'
import { ModelReferenceProvider, useModel, useModelReference } from '../src/hooks.js'

// An injected fetch serving the fixtures keeps these unit tests fast and free of happy-dom's
// CORS emulation; real Chromium runs the demo app against the loopback server (e2e/).
function fixtureFetch(options: { fail?: boolean; gate?: Promise<void> } = {}): FetchFunction & { calls: string[] } {
  const calls: string[] = []
  const fetch = (async (request: Request) => {
    calls.push(request.url)
    await options.gate
    if (options.fail) return new Response('down', { status: 503 })
    const category = /\/v2\/([^/]+)$/.exec(new URL(request.url).pathname)?.[1]
    const file = category === 'image_generation' ? 'derived-v2/stable_diffusion.json' : `derived-v2/${category}.json`
    return new Response(fixtureText(file), { headers: { 'content-type': 'application/json' } })
  }) as FetchFunction & { calls: string[] }
  fetch.calls = calls
  return fetch
}

afterEach(cleanup)

function client(fetch: FetchFunction, extra = {}) {
  return createModelReferenceClient({ primaryUrl: 'http://mirror.test/api', githubFallback: false, retries: 0, fetch, ...extra })
}

function Count({ suspense = false }: { suspense?: boolean }) {
  const { status, models, stale, error } = useModelReference('image_generation', { suspense })
  if (status === 'loading') return <p>loading</p>
  if (status === 'error') return <p>error: {(error as Error).message.split(';')[0]}</p>
  return (
    <p>
      {Object.keys(models!).length} models{stale ? ' (stale)' : ''}
    </p>
  )
}

describe('useModelReference', () => {
  it('goes from loading to the records, and fetches once for two components', async () => {
    let open!: () => void
    const fetch = fixtureFetch({ gate: new Promise((resolve) => (open = resolve)) })
    render(
      <ModelReferenceProvider client={client(fetch)}>
        <Count />
        <Count />
      </ModelReferenceProvider>,
    )
    expect(screen.getAllByText('loading')).toHaveLength(2)
    open()
    await waitFor(() => expect(screen.getAllByText('161 models')).toHaveLength(2))
    expect(fetch.calls).toHaveLength(1)
  })

  it('shows the error state when nothing can be loaded', async () => {
    render(
      <ModelReferenceProvider client={client(fixtureFetch({ fail: true }))}>
        <Count />
      </ModelReferenceProvider>,
    )
    await waitFor(() => expect(screen.getByText(/^error: Could not load model reference category "image_generation"/)).toBeTruthy())
  })

  it('re-renders when the data changes elsewhere (a refresh, another tab)', async () => {
    const fetch = fixtureFetch()
    const shared = client(fetch)
    render(
      <ModelReferenceProvider client={shared}>
        <Count />
      </ModelReferenceProvider>,
    )
    await screen.findByText('161 models')
    await act(async () => {
      shared.invalidate('image_generation')
    })
    // The hook saw the stale copy and refreshed it (after asking the primary's last_updated).
    await waitFor(() => expect(fetch.calls.filter((url) => !url.includes('/metadata/'))).toHaveLength(2))
    await screen.findByText('161 models')
  })

  it('shows a stale copy as stale when its refresh fails', async () => {
    let fail = false
    const fetch = (async (request: Request) => (fail ? new Response('down', { status: 503 }) : fixtureFetch()(request))) as FetchFunction
    const shared = client(fetch)
    await shared.getModelReference('image_generation')
    fail = true
    shared.invalidate('image_generation')
    render(
      <ModelReferenceProvider client={shared}>
        <Count />
      </ModelReferenceProvider>,
    )
    await screen.findByText('161 models (stale)')
  })

  it('clears an earlier error once a later refresh succeeds (the error lives in the client, not the hook)', async () => {
    let fail = true
    const fetch = (async (request: Request) => (fail ? new Response('down', { status: 503 }) : fixtureFetch()(request))) as FetchFunction
    const shared = client(fetch)
    render(
      <ModelReferenceProvider client={shared}>
        <Count />
      </ModelReferenceProvider>,
    )
    await screen.findByText(/^error: /)
    fail = false
    await act(async () => {
      await shared.refresh('image_generation')
    })
    await screen.findByText('161 models')
    expect(screen.queryByText(/^error: /)).toBeNull()
  })

  it('shows isFetching while a refresh runs, and the copy it had meanwhile', async () => {
    let open!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    let gated = false
    const base = fixtureFetch()
    const fetch = (async (request: Request) => {
      if (gated) await gate
      return base(request)
    }) as FetchFunction
    const shared = client(fetch)
    function Fetching() {
      const { isFetching, models } = useModelReference('image_generation')
      return <p>{models === undefined ? 'none' : `${Object.keys(models).length}${isFetching ? ' refreshing' : ''}`}</p>
    }
    render(
      <ModelReferenceProvider client={shared}>
        <Fetching />
      </ModelReferenceProvider>,
    )
    await screen.findByText('161')
    gated = true
    let refreshed!: Promise<unknown>
    act(() => {
      refreshed = shared.refresh('image_generation')
    })
    await screen.findByText('161 refreshing')
    open()
    await act(async () => {
      await refreshed
    })
    await screen.findByText('161')
  })

  it('suspends while loading with { suspense: true }', async () => {
    render(
      <ModelReferenceProvider client={client(fixtureFetch())}>
        <Suspense fallback={<p>suspended</p>}>
          <Count suspense />
        </Suspense>
      </ModelReferenceProvider>,
    )
    expect(screen.getByText('suspended')).toBeTruthy()
    await screen.findByText('161 models')
  })

  it('throws to the error boundary with { suspense: true } when loading fails', async () => {
    class Boundary extends Component<{ children: ReactNode }, { error?: Error }> {
      override state: { error?: Error } = {}
      static getDerivedStateFromError(error: Error) {
        return { error }
      }
      override render() {
        return this.state.error ? <p>caught: {this.state.error.name}</p> : this.props.children
      }
    }
    // React logs the error the boundary catches; that is expected here.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    render(
      <ModelReferenceProvider client={client(fixtureFetch({ fail: true }))}>
        <Boundary>
          <Suspense fallback={<p>suspended</p>}>
            <Count suspense />
          </Suspense>
        </Boundary>
      </ModelReferenceProvider>,
    )
    await screen.findByText('caught: SourcesUnavailableError')
    quiet.mockRestore()
  })

  it('explains a missing client', () => {
    const spy = console.error
    console.error = () => {}
    try {
      expect(() => render(<Count />)).toThrow(/ModelReferenceProvider/)
    } finally {
      console.error = spy
    }
  })
})

describe('useModel', () => {
  function Model({ name }: { name: string }) {
    const { model, status } = useModel('image_generation', name)
    return <p>{status === 'success' ? (model ? `${model.name}: ${model.baseline}` : 'no such model') : status}</p>
  }

  it('returns one record, or undefined for an unknown name (even a prototype key)', async () => {
    render(
      <ModelReferenceProvider client={client(fixtureFetch())}>
        <Model name="AlbedoBase XL (SDXL)" />
        <Model name="constructor" />
      </ModelReferenceProvider>,
    )
    await screen.findByText('AlbedoBase XL (SDXL): stable_diffusion_xl')
    expect(screen.getByText('no such model')).toBeTruthy()
  })
})
