// The registration form's checks, the same rules the service applies
// (lims/domain/identifiers, lims/workflow/sampling/registration.cpp), so a sampler sees a
// mistake while typing instead of after sending. Each check returns null when the value
// is acceptable, or a Problem: an i18n key under `validation.` with its parameters.

export interface Problem {
  key: string
  params?: Record<string, string | number>
}

const problem = (key: string, params?: Record<string, string | number>): Problem => ({ key, params })

// Full-width ASCII (Ａ-Ｚ, ０-９) as typed with a Chinese input method, folded to ASCII.
export function foldFullWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ')
}

// ---- unified social credit code (统一社会信用代码), GB 32100-2015 ----------------------
// Clause 4: 18 characters from this alphabet (no I, O, S, V, Z); clause 5: the 18th is a
// check character, MOD 31 with the weight 3^(i-1) mod 31 for position i.
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function normaliseCreditCode(raw: string): string {
  return foldFullWidth(raw).trim().toUpperCase()
}

// The check character for the first 17 characters, or null when one is not allowed.
export function creditCodeCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17[i])
    if (v < 0) return null
    sum += v * CREDIT_CODE_WEIGHTS[i]
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]
}

export function checkCreditCode(raw: string): Problem | null {
  const code = normaliseCreditCode(raw)
  if (code.length === 0) return problem('validation.required')
  for (let i = 0; i < code.length; i++) {
    if (CREDIT_CODE_ALPHABET.indexOf(code[i]) < 0) {
      return problem('validation.creditCode.character', { position: i + 1, character: code[i] })
    }
  }
  if (code.length !== 18) return problem('validation.creditCode.length', { count: code.length })
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) return problem('validation.creditCode.region')
  if (creditCodeCheckCharacter(code.slice(0, 17)) !== code[17]) return problem('validation.creditCode.checkCharacter')
  return null
}

// ---- drug approval number (药品批准文号): 国药准字 + H/Z/S/J + 8 digits ------------------
const APPROVAL_PREFIX = '国药准字'

export function checkApprovalNumber(raw: string, category: string): Problem | null {
  const text = foldFullWidth(raw).trim()
  if (text === '') return null // optional
  if (category !== 'drug' && category !== 'tcm_decoction_piece') return null // only drugs carry one
  let rest = text.startsWith(APPROVAL_PREFIX) ? text.slice(APPROVAL_PREFIX.length).trim() : text
  if (rest === '') return problem('validation.approvalNumber.pattern')
  const letter = rest[0].toUpperCase()
  if (!'HZSJ'.includes(letter)) return problem('validation.approvalNumber.pattern')
  rest = rest.slice(1)
  if (!/^[0-9]{8}$/.test(rest)) return problem('validation.approvalNumber.pattern')
  return null
}

// ---- dates -----------------------------------------------------------------------------
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const [y, m, d] = text.split('-').map(Number)
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

// Today in Beijing time (UTC+8, no daylight saving), YYYY-MM-DD.
export function beijingToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
}

// The production date: a date, not in the future, not after the day it was sampled.
export function checkProductionDate(text: string, samplingDay: string | null, today: string): Problem | null {
  if (!text) return problem('validation.required')
  if (!isIsoDate(text)) return problem('validation.date.format')
  if (text > today) return problem('validation.date.future')
  if (samplingDay && isIsoDate(samplingDay) && text > samplingDay) return problem('validation.date.afterSampling')
  return null
}

// The expiry date (optional): a date after the production date.
export function checkExpiryDate(text: string, productionDate: string): Problem | null {
  if (!text) return null
  if (!isIsoDate(text)) return problem('validation.date.format')
  if (productionDate && isIsoDate(productionDate) && text <= productionDate) return problem('validation.date.expiryBeforeProduction')
  return null
}

// The sampling time: not in the future (five minutes for clocks that differ).
export function checkSampledAt(instant: Date | null, now: Date = new Date()): Problem | null {
  if (!instant || Number.isNaN(instant.getTime())) return problem('validation.required')
  if (instant.getTime() > now.getTime() + 5 * 60_000) return problem('validation.date.future')
  return null
}

// ---- quantities --------------------------------------------------------------------------
// The service's decimal: up to 9 digits, optionally up to 6 after the point.
const DECIMAL = /^[0-9]{1,9}(\.[0-9]{1,6})?$/

export function checkQuantity(text: string): Problem | null {
  const t = foldFullWidth(text).trim()
  if (t === '') return problem('validation.required')
  if (!DECIMAL.test(t)) return problem('validation.quantity.format')
  if (Number(t) <= 0) return problem('validation.quantity.positive')
  return null
}

// Exact decimal sum in integer units of the finest scale, as the service compares.
function scaled(text: string, scale: number): bigint {
  const [whole, fraction = ''] = text.split('.')
  return BigInt(whole + fraction.padEnd(scale, '0'))
}

export function quantitiesAddUp(test: string, retained: string, total: string): boolean {
  const values = [test, retained, total].map((v) => foldFullWidth(v).trim())
  if (values.some((v) => !DECIMAL.test(v))) return false
  const scale = Math.max(...values.map((v) => (v.split('.')[1] ?? '').length))
  const [a, b, c] = values.map((v) => scaled(v, scale))
  return a + b === c
}

// The retained portion: a quantity, and test + retained = the quantity sampled.
export function checkRetainedQuantity(retained: string, test: string, total: string): Problem | null {
  const own = checkQuantity(retained)
  if (own) return own
  if (checkQuantity(test) || checkQuantity(total)) return null // reported on those fields
  if (!quantitiesAddUp(test, retained, total)) return problem('validation.quantity.addUp', { total })
  return null
}

// ---- seals and samplers --------------------------------------------------------------------
const SEAL = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/

export function splitSeals(text: string): string[] {
  return foldFullWidth(text)
    .split(/[\s,，、;；]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

export function checkSeals(text: string): Problem | null {
  const seals = splitSeals(text)
  if (seals.length === 0) return problem('validation.seals.none')
  if (seals.length > 20) return problem('validation.seals.tooMany')
  const bad = seals.find((s) => !SEAL.test(s))
  if (bad) return problem('validation.seals.pattern', { seal: bad })
  const seen = new Set<string>()
  for (const s of seals) {
    if (seen.has(s)) return problem('validation.seals.duplicate', { seal: s })
    seen.add(s)
  }
  return null
}

// The second sampler: an account id other than the caller's (two samplers sign).
export function checkSecondSampler(text: string, myId: number | null): Problem | null {
  const t = foldFullWidth(text).trim()
  if (t === '') return problem('validation.required')
  if (!/^[1-9][0-9]{0,17}$/.test(t)) return problem('validation.sampler.format')
  if (myId !== null && Number(t) === myId) return problem('validation.sampler.self')
  return null
}

export function checkRequired(text: string, max = 200): Problem | null {
  const t = text.trim()
  if (t === '') return problem('validation.required')
  if (t.length > max) return problem('validation.tooLong', { max })
  return null
}

// ---- online sampling and the field record (issue 16 items 8 and 9), as the service checks them ----

// An online shop's address: https:// or http://, a host, no user:password@, printable ASCII.
export function checkShopUrl(text: string): Problem | null {
  const t = text.trim()
  if (t === '') return problem('validation.required')
  if (t.length > 2048) return problem('validation.tooLong', { max: 2048 })
  if (!/^https?:\/\//i.test(t)) return problem('validation.shopUrl.scheme')
  if (/[^\x21-\x7e]/.test(t)) return problem('validation.shopUrl.character')
  const authority = t.replace(/^https?:\/\//i, '').split(/[/?#]/)[0]
  if (authority.includes('@')) return problem('validation.shopUrl.credentials')
  const host = authority.startsWith('[') ? authority : authority.replace(/:[0-9]{1,5}$/, '')
  if (host === '' || !/^[A-Za-z0-9.\-[\]:]+$/.test(host) || host.startsWith('.') || host.endsWith('.') || host.includes('..'))
    return problem('validation.shopUrl.host')
  return null
}

// A GB/T 2260 region code: six digits, province PP0000, city PPCC00 or county PPCCDD.
export function checkRegionCode(text: string): Problem | null {
  const t = foldFullWidth(text).trim()
  if (t === '') return problem('validation.required')
  if (!/^[1-8][0-9]{5}$/.test(t)) return problem('validation.regionCode')
  return null
}

// Yuan with at most two decimals (fen); empty is allowed where the price is optional.
export function checkPrice(text: string, required: boolean): Problem | null {
  const t = foldFullWidth(text).trim()
  if (t === '') return required ? problem('validation.price.required') : null
  if (!/^[0-9]{1,9}(\.[0-9]{1,2})?$/.test(t)) return problem('validation.price.format')
  return null
}

export function checkPhone(text: string): Problem | null {
  const t = foldFullWidth(text).trim()
  if (t === '') return null
  if (!/^[0-9+\-() ]{5,20}$/.test(t) || (t.match(/[0-9]/g) ?? []).length < 5) return problem('validation.phone')
  return null
}

// Letters, digits and signs without spaces (order, tracking and certificate numbers).
export function checkCode(text: string, max: number, required: boolean): Problem | null {
  const t = foldFullWidth(text).trim()
  if (t === '') return required ? problem('validation.required') : null
  if (t.length > max) return problem('validation.tooLong', { max })
  if (!/^[\x21-\x7e]+$/.test(t)) return problem('validation.code')
  return null
}
