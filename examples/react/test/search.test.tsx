// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { createModelReferenceClient, type FetchFunction, type ImageGenerationModelRecord } from '@horde-model-reference/core'
import { buildSearchIndex, searchIndex, type ImageGenerationQuery } from '@horde-model-reference/core/query'
import { fixtureJson, fixtureText } from '../../../e2e/fixtures.js'
import { ModelReferenceProvider, useModelSearch, type ModelSearchState } from '../src/hooks.js'

let reference = (): string => fixtureText('derived-v2/stable_diffusion.json')
const fixtureFetch = (async (request: Request) => {
  const category = /\/v2\/([^/]+)$/.exec(new URL(request.url).pathname)?.[1]
  const text = category === 'image_generation' ? reference() : fixtureText(`derived-v2/${category}.json`)
  return new Response(text, { headers: { 'content-type': 'application/json' } })
}) as FetchFunction

const client = () => createModelReferenceClient({ primaryUrl: 'http://mirror.test/api', githubFallback: false, retries: 0, fetch: fixtureFetch })

const records = Object.values(fixtureJson('derived-v2/stable_diffusion.json') as Record<string, ImageGenerationModelRecord>)
// What `query().search(text)` ranks first, computed with the matcher itself (best score first, ties in reference order).
const ranked = (text: string, keep: (record: ImageGenerationModelRecord) => boolean = () => true): string[] =>
  searchIndex(buildSearchIndex(records), text)
    .filter((hit) => keep(hit.record))
    .map((hit) => hit.record.name)

afterEach(() => {
  cleanup()
  reference = () => fixtureText('derived-v2/stable_diffusion.json')
})

const noNsfw = (q: ImageGenerationQuery) => q.excludeNsfw()
const misspelt = (q: ImageGenerationQuery) => q.where('no_such_field' as never, '=', 1)

function Search({ text, limit, refine, seen }: { text: string; limit?: number; refine?: (q: ImageGenerationQuery) => ImageGenerationQuery; seen: ModelSearchState<'image_generation'>[] }) {
  const found = useModelSearch('image_generation', text, { ...(limit !== undefined && { limit }), ...(refine !== undefined && { refine }) })
  seen.push(found)
  if (found.status === 'loading') return <p>loading</p>
  if (found.status === 'error') return <p>error: {found.error.name}</p>
  return <p>{found.models.length} found</p>
}

function mount(props: Omit<Parameters<typeof Search>[0], 'seen'>) {
  const seen: ModelSearchState<'image_generation'>[] = []
  const shared = client()
  const view = render(
    <ModelReferenceProvider client={shared}>
      <Search {...props} seen={seen} />
    </ModelReferenceProvider>,
  )
  const rerender = (next: Omit<Parameters<typeof Search>[0], 'seen'>) =>
    view.rerender(
      <ModelReferenceProvider client={shared}>
        <Search {...next} seen={seen} />
      </ModelReferenceProvider>,
    )
  const last = () => seen[seen.length - 1]!
  const names = () => {
    const state = last()
    return state.status === 'success' ? state.models.map((m) => m.name) : state.status
  }
  return { seen, shared, rerender, last, names }
}

describe('useModelSearch', () => {
  it('is loading, then gives every model in reference order for an empty text', async () => {
    const { names } = mount({ text: '' })
    expect(names()).toBe('loading')
    await screen.findByText('161 found')
    expect(names()).toEqual(records.map((r) => r.name))
  })

  it('ranks the results of each new text in the same render, as the matcher does', async () => {
    const { rerender, names, last } = mount({ text: '' })
    await screen.findByText('161 found')
    for (const text of ['pony xl', 'deliberat', 'PONY', 'albedo base xl', 'flux']) {
      // Synchronous: the render that gets the text already has its results.
      act(() => rerender({ text }))
      expect(last().text).toBe(text)
      expect(names()).toEqual(ranked(text))
      expect((names() as string[]).length).toBeGreaterThan(0)
    }
    expect(ranked('pony xl').slice(0, 3)).toContain('Pony Diffusion XL')
    expect(ranked('deliberat')[0]).toBe('Deliberate')
    act(() => rerender({ text: 'zzzz qqqq' }))
    expect(names()).toEqual([])
    act(() => rerender({ text: '' }))
    expect((names() as string[]).length).toBe(161)
  })

  it('applies refine and limit after the search', async () => {
    const { rerender, names } = mount({ text: 'pony', refine: noNsfw })
    await screen.findByText(/ found$/)
    const expected = ranked('pony', (r) => !r.nsfw)
    expect(expected.length).toBeLessThan(ranked('pony').length)
    expect(names()).toEqual(expected)
    act(() => rerender({ text: 'pony', refine: noNsfw, limit: 3 }))
    expect(names()).toEqual(expected.slice(0, 3))
    act(() => rerender({ text: '', limit: 5 }))
    expect(names()).toEqual(records.slice(0, 5).map((r) => r.name))
  })

  it("reports a wrong query (a field no record has) as 'error', not as no results", async () => {
    mount({ text: 'pony', refine: misspelt })
    await screen.findByText('error: UnknownFieldError')
  })

  it('gives the same array while neither the text nor the copy changes, and runs again on a new copy', async () => {
    const { rerender, seen, shared, names } = mount({ text: 'deliberate', refine: noNsfw })
    await screen.findByText(/ found$/)
    const first = seen[seen.length - 1]!
    act(() => rerender({ text: 'deliberate', refine: noNsfw }))
    expect(seen[seen.length - 1]).toBe(first)
    // A new copy without "Deliberate": the search runs over it.
    reference = () => {
      const { Deliberate: _gone, ...rest } = fixtureJson('derived-v2/stable_diffusion.json') as Record<string, unknown>
      return JSON.stringify(rest)
    }
    await act(async () => {
      await shared.refresh('image_generation')
    })
    expect(names()).not.toContain('Deliberate')
    expect(names()).toEqual(ranked('deliberate', (r) => !r.nsfw && r.name !== 'Deliberate'))
  })
})
