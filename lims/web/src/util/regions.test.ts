import { describe, expect, it } from 'vitest'
import { namesOf, regionNameIn } from './regions'

// A few entries as GET /api/v1/regions gives them (the whole list is the service's; its
// names are tested in tests/unit/domain/identifiers_region_names_test.cpp and the route's in
// tests/e2e/region_routes_test.cpp).
const names = namesOf({
  items: [
    { code: '31', name: '上海市' },
    { code: '3101', name: '市辖区' },
    { code: '310115', name: '浦东新区' },
    { code: '33', name: '浙江省' },
    { code: '3301', name: '杭州市' },
    { code: '330106', name: '西湖区' },
    { code: '46', name: '海南省' },
    { code: '4690', name: '省直辖县级行政区划' },
    { code: '469002', name: '琼海市' },
    { code: '61', name: '陕西省' },
    { code: '6109', name: '安康市' },
    { code: '81', name: '香港特别行政区' },
  ],
})

describe('region names', () => {
  it('names provinces, prefectures and counties by their GB/T 2260 codes', () => {
    expect(regionNameIn(names, '310000')).toBe('上海市')
    expect(regionNameIn(names, '310100')).toBe('上海市')
    expect(regionNameIn(names, '310115')).toBe('上海市浦东新区')
    expect(regionNameIn(names, '330100')).toBe('浙江省杭州市')
    expect(regionNameIn(names, '330106')).toBe('浙江省杭州市西湖区')
    expect(regionNameIn(names, '469002')).toBe('海南省琼海市')
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
