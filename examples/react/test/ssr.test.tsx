import { renderToString } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { createModelReferenceClient, type FetchFunction, type ModelReferenceResult } from '@horde-model-reference/core'
import { ModelReferenceProvider, useModelAvailability, useModelReference, useModelSearch } from '../src/hooks.js'

function Count() {
  const { status, models } = useModelReference('blip')
  return <p>{status === 'success' ? `${Object.keys(models!).length} models` : status}</p>
}

describe('server rendering', () => {
  it('renders the loading state and fetches nothing', () => {
    const calls: string[] = []
    const fetch = (async (request: Request) => {
      calls.push(request.url)
      return new Response('{}')
    }) as FetchFunction
    const html = renderToString(
      <ModelReferenceProvider client={createModelReferenceClient({ fetch })}>
        <Count />
      </ModelReferenceProvider>,
    )
    expect(html).toBe('<p>loading</p>')
    expect(calls).toEqual([])
  })

  it('renders a result serialized from the server (a stable server snapshot)', () => {
    const serverResult = {
      category: 'blip',
      models: { BLIP: { name: 'BLIP' } },
      source: 'primary',
      fetchedAt: 0,
      stale: false,
      issues: [],
    } as unknown as ModelReferenceResult<'blip'>
    function FromServer() {
      const { models } = useModelReference('blip', { serverResult })
      return <p>{models ? Object.keys(models).join(',') : 'none'}</p>
    }
    const html = renderToString(
      <ModelReferenceProvider client={createModelReferenceClient()}>
        <FromServer />
      </ModelReferenceProvider>,
    )
    expect(html).toBe('<p>BLIP</p>')
  })

  it('renders the availability and search hooks as loading, and fetches nothing', () => {
    const calls: string[] = []
    const fetch = (async (request: Request) => {
      calls.push(request.url)
      return new Response('[]')
    }) as FetchFunction
    function Both() {
      const live = useModelAvailability('image_generation')
      const found = useModelSearch('image_generation', 'pony')
      return <p>{`${live.status} ${found.status}`}</p>
    }
    const html = renderToString(
      <ModelReferenceProvider client={createModelReferenceClient({ fetch })}>
        <Both />
      </ModelReferenceProvider>,
    )
    expect(html).toBe('<p>loading loading</p>')
    expect(calls).toEqual([])
  })
})
