import { useEffect } from 'react'
import { useModelReference } from '../src/hooks.js'

declare global {
  interface Window {
    /** Every state the page committed, in order (the test reads it). */
    renderedStates?: string[]
  }
}

/** What the server renders and the browser hydrates: the image model count, or the state. */
export function Picker() {
  const state = useModelReference('image_generation')
  const label = state.status === 'success' ? `success:${Object.keys(state.models).length}` : state.status
  // Each committed state, once (the test asserts the sequence).
  useEffect(() => {
    if (typeof window !== 'undefined') (window.renderedStates ??= []).push(label)
  }, [label])
  return <p id="models">{state.status === 'success' ? `${Object.keys(state.models).length} image models` : state.status === 'error' ? 'could not load' : 'loading'}</p>
}
