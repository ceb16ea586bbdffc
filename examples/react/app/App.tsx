import { useMemo, useState } from 'react'
import { useModel, useModelReference } from '../src/hooks.js'

function ModelDetails({ name }: { name: string }) {
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
    </dl>
  )
}

/** A model picker: filter image models by baseline, pick one, see its details. */
export function App() {
  const { status, models, stale, result, error } = useModelReference('image_generation')
  const [baseline, setBaseline] = useState('')
  const [picked, setPicked] = useState('')
  const all = useMemo(() => (models ? Object.values(models) : []), [models])
  const baselines = useMemo(() => [...new Set(all.map((m) => m.baseline))].sort(), [all])
  const shown = baseline === '' ? all : all.filter((m) => m.baseline === baseline)

  if (status === 'loading') return <p id="status">Loading image models…</p>
  if (status === 'error') return <p id="status" role="alert">Could not load the model reference: {String((error as Error)?.message ?? error)}</p>
  return (
    <main>
      <h1>Model picker</h1>
      <p id="status" data-source={result?.source} data-stale={String(stale)}>
        {all.length} image models from {result?.source}
        {stale ? ' (stale, refreshing)' : ''}
      </p>
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
          {shown.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      {picked !== '' && <ModelDetails name={picked} />}
    </main>
  )
}
