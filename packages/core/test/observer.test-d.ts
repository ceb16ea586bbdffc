import { describe, expectTypeOf, it } from 'vitest'
import { createModelReferenceClient, ModelReferenceManager, type ModelMap, type ModelReferenceResult } from '../src/index.js'
import { createCategoryObserver, type CategoryObserver, type CategoryObserverState } from '../src/observer.js'

describe('observer types', () => {
  it('narrows data on status, infers select, takes a client or the manager', () => {
    const observer = createCategoryObserver(createModelReferenceClient(), 'image_generation')
    expectTypeOf(observer).toEqualTypeOf<CategoryObserver<'image_generation', ModelMap<'image_generation'>>>()
    const state = observer.getSnapshot()
    expectTypeOf(state).toEqualTypeOf<CategoryObserverState<'image_generation'>>()
    expectTypeOf(state.isFetching).toEqualTypeOf<boolean>()
    if (state.status === 'success') {
      expectTypeOf(state.data).toEqualTypeOf<ModelMap<'image_generation'>>()
      expectTypeOf(state.result).toEqualTypeOf<ModelReferenceResult<'image_generation'>>()
    } else expectTypeOf(state.data).toEqualTypeOf<undefined>()
    if (state.isError) expectTypeOf(state.error).toEqualTypeOf<Error>()
    // @ts-expect-error not narrowed: data may be undefined
    void state.data['x']

    const names = createCategoryObserver(new ModelReferenceManager(), 'text_generation', { select: (result) => Object.keys(result.models), enabled: false })
    const named = names.getSnapshot()
    if (named.isSuccess) expectTypeOf(named.data).toEqualTypeOf<string[]>()
    names.subscribe((next) => expectTypeOf(next).toEqualTypeOf<CategoryObserverState<'text_generation', string[]>>())
    names.setOptions({ enabled: true })
    // @ts-expect-error the select must give the observer's data type
    names.setOptions({ select: (result) => result.fetchedAt })
  })
})
