import { describe, expect, it } from 'vitest'
import zhCN from './zh-CN'
import en from './en'

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

describe('message catalogues', () => {
  it('have the same keys in zh-CN and en', () => {
    const zh = keys(zhCN)
    const english = keys(en)
    expect(zh.filter((k) => !english.includes(k))).toEqual([])
    expect(english.filter((k) => !zh.includes(k))).toEqual([])
  })
  it('have no empty message', () => {
    for (const [name, catalogue] of Object.entries({ zhCN, en })) {
      const empty = keys(catalogue).filter((k) => {
        const value = k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], catalogue)
        return typeof value !== 'string' || value.trim() === ''
      })
      expect(empty, name).toEqual([])
    }
  })
})
