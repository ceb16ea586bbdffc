import { describe, expect, it } from 'vitest'
import { useModel, useModelAvailability, useModelReference, useModelSearch, useSuspenseModelReference } from '../src/hooks.js'

// The options are checked before any React hook runs, so a bad key throws even outside a render
// (inside one, the same TypeError reaches the error boundary).
describe('hook options', () => {
  it('an unknown key is a TypeError naming the hook, the closest option and the known ones', () => {
    expect(() => useModelReference('blip', { enable: false } as never)).toThrow(new TypeError('Unknown option "enable" for useModelReference: did you mean "enabled"? Known options: client, enabled, select, suspense, serverResult.'))
    expect(() => useSuspenseModelReference('blip', { enabled: true } as never)).toThrow(new TypeError('Unknown option "enabled" for useSuspenseModelReference. Known options: client, select, serverResult.'))
    expect(() => useModel('blip', 'BLIP', { select: () => 1 } as never)).toThrow('Unknown option "select" for useModel. Known options: client, enabled, suspense, serverResult.')
    expect(() => useModelAvailability('image_generation', { refreshInterval: 0 } as never)).toThrow('Unknown option "refreshInterval" for useModelAvailability: did you mean "refreshIntervalMs"? Known options: client, refreshIntervalMs.')
    expect(() => useModelAvailability('image_generation', { interval: 0 } as never)).toThrow('Unknown option "interval" for useModelAvailability: did you mean "refreshIntervalMs"? Known options: client, refreshIntervalMs.')
    expect(() => useModelSearch('blip', 'x', { limits: 3 } as never)).toThrow('Unknown option "limits" for useModelSearch: did you mean "limit"?')
    expect(() => useModelReference('blip', null as never)).toThrow(new TypeError('useModelReference takes an options object (or nothing), got null.'))
  })
})
