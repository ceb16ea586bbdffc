// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { Component, Suspense, useState, type ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createModelReferenceClient, type FetchFunction, type ModelReferenceResult } from '@horde-model-reference/core'
import { fixtureText } from '../../../e2e/fixtures.js'
import { ModelReferenceProvider, useModel, useModelReference, useSuspenseModelReference, type ModelReferenceState } from '../src/hooks.js'

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

// The fixtures' fetch, whose answers can be held back from some moment (`hold`) until `release`.
function heldFetch(): { fetch: FetchFunction; hold(): void; release(): void } {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  let held = false
  const base = fixtureFetch()
  const fetch = (async (request: Request) => {
    if (held) await gate
    return base(request)
  }) as FetchFunction
  return { fetch, hold: () => void (held = true), release }
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
    const { fetch, hold, release } = heldFetch()
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
    hold()
    let refreshed!: Promise<unknown>
    act(() => {
      refreshed = shared.refresh('image_generation')
    })
    await screen.findByText('161 refreshing')
    release()
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

class Boundary extends Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {}
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  override render() {
    return this.state.error ? <p>caught: {this.state.error.name}</p> : this.props.children
  }
}

describe('useModelReference options', () => {
  it('enabled: false asks for nothing until enabled', async () => {
    const fetch = fixtureFetch()
    function Deferred() {
      const [enabled, setEnabled] = useState(false)
      const { status, models, isFetching } = useModelReference('image_generation', { enabled })
      return (
        <>
          <button onClick={() => setEnabled(true)}>open</button>
          <p>{status === 'success' ? `${Object.keys(models).length} models` : `${status}${isFetching ? ' fetching' : ''}`}</p>
        </>
      )
    }
    render(
      <ModelReferenceProvider client={client(fetch)}>
        <Deferred />
      </ModelReferenceProvider>,
    )
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50))
    })
    expect(screen.getByText('loading')).toBeTruthy()
    expect(fetch.calls).toEqual([])
    act(() => screen.getByText('open').click())
    await screen.findByText('161 models')
    expect(fetch.calls).toHaveLength(1)
  })

  it('select: the derived data keeps its identity across re-renders and while a refresh runs; isFetching is true meanwhile', async () => {
    const { fetch, hold, release } = heldFetch()
    const shared = client(fetch)
    const calls: ModelReferenceResult<'image_generation'>[] = []
    const names = (result: ModelReferenceResult<'image_generation'>): string[] => (calls.push(result), Object.keys(result.models).sort())
    const seen: ModelReferenceState<'image_generation', string[]>[] = []
    let rerender!: () => void
    function Names() {
      const [, setTick] = useState(0)
      rerender = () => setTick((tick) => tick + 1)
      const state = useModelReference('image_generation', { select: names })
      seen.push(state)
      return <p>{state.status === 'success' ? `${state.data.length} names${state.isFetching ? ' refreshing' : ''}` : state.status}</p>
    }
    render(
      <ModelReferenceProvider client={shared}>
        <Names />
      </ModelReferenceProvider>,
    )
    await screen.findByText('161 names')
    const loaded = seen[seen.length - 1]!
    act(() => rerender())
    act(() => rerender())
    // Re-renders with nothing new: the same state object, the same data, no select call.
    expect(seen[seen.length - 1]).toBe(loaded)
    expect(calls).toHaveLength(1)

    hold()
    let refreshed!: Promise<unknown>
    act(() => {
      refreshed = shared.refresh('image_generation')
    })
    await screen.findByText('161 names refreshing')
    const refreshing = seen[seen.length - 1]!
    expect(refreshing.isFetching).toBe(true)
    expect(refreshing.data).toBe(loaded.data)
    expect(calls).toHaveLength(1)
    release()
    await act(async () => {
      await refreshed
    })
    await screen.findByText('161 names')
    // The refresh landed a new result (a new fetchedAt): select ran once more for it.
    const after = seen[seen.length - 1]!
    expect(after.result === loaded.result ? 1 : 2).toBe(calls.length)
  })

  it('select: a new function derives again', async () => {
    function Picked({ reverse }: { reverse: boolean }) {
      const { data } = useModelReference('blip', { select: reverse ? reversed : forward })
      return <p>{data?.join(',') ?? 'none'}</p>
    }
    const forward = (result: ModelReferenceResult<'blip'>) => Object.keys(result.models)
    const reversed = (result: ModelReferenceResult<'blip'>) => Object.keys(result.models).reverse()
    const shared = client(fixtureFetch())
    const view = render(
      <ModelReferenceProvider client={shared}>
        <Picked reverse={false} />
      </ModelReferenceProvider>,
    )
    await screen.findByText('BLIP,BLIP_Large')
    view.rerender(
      <ModelReferenceProvider client={shared}>
        <Picked reverse />
      </ModelReferenceProvider>,
    )
    expect(screen.getByText('BLIP_Large,BLIP')).toBeTruthy()
  })
})

describe('useSuspenseModelReference', () => {
  function Loaded() {
    const { models, data, status } = useSuspenseModelReference('image_generation')
    return <p>{`${status}: ${Object.keys(models).length}/${Object.keys(data).length}`}</p>
  }

  it('suspends while loading, then renders defined data', async () => {
    render(
      <ModelReferenceProvider client={client(fixtureFetch())}>
        <Suspense fallback={<p>suspended</p>}>
          <Loaded />
        </Suspense>
      </ModelReferenceProvider>,
    )
    expect(screen.getByText('suspended')).toBeTruthy()
    await screen.findByText('success: 161/161')
  })

  it('renders a cached copy at once, and throws a failed load to the error boundary', async () => {
    const shared = client(fixtureFetch())
    await shared.getModelReference('image_generation')
    render(
      <ModelReferenceProvider client={shared}>
        <Loaded />
      </ModelReferenceProvider>,
    )
    expect(screen.getByText('success: 161/161')).toBeTruthy()
    cleanup()
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    render(
      <ModelReferenceProvider client={client(fixtureFetch({ fail: true }))}>
        <Boundary>
          <Suspense fallback={<p>suspended</p>}>
            <Loaded />
          </Suspense>
        </Boundary>
      </ModelReferenceProvider>,
    )
    await screen.findByText('caught: SourcesUnavailableError')
    quiet.mockRestore()
  })
})
