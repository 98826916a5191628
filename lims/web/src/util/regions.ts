// Region codes (GB/T 2260, six digits) as the names people read: "上海市浦东新区" for
// 310115, "浙江省杭州市" for 330100, "北京市" for 110000. The system stores codes only; the
// names come from the service's list (GET /api/v1/regions, the one the figures are named
// with), fetched once, on the first page that shows a region. A code the list does not have
// is shown as it is.
import { ref } from 'vue'
import { api } from '../api/client'

type Names = Record<string, string>

// Prefecture-level entries that are no place of their own: the municipality's districts
// and counties, the counties a province administers directly.
const NOT_A_PLACE = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划'])

export function regionNameIn(names: Names, code: string): string {
  if (!/^\d{6}$/.test(code)) return ''
  const province = names[code.slice(0, 2)]
  if (!province) return ''
  if (code.slice(2) === '0000') return province
  const city = names[code.slice(0, 4)]
  if (city === undefined) return ''
  const prefecture = NOT_A_PLACE.has(city) ? '' : city
  if (code.slice(4) === '00') return province + prefecture
  const county = names[code]
  return county === undefined ? '' : province + prefecture + county
}

interface RegionList {
  items: { code: string; name: string }[]
}

export function namesOf(list: RegionList): Names {
  return Object.fromEntries(list.items.map((r) => [r.code, r.name]))
}

const loaded = ref<Names | null>(null)
let loading: Promise<void> | null = null
// A failed fetch is asked again on a lookup after this long, not on every lookup of a render.
const RETRY_AFTER_MS = 30_000
let failedAt = 0

function load(): Promise<void> {
  if (!loading && Date.now() - failedAt >= RETRY_AFTER_MS)
    loading = api.get<RegionList>('/api/v1/regions').then(
      (list) => {
        loaded.value = namesOf(list)
      },
      () => {
        failedAt = Date.now()
        loading = null
      },
    )
  return loading ?? Promise.resolve()
}

// Names codes: the list is loaded the first time a six-digit code is asked for (a phone
// form that never shows one never loads it); until it is there, and for a code it does not
// have, the code is given back as it is.
export function useRegionNames() {
  const lookUp = (code: string): string => {
    if (!/^\d{6}$/.test(code)) return ''
    if (!loaded.value) {
      void load()
      return ''
    }
    return regionNameIn(loaded.value, code)
  }
  const name = (code: string | null | undefined): string => (code ? lookUp(code) || code : '')
  // "上海市浦东新区（310115）": for tables where the code is also wanted.
  const withCode = (code: string | null | undefined): string => {
    if (!code) return ''
    const n = lookUp(code)
    return n ? `${n}（${code}）` : code
  }
  return { name, withCode, ready: load }
}
