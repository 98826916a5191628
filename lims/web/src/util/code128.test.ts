import { describe, expect, it } from 'vitest'
import { checkValue, encode, modules, QUIET_ZONE, STOP } from './code128'

// The vectors of tests/unit/workflow/code128_test.cpp: the label encodes as the sampling record does.
describe('code 128', () => {
  it('encodes in code set B with the mod-103 check', () => {
    expect(encode('PJJ123C')).toEqual([104, 48, 42, 42, 17, 18, 19, 35, 55, 106])
  })
  it('uses code set C for an even run of digits', () => {
    expect(encode('1234')).toEqual([105, 12, 34, 82, 106])
  })
  it('switches to C for a sample number long run and back', () => {
    const v = encode('D2026-310101-000123-K')
    const c = (s: string) => s.charCodeAt(0) - 32
    const data = [104, c('D'), c('2'), c('0'), c('2'), c('6'), c('-'), 99, 31, 1, 1, 100, c('-'), 99, 0, 1, 23, 100, c('-'), c('K')]
    expect(v).toEqual([...data, checkValue(data), STOP])
  })
  it('leaves the first digit of an odd run in B', () => {
    const data = [104, 'A'.charCodeAt(0) - 32, '1'.charCodeAt(0) - 32, 99, 23, 45]
    expect(encode('A12345')).toEqual([...data, checkValue(data), 106])
  })
  it('draws quiet zones and starts and ends with a bar', () => {
    const m = modules(encode('AB'))
    expect(m.length).toBe(4 * 11 + 13 + 2 * QUIET_ZONE)
    expect(m.slice(0, QUIET_ZONE).some(Boolean)).toBe(false)
    expect(m[QUIET_ZONE]).toBe(true)
    expect(m[m.length - 1 - QUIET_ZONE]).toBe(true)
  })
  it('refuses what is not printable ASCII', () => {
    expect(() => encode('样品')).toThrow()
    expect(() => encode('')).toThrow()
  })
})
