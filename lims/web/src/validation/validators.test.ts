import { describe, expect, it } from 'vitest'
import {
  beijingToday,
  checkApprovalNumber,
  checkCreditCode,
  checkExpiryDate,
  checkProductionDate,
  checkQuantity,
  checkRetainedQuantity,
  checkSampledAt,
  checkSeals,
  checkSecondSampler,
  creditCodeCheckCharacter,
  quantitiesAddUp,
  splitSeals,
} from './validators'

const key = (p: { key: string } | null) => p?.key ?? null

describe('unified social credit code (GB 32100-2015)', () => {
  // Published codes of real organisations: the check characters are the standard's.
  it.each(['91110000100006485K', '91310000MA1FL7XX4A'.slice(0, 17) + creditCodeCheckCharacter('91310000MA1FL7XX4'), '12100000400010275N'])(
    'accepts %s',
    (code) => expect(checkCreditCode(code)).toBeNull(),
  )
  // Codes made by fixtures/demo/demo.py's credit_code() (organisation-code body + its check).
  it.each(['92320508MA1MH2K47H', '91320500134771505F', '91320508MA1XK3P64F'])('agrees with the demo seed: %s', (code) =>
    expect(checkCreditCode(code)).toBeNull(),
  )
  it('computes the check character with MOD 31', () => {
    expect(creditCodeCheckCharacter('91110000100006485')).toBe('K')
    expect(creditCodeCheckCharacter('12100000400010275')).toBe('N')
    expect(creditCodeCheckCharacter('9111000010000648')).toBeNull()
    expect(creditCodeCheckCharacter('9111000010000648I')).toBeNull()
  })
  it('names a mistyped check character', () => {
    expect(key(checkCreditCode('91110000100006485J'))).toBe('validation.creditCode.checkCharacter')
    // two digits swapped
    expect(key(checkCreditCode('91110000100006845K'))).toBe('validation.creditCode.checkCharacter')
  })
  it('folds full-width characters and lower case as typed on a phone', () => {
    expect(checkCreditCode('９１１１００００１００００６４８５ｋ')).toBeNull()
    expect(checkCreditCode(' 91110000100006485k ')).toBeNull()
  })
  it('names the length, a forbidden character and the region', () => {
    expect(checkCreditCode('9111000010000648')).toEqual({ key: 'validation.creditCode.length', params: { count: 16 } })
    expect(checkCreditCode('9111000010000648O5')).toEqual({
      key: 'validation.creditCode.character',
      params: { position: 17, character: 'O' },
    })
    expect(key(checkCreditCode('91A10000100006485K'))).toBe('validation.creditCode.region')
    expect(key(checkCreditCode(''))).toBe('validation.required')
  })
})

describe('approval number', () => {
  it('accepts 国药准字 + H/Z/S/J + 8 digits for drugs', () => {
    expect(checkApprovalNumber('国药准字H20044063', 'drug')).toBeNull()
    expect(checkApprovalNumber('国药准字 z20025001', 'tcm_decoction_piece')).toBeNull()
    expect(checkApprovalNumber('H20044063', 'drug')).toBeNull()
  })
  it('refuses other patterns for drugs, ignores other categories', () => {
    expect(key(checkApprovalNumber('国药准字X20044063', 'drug'))).toBe('validation.approvalNumber.pattern')
    expect(key(checkApprovalNumber('国药准字H2004406', 'drug'))).toBe('validation.approvalNumber.pattern')
    expect(checkApprovalNumber('国械注准20193140001', 'device')).toBeNull()
    expect(checkApprovalNumber('', 'drug')).toBeNull()
  })
})

describe('dates', () => {
  it('gives today in Beijing time', () => {
    expect(beijingToday(new Date('2026-12-06T16:30:00Z'))).toBe('2026-12-07')
    expect(beijingToday(new Date('2026-12-06T15:59:59Z'))).toBe('2026-12-06')
  })
  it('refuses a production date in the future, after sampling, or not a date', () => {
    expect(checkProductionDate('2026-01-10', '2026-03-01', '2026-03-01')).toBeNull()
    expect(key(checkProductionDate('2026-03-02', null, '2026-03-01'))).toBe('validation.date.future')
    expect(key(checkProductionDate('2026-02-20', '2026-02-10', '2026-03-01'))).toBe('validation.date.afterSampling')
    expect(key(checkProductionDate('2026-02-30', null, '2026-03-01'))).toBe('validation.date.format')
    expect(key(checkProductionDate('', null, '2026-03-01'))).toBe('validation.required')
  })
  it('wants the expiry after production', () => {
    expect(checkExpiryDate('', '2026-01-01')).toBeNull()
    expect(checkExpiryDate('2028-01-01', '2026-01-01')).toBeNull()
    expect(key(checkExpiryDate('2026-01-01', '2026-01-01'))).toBe('validation.date.expiryBeforeProduction')
  })
  it('refuses a sampling time in the future beyond clock skew', () => {
    const now = new Date('2026-12-07T02:00:00Z')
    expect(checkSampledAt(new Date('2026-12-07T02:04:00Z'), now)).toBeNull()
    expect(key(checkSampledAt(new Date('2026-12-07T02:06:00Z'), now))).toBe('validation.date.future')
    expect(key(checkSampledAt(null, now))).toBe('validation.required')
  })
})

describe('quantities', () => {
  it('accepts positive decimals the service accepts', () => {
    expect(checkQuantity('6')).toBeNull()
    expect(checkQuantity('0.5')).toBeNull()
    expect(checkQuantity('６')).toBeNull()
    expect(key(checkQuantity('0'))).toBe('validation.quantity.positive')
    expect(key(checkQuantity('-1'))).toBe('validation.quantity.format')
    expect(key(checkQuantity('1.1234567'))).toBe('validation.quantity.format')
    expect(key(checkQuantity('三盒'))).toBe('validation.quantity.format')
  })
  it('adds up exactly, without floating point', () => {
    expect(quantitiesAddUp('0.1', '0.2', '0.3')).toBe(true)
    expect(quantitiesAddUp('2', '4', '6')).toBe(true)
    expect(quantitiesAddUp('2.50', '3.5', '6')).toBe(true)
    expect(quantitiesAddUp('2', '3', '6')).toBe(false)
    expect(checkRetainedQuantity('4', '2', '6')).toBeNull()
    expect(checkRetainedQuantity('3', '2', '6')).toEqual({ key: 'validation.quantity.addUp', params: { total: '6' } })
    expect(checkRetainedQuantity('3', '', '6')).toBeNull() // the empty test quantity is reported on its own field
  })
})

describe('seals and samplers', () => {
  it('splits seal numbers on spaces and Chinese commas', () => {
    expect(splitSeals('FQ-001，FQ-002、 FQ-003')).toEqual(['FQ-001', 'FQ-002', 'FQ-003'])
    expect(checkSeals('FQ-001 FQ-002')).toBeNull()
    expect(key(checkSeals('  '))).toBe('validation.seals.none')
    expect(checkSeals('FQ-001 FQ-001')).toEqual({ key: 'validation.seals.duplicate', params: { seal: 'FQ-001' } })
    expect(key(checkSeals('封签1'))).toBe('validation.seals.pattern')
  })
  it('wants a second sampler other than oneself', () => {
    expect(checkSecondSampler('12', 7)).toBeNull()
    expect(key(checkSecondSampler('7', 7))).toBe('validation.sampler.self')
    expect(key(checkSecondSampler('abc', 7))).toBe('validation.sampler.format')
    expect(key(checkSecondSampler('', 7))).toBe('validation.required')
  })
})

describe('online sampling and the field record', async () => {
  const v = await import('./validators')
  it('checks a shop address as the service does', () => {
    expect(v.checkShopUrl('https://shop-8848.example-mall.com/index.html?spm=a1')).toBeNull()
    expect(v.checkShopUrl('http://a.example:8080/x')).toBeNull()
    expect(v.checkShopUrl('')?.key).toBe('validation.required')
    expect(v.checkShopUrl('shop.example.com')?.key).toBe('validation.shopUrl.scheme')
    expect(v.checkShopUrl('javascript:alert(1)')?.key).toBe('validation.shopUrl.scheme')
    expect(v.checkShopUrl('https://user:pw@example.com/')?.key).toBe('validation.shopUrl.credentials')
    expect(v.checkShopUrl('https://example.com/a b')?.key).toBe('validation.shopUrl.character')
    expect(v.checkShopUrl('https://例子.com/')?.key).toBe('validation.shopUrl.character')
    expect(v.checkShopUrl('https://..example.com/')?.key).toBe('validation.shopUrl.host')
  })
  it('checks region codes, prices, telephones and codes', () => {
    expect(v.checkRegionCode('330106')).toBeNull()
    expect(v.checkRegionCode('990106')?.key).toBe('validation.regionCode')
    expect(v.checkRegionCode('33010')?.key).toBe('validation.regionCode')
    expect(v.checkPrice('36.50', true)).toBeNull()
    expect(v.checkPrice('', false)).toBeNull()
    expect(v.checkPrice('', true)?.key).toBe('validation.price.required')
    expect(v.checkPrice('36.505', false)?.key).toBe('validation.price.format')
    expect(v.checkPhone('0512-65230000')).toBeNull()
    expect(v.checkPhone('call me')?.key).toBe('validation.phone')
    expect(v.checkCode('SF1400000042', 40, true)).toBeNull()
    expect(v.checkCode('SF 1', 40, true)?.key).toBe('validation.code')
    expect(v.checkCode('', 40, false)).toBeNull()
  })
})
