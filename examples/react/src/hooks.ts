import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react'
import type { ModelMap, ModelReferenceCategory, ModelReferenceClient, ModelReferenceResult, RecordFor } from '@horde-model-reference/core'

/** What the hooks use of a client (`createModelReferenceClient`) or of the `ModelReferenceManager`. */
export type ModelReferenceReader = Pick<ModelReferenceClient, 'peek' | 'subscribe' | 'getModelReferenceResult' | 'refresh'>

const ClientContext = createContext<ModelReferenceReader | null>(null)

/**
 * Makes a client (or the manager) available to the hooks below it.
 *
 * @example
 * ```tsx
 * <ModelReferenceProvider client={createModelReferenceClient()}><App /></ModelReferenceProvider>
 * ```
 */
export function ModelReferenceProvider(props: { client: ModelReferenceReader; children?: ReactNode }): ReactNode {
  return createElement(ClientContext.Provider, { value: props.client }, props.children)
}

/** Options of {@link useModelReference} and {@link useModel}. */
export interface UseModelReferenceOptions<C extends ModelReferenceCategory> {
  /** The client to read; the {@link ModelReferenceProvider}'s by default. */
  client?: ModelReferenceReader
  /** Suspend (throw a promise) while nothing is loaded, and throw the error to an error boundary. @default false */
  suspense?: boolean
  /**
   * The result rendered on the server and during hydration (serialize it from your server).
   * Without it, server rendering shows the loading state. Pass the same object on every render.
   */
  serverResult?: ModelReferenceResult<C>
}

/** What {@link useModelReference} returns. */
export interface ModelReferenceState<C extends ModelReferenceCategory> {
  /** `loading` until a copy is there; `error` when loading failed and nothing is cached. */
  readonly status: 'loading' | 'success' | 'error'
  readonly result: ModelReferenceResult<C> | undefined
  readonly models: ModelMap<C> | undefined
  /** The copy is past its TTL (a refresh is running, or failed: see `result.error`). */
  readonly stale: boolean
  readonly error: unknown
  /** Fetches now; the component re-renders when the data lands. */
  refresh(): Promise<unknown>
}

// Suspense needs the same promise on every render until it settles, and then its error once.
const suspended = new WeakMap<object, Map<string, { promise: Promise<unknown>; error?: { value: unknown } }>>()

function suspend(client: ModelReferenceReader, category: ModelReferenceCategory): never {
  let byCategory = suspended.get(client)
  if (byCategory === undefined) suspended.set(client, (byCategory = new Map()))
  let entry = byCategory.get(category)
  if (entry?.error !== undefined) {
    byCategory.delete(category)
    throw entry.error.value
  }
  if (entry === undefined) {
    const created: { promise: Promise<unknown>; error?: { value: unknown } } = {
      promise: client.getModelReferenceResult(category).then(
        () => byCategory.delete(category),
        (error: unknown) => {
          created.error = { value: error }
        },
      ),
    }
    byCategory.set(category, (entry = created))
  }
  throw entry.promise
}

/**
 * A category's records, kept up to date: the component re-renders when new data lands (a
 * refresh, a background revalidation, another tab). Server rendering uses `serverResult` (or
 * the loading state) and never fetches.
 *
 * @example
 * ```tsx
 * const { status, models, stale } = useModelReference('image_generation')
 * ```
 */
export function useModelReference<C extends ModelReferenceCategory>(category: C, options: UseModelReferenceOptions<C> = {}): ModelReferenceState<C> {
  const fromContext = useContext(ClientContext)
  const client = options.client ?? fromContext
  if (client === null) throw new Error('useModelReference needs a client: render it inside <ModelReferenceProvider client={...}>, or pass { client }.')
  const subscribe = useCallback((onChange: () => void) => client.subscribe(category, onChange), [client, category])
  const { serverResult } = options
  const result = useSyncExternalStore(
    subscribe,
    () => client.peek(category),
    // A stable snapshot for the server and for hydration: never the live one.
    () => serverResult,
  )
  const [failure, setFailure] = useState<{ category: C; error: unknown }>()
  const needsLoad = result === undefined || result.stale
  useEffect(() => {
    if (!needsLoad) return
    let active = true
    client.getModelReferenceResult(category).then(
      () => active && setFailure(undefined),
      (error: unknown) => active && setFailure({ category, error }),
    )
    return () => {
      active = false
    }
  }, [client, category, needsLoad])
  const error = failure?.category === category ? failure.error : undefined
  if (options.suspense === true && result === undefined) suspend(client, category)
  return {
    status: result !== undefined ? 'success' : error !== undefined ? 'error' : 'loading',
    result,
    models: result?.models,
    stale: result?.stale ?? false,
    error,
    refresh: () => client.refresh(category),
  }
}

/** What {@link useModel} returns: the category's state plus the one record (or `undefined`). */
export interface ModelState<C extends ModelReferenceCategory> extends ModelReferenceState<C> {
  readonly model: RecordFor<C> | undefined
}

/**
 * One model of a category, by name, kept up to date like {@link useModelReference}.
 *
 * @example
 * ```tsx
 * const { model } = useModel('image_generation', 'AlbedoBase XL (SDXL)')
 * ```
 */
export function useModel<C extends ModelReferenceCategory>(category: C, name: string, options?: UseModelReferenceOptions<C>): ModelState<C> {
  const state = useModelReference(category, options)
  const models = state.models as Readonly<Record<string, RecordFor<C>>> | undefined
  return { ...state, model: models !== undefined && Object.prototype.hasOwnProperty.call(models, name) ? models[name] : undefined }
}
