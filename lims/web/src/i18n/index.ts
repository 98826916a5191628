// vue-i18n with one catalogue per language: zh-CN (default) and en. There is no fallback
// language: a key missing in either is reported as a console error, which the browser
// tests fail on, and src/i18n/catalogues.test.ts compares the two catalogues' keys.
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import en from './en'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: Locale[] = ['zh-CN', 'en']
const LOCALE_KEY = 'lims.locale'

function initialLocale(): Locale {
  const saved = localStorage.getItem(LOCALE_KEY)
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: false,
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
  missing: (locale: string, key: string) => {
    console.error(`i18n: missing message "${key}" in ${locale}`)
    return key
  },
})

export function setLocale(locale: Locale) {
  i18n.global.locale.value = locale
  localStorage.setItem(LOCALE_KEY, locale)
  document.documentElement.lang = locale
}
