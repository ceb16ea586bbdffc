// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createModelReferenceClient, type FetchFunction, type ModelReferenceClient } from '@horde-model-reference/core'
import { fixtureJson, fixtureText } from '../../../e2e/fixtures.js'
import { README_HORDE_API } from '../../../e2e/readme/horde-api.js'
import { ModelReferenceProvider, useModelAvailability, type HordeCategory, type ModelAvailabilityState } from '../src/hooks.js'

// An injected fetch for the reference (the fixtures) and the AI Horde's `/v2/status/models`
// (bodies the test sets, in the public API's shape), as in hooks.test.tsx: fast, and free of
// happy-dom's CORS emulation. Chromium runs the demo against the loopback server (e2e/).
const HORDE = 'http://horde.test/api'
const IMAGE_STATUS = README_HORDE_API.status!.image as { name: string; count: number }[]

interface Served {
  /** The image status body (a list), or a status code to fail with. */
  image: unknown
  text: unknown
  /** The image reference body; the fixture by default. */
  reference?: string
  /** Held until opened. */
  gate?: Promise<void>
}

function servingFetch(served: Served): FetchFunction & { calls: string[]; requests: Request[] } {
  const calls: string[] = []
  const requests: Request[] = []
  const fetch = (async (request: Request) => {
    calls.push(request.url)
    requests.push(request)
    const url = new URL(request.url)
    if (url.href.startsWith(HORDE)) {
      await served.gate
      const body = url.searchParams.get('type') === 'text' ? served.text : served.image
      if (typeof body === 'number') return new Response('down', { status: body })
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })
    }
    const category = /\/v2\/([^/]+)$/.exec(url.pathname)?.[1]
    if (category === undefined) return new Response('not found', { status: 404 })
    const text = category === 'image_generation' ? (served.reference ?? fixtureText('derived-v2/stable_diffusion.json')) : fixtureText(`derived-v2/${category}.json`)
    return new Response(text, { headers: { 'content-type': 'application/json' } })
  }) as FetchFunction & { calls: string[]; requests: Request[] }
  fetch.calls = calls
  fetch.requests = requests
  return fetch
}

const hordeCalls = (fetch: { calls: string[] }): string[] => fetch.calls.filter((url) => url.startsWith(HORDE))

function client(fetch: FetchFunction, extra = {}): ModelReferenceClient {
  return createModelReferenceClient({ primaryUrl: 'http://mirror.test/api', hordeApiUrl: HORDE, githubFallback: false, retries: 0, fetch, ...extra })
}

afterEach(cleanup)

// Renders what the hook returns as one line, and counts renders.
function Live({ category = 'image_generation', name, refreshIntervalMs, seen }: { category?: HordeCategory; name: string; refreshIntervalMs?: number; seen?: ModelAvailabilityState<HordeCategory>[] }) {
  const live = useModelAvailability(category, { ...(refreshIntervalMs !== undefined && { refreshIntervalMs }) })
  seen?.push(live)
  if (live.status === 'loading') return <p>loading</p>
  if (live.status === 'error') return <p>error: {live.error.name}</p>
  const model = live.availability.byName[name]
  return (
    <p>
      {model === undefined ? 'no such model' : `${name}: ${model.workerCount} workers`} · {live.availability.models.length} models, {live.availability.availableCount} available
      {live.stale ? ' (stale)' : ''}
      {live.error ? ` · ${live.error.name}` : ''}
    </p>
  )
}

describe('useModelAvailability', () => {
  it('goes from loading to every model with its worker count from the Horde', async () => {
    let open!: () => void
    const fetch = servingFetch({ image: IMAGE_STATUS, text: [], gate: new Promise((resolve) => (open = resolve)) })
    render(
      <ModelReferenceProvider client={client(fetch)}>
        <Live name="AlbedoBase XL (SDXL)" />
        <Live name="Deliberate" />
        <Live name="Dreamshaper" />
        <Live name="Dreamlike Diffusion" />
      </ModelReferenceProvider>,
    )
    expect(screen.getAllByText('loading')).toHaveLength(4)
    open()
    // Three of the reference's models have workers in README_HORDE_API; the unlisted one does not count.
    await screen.findByText('AlbedoBase XL (SDXL): 14 workers · 161 models, 3 available')
    expect(screen.getByText('Deliberate: 9 workers · 161 models, 3 available')).toBeTruthy()
    // Listed by the Horde with no worker, and not listed at all: both 0.
    expect(screen.getByText('Dreamshaper: 0 workers · 161 models, 3 available')).toBeTruthy()
    expect(screen.getByText('Dreamlike Diffusion: 0 workers · 161 models, 3 available')).toBeTruthy()
    // Four components, one request to the Horde (the client caches its answer).
    expect(hordeCalls(fetch)).toHaveLength(1)
  })

  it('reads text models, backend variants added up, and follows a change of category', async () => {
    const fetch = servingFetch({ image: IMAGE_STATUS, text: README_HORDE_API.status!.text })
    const shared = client(fetch)
    const { rerender } = render(
      <ModelReferenceProvider client={shared}>
        <Live category="text_generation" name="anthracite-org/magnum-12b-v2" />
      </ModelReferenceProvider>,
    )
    const textModels = Object.keys(fixtureJson('derived-v2/text_generation.json') as object).length
    await screen.findByText(`anthracite-org/magnum-12b-v2: 5 workers · ${textModels} models, 1 available`)
    rerender(
      <ModelReferenceProvider client={shared}>
        <Live category="image_generation" name="Pony Diffusion XL" />
      </ModelReferenceProvider>,
    )
    // Never the text numbers under the image category: loading until the image read lands.
    expect(screen.getByText('loading')).toBeTruthy()
    await screen.findByText('Pony Diffusion XL: 6 workers · 161 models, 3 available')
  })

  it('re-renders when the Horde numbers change (refreshIntervalMs), and when the reference copy changes', async () => {
    const served: Served = { image: IMAGE_STATUS, text: [] }
    const fetch = servingFetch(served)
    // A TTL shorter than the interval: every timed read asks the Horde again.
    const shared = client(fetch, { hordeApiTtlSeconds: 0.01 })
    render(
      <ModelReferenceProvider client={shared}>
        <Live name="AlbedoBase XL (SDXL)" refreshIntervalMs={20} />
      </ModelReferenceProvider>,
    )
    await screen.findByText('AlbedoBase XL (SDXL): 14 workers · 161 models, 3 available')
    served.image = IMAGE_STATUS.map((entry) => (entry.name === 'AlbedoBase XL (SDXL)' ? { ...entry, count: 20 } : entry.name === 'Dreamshaper' ? { ...entry, count: 1 } : entry))
    await screen.findByText('AlbedoBase XL (SDXL): 20 workers · 161 models, 4 available')

    // A new reference copy (one model fewer) lands: the hook reads again at once.
    const records = fixtureJson('derived-v2/stable_diffusion.json') as Record<string, unknown>
    const { Deliberate: _removed, ...fewer } = records
    served.reference = JSON.stringify(fewer)
    await act(async () => {
      await shared.refresh('image_generation')
    })
    await screen.findByText('AlbedoBase XL (SDXL): 20 workers · 160 models, 3 available')
  })

  it('keeps the same object, and does not re-render, while nothing changed', async () => {
    const fetch = servingFetch({ image: IMAGE_STATUS, text: [] })
    const seen: ModelAvailabilityState<HordeCategory>[] = []
    // The default TTL (60 s): the timed reads are cache hits giving the same result object.
    render(
      <ModelReferenceProvider client={client(fetch)}>
        <Live name="Deliberate" refreshIntervalMs={10} seen={seen} />
      </ModelReferenceProvider>,
    )
    await screen.findByText('Deliberate: 9 workers · 161 models, 3 available')
    const renders = seen.length
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(seen.length).toBe(renders)
    expect(hordeCalls(fetch)).toHaveLength(1)
    const successes = seen.filter((state) => state.status === 'success')
    expect(new Set(successes.map((state) => state.availability)).size).toBe(1)
  })

  it('keeps the last availability and reports the error when a refresh of the Horde fails', async () => {
    const served: Served = { image: IMAGE_STATUS, text: [] }
    const fetch = servingFetch(served)
    render(
      <ModelReferenceProvider client={client(fetch, { hordeApiTtlSeconds: 0.01 })}>
        <Live name="AlbedoBase XL (SDXL)" refreshIntervalMs={20} />
      </ModelReferenceProvider>,
    )
    await screen.findByText('AlbedoBase XL (SDXL): 14 workers · 161 models, 3 available')
    served.image = 503
    await screen.findByText('AlbedoBase XL (SDXL): 14 workers · 161 models, 3 available (stale) · SourcesUnavailableError')
    // It recovers once the Horde answers again.
    served.image = IMAGE_STATUS.map((entry) => ({ ...entry, count: entry.count + 1 }))
    await screen.findByText('AlbedoBase XL (SDXL): 15 workers · 161 models, 4 available')
  })

  it('keeps the last availability when a whole read rejects (nothing the client could serve)', async () => {
    const served: Served = { image: IMAGE_STATUS, text: [] }
    const fetch = servingFetch(served)
    // maxStaleSeconds 0: a failed refresh serves nothing stale, so getModelAvailability rejects.
    render(
      <ModelReferenceProvider client={client(fetch, { hordeApiTtlSeconds: 0.01, maxStaleSeconds: 0 })}>
        <Live name="Deliberate" refreshIntervalMs={20} />
      </ModelReferenceProvider>,
    )
    await screen.findByText('Deliberate: 9 workers · 161 models, 3 available')
    served.image = 503
    await screen.findByText(/^Deliberate: 9 workers · 161 models, 3 available \(stale\) · \w+Error$/)
  })

  it("shows 'error' when the first read fails", async () => {
    render(
      <ModelReferenceProvider client={client(servingFetch({ image: 503, text: [] }))}>
        <Live name="Deliberate" refreshIntervalMs={0} />
      </ModelReferenceProvider>,
    )
    await screen.findByText('error: SourcesUnavailableError')
  })

  it('aborts the read in flight on unmount, stops its timer, and updates nothing afterwards', async () => {
    let open!: () => void
    const fetch = servingFetch({ image: IMAGE_STATUS, text: [], gate: new Promise((resolve) => (open = resolve)) })
    const errors = vi.spyOn(console, 'error')
    const seen: ModelAvailabilityState<HordeCategory>[] = []
    const { unmount } = render(
      <ModelReferenceProvider client={client(fetch, { hordeApiTtlSeconds: 0 })}>
        <Live name="Deliberate" refreshIntervalMs={10} seen={seen} />
      </ModelReferenceProvider>,
    )
    await waitFor(() => expect(hordeCalls(fetch)).toHaveLength(1))
    const horde = fetch.requests.find((request) => request.url.startsWith(HORDE))!
    expect(horde.signal.aborted).toBe(false)
    unmount()
    // The hook was the Horde request's only reader: aborting its read cancels the request.
    await waitFor(() => expect(horde.signal.aborted).toBe(true))
    const renders = seen.length
    open()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(seen.length).toBe(renders)
    expect(seen.every((state) => state.status === 'loading')).toBe(true)
    // No timed read after unmount.
    expect(hordeCalls(fetch)).toHaveLength(1)
    expect(errors).not.toHaveBeenCalled()
    errors.mockRestore()
  })

  it('explains a missing client', () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      expect(() => render(<Live name="x" />)).toThrow(/useModelAvailability needs a client/)
    } finally {
      quiet.mockRestore()
    }
  })
})
