import { describe, expect, it } from 'vitest'
import names from '../reference/regionNames'
import { regionNameIn } from './regions'

describe('region names', () => {
  it('names provinces, prefectures and counties by their GB/T 2260 codes', () => {
    expect(regionNameIn(names, '310000')).toBe('上海市')
    expect(regionNameIn(names, '310100')).toBe('上海市')
    expect(regionNameIn(names, '310115')).toBe('上海市浦东新区')
    expect(regionNameIn(names, '330100')).toBe('浙江省杭州市')
    expect(regionNameIn(names, '330106')).toBe('浙江省杭州市西湖区')
    expect(regionNameIn(names, '610900')).toBe('陕西省安康市')
    expect(regionNameIn(names, '810000')).toBe('香港特别行政区')
  })
  it('gives nothing for a code the list does not have, or no code', () => {
    expect(regionNameIn(names, '339999')).toBe('')
    expect(regionNameIn(names, '990000')).toBe('')
    expect(regionNameIn(names, '3301')).toBe('')
    expect(regionNameIn(names, '')).toBe('')
  })
})
