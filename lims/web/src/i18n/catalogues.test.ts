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

// Every literal key the sources pass to t(...) exists (dynamic ones, `states.${kind}.${state}`,
// are caught in the browser by the missing-key handler).
describe('keys used in the sources', () => {
  it('are all in the catalogues', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs')
    const { join } = await import('node:path')
    const files: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name)
        if (statSync(p).isDirectory()) walk(p)
        else if (/\.(vue|ts)$/.test(name) && !name.endsWith('.test.ts')) files.push(p)
      }
    }
    walk(join(import.meta.dirname, '..'))
    const known = new Set(keys(zhCN))
    const missing: string[] = []
    let used = 0
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z_.]+)'/g)) {
        used++
        if (!known.has(m[1])) missing.push(`${file}: ${m[1]}`)
      }
    }
    expect(missing).toEqual([])
    expect(used).toBeGreaterThan(100) // the scan sees the pages
  })
})
