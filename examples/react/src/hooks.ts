import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react'
import type { CategoryState, ModelMap, ModelReferenceCategory, ModelReferenceClient, ModelReferenceResult, RecordFor } from '@horde-model-reference/core'

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

/** What {@link useModelReference} returns: the core's {@link CategoryState} plus shortcuts. */
export type ModelReferenceState<C extends ModelReferenceCategory> = CategoryState<C> & {
  /** `result.models`, when there is a result. */
  readonly models: ModelMap<C> | undefined
  /** The copy is past its TTL (a refresh is running, or failed: see `error`). */
  readonly stale: boolean
  /** Fetches now; the component re-renders when the data lands. */
  refresh(): Promise<unknown>
}

// Suspense needs the same promise on every render until it settles.
const pending = new WeakMap<object, Map<string, Promise<unknown>>>()

function suspend(client: ModelReferenceReader, category: ModelReferenceCategory): never {
  let byCategory = pending.get(client)
  if (byCategory === undefined) pending.set(client, (byCategory = new Map()))
  let promise = byCategory.get(category)
  if (promise === undefined) {
    promise = client.getModelReferenceResult(category).then(
      () => byCategory.delete(category),
      () => byCategory.delete(category),
    )
    byCategory.set(category, promise)
  }
  throw promise
}

const LOADING = new Map<string, CategoryState>()
function loadingState(category: ModelReferenceCategory): CategoryState {
  let state = LOADING.get(category)
  if (state === undefined) LOADING.set(category, (state = Object.freeze({ status: 'loading', category, result: undefined, error: undefined, isFetching: false })))
  return state
}

/**
 * A category's records, kept up to date: the component re-renders when new data lands (a
 * refresh, a background revalidation, another tab) and when a load fails. All state lives in
 * the client (`peek`/`subscribe`); the hook only asks it to load what is missing or stale.
 * Server rendering uses `serverResult` (or the loading state) and never fetches.
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
  // A stable snapshot for the server and for hydration: never the live one.
  const serverState = useMemo<CategoryState>(
    () => (serverResult === undefined ? loadingState(category) : Object.freeze({ status: 'success', category, result: serverResult, error: undefined, isFetching: false })),
    [serverResult, category],
  )
  const state = useSyncExternalStore(
    subscribe,
    () => client.peek(category),
    () => serverState,
  ) as CategoryState<C>
  const needsLoad = state.status !== 'success' || state.result.stale
  useEffect(() => {
    // A failure is in the client's state (status 'error'); nothing is kept here.
    if (needsLoad) client.getModelReferenceResult(category).catch(() => undefined)
  }, [client, category, needsLoad])
  if (options.suspense === true && state.status !== 'success') {
    if (state.status === 'error') throw state.error
    suspend(client, category)
  }
  return { ...state, models: state.result?.models, stale: state.result?.stale ?? false, refresh: () => client.refresh(category) }
}

/** What {@link useModel} returns: the category's state plus the one record (or `undefined`). */
export type ModelState<C extends ModelReferenceCategory> = ModelReferenceState<C> & {
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
