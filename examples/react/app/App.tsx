import { pickAvailableModel, type ModelAvailabilityResult } from '@horde-model-reference/core/availability'
import type { ImageGenerationQuery } from '@horde-model-reference/core/query'
import { useCallback, useMemo, useState } from 'react'
import { useModel, useModelAvailability, useModelReference, useModelSearch, type ModelAvailabilityState } from '../src/hooks.js'

type Live = ModelAvailabilityState<'image_generation'>

/** "14 workers", "1 worker", "0 workers"; `undefined` while the live numbers are not there. */
function workersText(live: Live, name: string): string | undefined {
  if (live.status !== 'success') return undefined
  const count = live.availability.byName[name]?.workerCount ?? 0
  return `${count} ${count === 1 ? 'worker' : 'workers'}`
}

function ModelDetails({ name, live }: { name: string; live: Live }) {
  const { model } = useModel('image_generation', name)
  if (model === undefined) return null
  return (
    <dl id="details">
      <dt>Name</dt>
      <dd>{model.name}</dd>
      <dt>Baseline</dt>
      <dd>{model.baseline}</dd>
      <dt>Style</dt>
      <dd>{model.style ?? '—'}</dd>
      <dt>NSFW</dt>
      <dd>{model.nsfw ? 'yes' : 'no'}</dd>
      <dt>Files</dt>
      <dd>{model.config.download.map((file) => file.file_name).join(', ') || '—'}</dd>
      <dt>Workers</dt>
      <dd id="details-workers">{workersText(live, model.name) ?? '—'}</dd>
    </dl>
  )
}

function LiveStatus({ live }: { live: Live }) {
  if (live.status === 'loading') return <p id="live" data-status="loading">Live numbers: loading…</p>
  if (live.status === 'error') return <p id="live" data-status="error">Live numbers unavailable: {live.error.message}</p>
  const { availableCount, models } = live.availability
  return (
    <p id="live" data-status="success" data-stale={String(live.stale)} data-available={availableCount}>
      {availableCount} of {models.length} models have workers now
      {live.error ? ` (stale: ${live.error.message})` : live.stale ? ' (stale)' : ''}
    </p>
  )
}

const pickFrom = (availability: ModelAvailabilityResult<'image_generation'>, names: ReadonlySet<string>): string | undefined =>
  pickAvailableModel(availability, { filter: (model) => names.has(model.name) })?.name

/**
 * A model picker: search image models as you type (ranked by the core's matcher), filter them by
 * baseline, see how many AI Horde workers serve each, pick one (or a random one that has workers
 * now), see its details.
 */
export function App() {
  const { status, models, stale, result, error } = useModelReference('image_generation')
  const [text, setText] = useState('')
  const [baseline, setBaseline] = useState('')
  const [picked, setPicked] = useState('')
  const live = useModelAvailability('image_generation')
  // The baseline filter as a refinement of the search query: stable until the baseline changes.
  const refine = useCallback((q: ImageGenerationQuery) => (baseline === '' ? q : q.where('baseline', '=', baseline)), [baseline])
  const found = useModelSearch('image_generation', text, { refine })
  const all = useMemo(() => (models ? Object.values(models) : []), [models])
  const baselines = useMemo(() => [...new Set(all.map((m) => m.baseline))].sort(), [all])
  const shown = found.status === 'success' ? found.models : []
  const shownNames = useMemo(() => new Set(shown.map((m) => m.name)), [shown])
  const canPick = live.status === 'success' && live.availability.models.some((m) => m.available && shownNames.has(m.name))

  if (status === 'loading') return <p id="status">Loading image models…</p>
  if (status === 'error') return <p id="status" role="alert">Could not load the model reference: {error.message}</p>
  return (
    <main>
      <h1>Model picker</h1>
      <p id="status" data-source={result.source} data-stale={String(stale)}>
        {all.length} image models from {result.source}
        {stale ? ' (stale, refreshing)' : ''}
      </p>
      <LiveStatus live={live} />
      <label>
        Search{' '}
        <input id="search" type="search" value={text} placeholder="name, baseline, style, tags" autoComplete="off" onChange={(event) => setText(event.target.value)} />
      </label>{' '}
      <label>
        Baseline{' '}
        <select id="baseline" value={baseline} onChange={(event) => setBaseline(event.target.value)}>
          <option value="">all</option>
          {baselines.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        Model{' '}
        <select id="model" value={picked} onChange={(event) => setPicked(event.target.value)} data-count={shown.length}>
          <option value="">choose one of {shown.length}</option>
          {shown.map((m) => {
            const workers = workersText(live, m.name)
            return (
              <option key={m.name} value={m.name} data-workers={live.status === 'success' ? (live.availability.byName[m.name]?.workerCount ?? 0) : undefined}>
                {workers === undefined ? m.name : `${m.name} — ${workers}`}
              </option>
            )
          })}
        </select>
      </label>{' '}
      <button
        id="random"
        type="button"
        disabled={!canPick}
        onClick={() => {
          if (live.status !== 'success') return
          const name = pickFrom(live.availability, shownNames)
          if (name !== undefined) setPicked(name)
        }}
      >
        Random available model
      </button>
      {found.status === 'error' && (
        <p id="search-error" role="alert">
          {found.error.message}
        </p>
      )}
      {picked !== '' && <ModelDetails name={picked} live={live} />}
    </main>
  )
}
