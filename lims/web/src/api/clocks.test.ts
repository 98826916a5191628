import { describe, expect, it } from 'vitest'
import { endOfBeijingDay } from './clocks'

describe('deadline clocks', () => {
  it('reads a due day as due by its end in Beijing', () => {
    expect(endOfBeijingDay('2026-02-14')).toBe('2026-02-14T16:00:00Z')
  })
})
