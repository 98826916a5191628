import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from '../i18n/zh-CN'
import en from '../i18n/en'
import { describeFieldError } from './fieldErrors'

function inLocale(locale: 'zh-CN' | 'en') {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, en }, missingWarn: false, fallbackWarn: false })
  return (e: Parameters<typeof describeFieldError>[0]) =>
    describeFieldError(e, (k, p) => i18n.global.t(k, p ?? {}), (k) => i18n.global.te(k))
}

describe('field errors of the service', () => {
  const zh = inLocale('zh-CN')
  it('are translated by their code, with the params', () => {
    expect(zh({ field: 'carrier', problem: 'is required', code: 'field.required' })).toBe('必填')
    expect(zh({ field: 'carrier', problem: 'must be at most 200 characters long (it has 230)', code: 'field.too_long', params: { max: '200', length: '230' } }))
      .toBe('不能超过 200 个字符（现为 230 个）')
    expect(zh({ field: 'quantity', problem: 'must be between 1 and 1000', code: 'field.range', params: { min: '1', max: '1000' } })).toBe('应在 1 到 1000 之间')
    expect(inLocale('en')({ field: 'carrier', problem: 'is required', code: 'field.required' })).toBe('Required')
  })
  it('keep the service words for a code the catalogue does not know, or none', () => {
    expect(zh({ field: 'laboratory_id', problem: 'organisation 6 is not an active laboratory', code: 'sampling.invalid_field' }))
      .toBe('organisation 6 is not an active laboratory')
    expect(zh({ field: 'cursor', problem: 'is not a cursor', code: 'invalid' })).toBe('is not a cursor')
    expect(zh({ field: 'x', problem: 'old service' })).toBe('old service')
    expect(zh({ field: 'x', problem: 'odd', code: 'Field Required' })).toBe('odd')
  })
})
