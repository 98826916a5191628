import { describe, expect, it } from 'vitest'
import { beijingDate, beijingLocalInput, dueDateOf, instantFromBeijingLocal, utcText } from './time'

describe('Beijing time', () => {
  it('shows the Beijing day of an instant', () => {
    expect(beijingDate('2026-12-06T16:00:00Z')).toBe('2026-12-07')
    expect(beijingDate('2026-12-06T15:59:59Z')).toBe('2026-12-06')
  })
  it('reads a deadline instant as the end of its due day', () => {
    expect(dueDateOf('2026-02-14T16:00:00Z')).toBe('2026-02-14')
  })
  it('converts the datetime-local input of a Beijing wall clock', () => {
    const at = instantFromBeijingLocal('2026-12-07T09:30')!
    expect(utcText(at)).toBe('2026-12-07T01:30:00Z')
    expect(beijingLocalInput(at)).toBe('2026-12-07T09:30')
    expect(instantFromBeijingLocal('2026-12-07')).toBeNull()
  })
})
