// The one way the pages talk to the service: the public /api/v1, with the bearer token of
// the session. Problem details (RFC 9457) become an ApiError carrying a message and the
// field errors by field path ("entity.credit_code"); a 401 ends the session and goes to
// the login page. No page calls fetch directly.
import { session } from '../auth/session'
import { describeFieldError, type Knows, type ServiceFieldError, type Translate } from './fieldErrors'

export interface FieldErrors {
  [field: string]: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string,
    readonly fieldErrors: FieldErrors,
    // The same problems by their full path ("quotas[1].due_on"), for forms with rows.
    readonly fieldPaths: FieldErrors = {},
  ) {
    super(detail || title || `HTTP ${status}`)
  }
  // Someone else changed the record since it was read (the If-Match version is stale):
  // the page offers a reload. Other 409s say why the state forbids the request (detail).
  get isConflict(): boolean {
    return this.type === 'urn:lims:problem:stale-version' || this.status === 412
  }
}

export interface Reply<T> {
  data: T
  etag: string | null
}

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

type Query = Record<string, string | number | boolean | undefined>

export interface SendOptions {
  ifMatch?: string | number
  idempotencyKey?: string
}

let onUnauthenticated: () => void = () => {}
export function whenUnauthenticated(handler: () => void) {
  onUnauthenticated = handler
}

function url(path: string, query?: Query): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v))
  const q = params.toString()
  return q ? `${path}?${q}` : path
}

// Field errors are shown in the reader's language by their code (api/fieldErrors.ts); main.ts
// hands the catalogue's t/te over once it is made.
let translate: Translate | null = null
let knows: Knows = () => false
export function translateFieldErrorsWith(t: Translate, te: Knows) {
  translate = t
  knows = te
}

// "sampler_user_ids[1]" and "seal_numbers[0]" are shown beside the list's field.
export function fieldOf(path: string): string {
  return path.replace(/\[\d+\]/g, '')
}

async function problemOf(response: Response): Promise<ApiError> {
  let body: { type?: string; title?: string; detail?: string; errors?: ServiceFieldError[] } = {}
  try {
    body = await response.json()
  } catch {
    // not JSON: a proxy's error page; the status says enough
  }
  const fields: FieldErrors = {}
  const paths: FieldErrors = {}
  for (const e of body.errors ?? []) {
    const f = fieldOf(e.field)
    const said = translate ? describeFieldError(e, translate, knows) : e.problem
    fields[f] = fields[f] ? `${fields[f]}; ${said}` : said
    paths[e.field] = paths[e.field] ? `${paths[e.field]}; ${said}` : said
  }
  return new ApiError(response.status, body.type ?? '', body.title ?? response.statusText, body.detail ?? '', fields, paths)
}

async function send<T>(method: string, path: string, body?: unknown, options: SendOptions = {}, query?: Query): Promise<Reply<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (session.token) headers.Authorization = `Bearer ${session.token}`
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (options.ifMatch !== undefined) {
    const v = String(options.ifMatch)
    headers['If-Match'] = v.startsWith('"') ? v : `"${v}"`
  }
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey
  const response = await fetch(url(path, query), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
  })
  if (response.status === 401 && session.token) {
    session.signOut()
    onUnauthenticated()
  }
  if (!response.ok) throw await problemOf(response)
  const etag = response.headers.get('ETag')
  if (response.status === 204) return { data: undefined as T, etag }
  return { data: (await response.json()) as T, etag }
}

export const api = {
  async get<T>(path: string, query?: Query): Promise<T> {
    return (await send<T>('GET', path, undefined, {}, query)).data
  },
  getWithVersion<T>(path: string, query?: Query): Promise<Reply<T>> {
    return send<T>('GET', path, undefined, {}, query)
  },
  post<T>(path: string, body?: unknown, options?: SendOptions): Promise<Reply<T>> {
    return send<T>('POST', path, body, options)
  },
  put<T>(path: string, body?: unknown, options?: SendOptions): Promise<Reply<T>> {
    return send<T>('PUT', path, body, options)
  },
  // A document (PDF) as a blob URL the page can show or print; the caller revokes it.
  async blobUrl(path: string): Promise<string> {
    const headers: Record<string, string> = {}
    if (session.token) headers.Authorization = `Bearer ${session.token}`
    const response = await fetch(path, { headers, credentials: 'omit' })
    if (response.status === 401 && session.token) {
      session.signOut()
      onUnauthenticated()
    }
    if (!response.ok) throw await problemOf(response)
    return URL.createObjectURL(await response.blob())
  },
}

// A fresh key for a POST that must not happen twice when retried.
// (getRandomValues, not randomUUID: the latter needs HTTPS outside localhost.)
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
