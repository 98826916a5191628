// A field error of a problem body in the reader's language: the service gives each a stable
// `code` ("field.required", "field.too_long" with params {max, length}) beside its English
// `problem`; a code the catalogue knows (fieldErrors.<code>) is shown translated with its
// params, any other in the service's words. Pure, so it is tested without a browser.
export interface ServiceFieldError {
  field: string
  problem: string
  code?: string
  params?: Record<string, string>
}

export type Translate = (key: string, params?: Record<string, string>) => string
export type Knows = (key: string) => boolean

export function describeFieldError(e: ServiceFieldError, t: Translate, te: Knows): string {
  if (!e.code || !/^[a-z_]+(\.[a-z_]+)*$/.test(e.code)) return e.problem
  const key = `fieldErrors.${e.code}`
  return te(key) ? t(key, e.params ?? {}) : e.problem
}
