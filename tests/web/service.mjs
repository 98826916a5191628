// The real `lims serve` for a browser journey: a fresh SQLite database in a scratch folder,
// set up as an operator does (lims migrate, lims org add, lims user add with the password on
// standard input), the service on a free loopback port serving the built web interface, and
// the rest of the data through the public API as the users who would enter it.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const PASSWORD = 'browser-test-password-1'

export function paths() {
  const source = process.env.LIMS_SOURCE_DIR ?? path.resolve(import.meta.dirname, '../..')
  return {
    source,
    lims: process.env.LIMS_BINARY ?? path.join(source, 'build/test/lims/lims'),
    webRoot: process.env.LIMS_WEB_ROOT ?? path.join(source, 'lims/web/dist'),
    calendars: path.join(source, 'fixtures/calendars'),
    screenshots: process.env.LIMS_SCREENSHOT_DIR ?? path.join(source, 'build/test/web-screenshots'),
  }
}

// The service and its scratch folder; stop() ends the process (SIGTERM) and removes both.
export class Service {
  static async start() {
    const p = paths()
    const dir = mkdtempSync(path.join(tmpdir(), 'lims-web-'))
    const env = { ...process.env, LIMS_DATABASE: `sqlite:${path.join(dir, 'lims.db')}` }
    const run = (args, input = '') => {
      const r = spawnSync(p.lims, args, { env, input, encoding: 'utf8' })
      if (r.status !== 0)
        throw new Error(`${p.lims} ${args.join(' ')}: ${r.error?.message ?? `exit ${r.status} signal ${r.signal}`}: ${r.stderr}`)
      return r.stdout
    }
    run(['migrate'])
    run(['org', 'add', '--code', 'PROV', '--kind', 'bureau', '--region', '320000', '--name', '江苏省药品监督管理局'])
    run(['user', 'add', 'admin', '--org', 'PROV', '--role', 'administrator', '--name', '省局管理员'], `${PASSWORD}\n`)

    const child = spawn(
      p.lims,
      ['serve', '--port', '0', '--web-root', p.webRoot, '--calendar-dir', p.calendars, '-Dlims.jobs.enabled=false'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let log = ''
    child.stderr.on('data', (d) => (log += d))
    const base = await new Promise((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`lims serve did not start in 60 s:\n${out}\n${log}`)), 60_000)
      child.stdout.on('data', (d) => {
        out += d
        const m = /serving (http:\/\/[0-9.]+:\d+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(m[1])
        }
      })
      child.on('exit', (code) => reject(new Error(`lims serve exited ${code}:\n${out}\n${log}`)))
    })
    return new Service(child, dir, base, () => log)
  }

  constructor(child, dir, base, log) {
    this.child = child
    this.dir = dir
    this.base = base
    this.log = log
  }

  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r))
      this.child.kill('SIGTERM')
      await exited
    }
    rmSync(this.dir, { recursive: true, force: true })
  }

  // A client logged in as `username` (or anonymous).
  async as(username) {
    const client = new Client(this.base)
    if (username) {
      const reply = await client.post('/api/v1/auth/login', { username, password: PASSWORD })
      client.token = reply.body.token
      client.user = reply.body.user
    }
    return client
  }
}

export class Client {
  constructor(base) {
    this.base = base
    this.token = null
  }

  async call(method, target, body, { ifMatch, expect } = {}) {
    const headers = { Accept: 'application/json' }
    if (this.token) headers.Authorization = `Bearer ${this.token}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (ifMatch) headers['If-Match'] = ifMatch
    const r = await fetch(this.base + target, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await r.text()
    const parsed = text ? JSON.parse(text) : null
    const wanted = expect ?? (method === 'POST' ? [200, 201] : [200])
    if (!wanted.includes(r.status)) throw new Error(`${method} ${target}: ${r.status} ${text}`)
    return { status: r.status, body: parsed, etag: r.headers.get('etag') }
  }
  get(target) {
    return this.call('GET', target).then((r) => r.body)
  }
  post(target, body, options) {
    return this.call('POST', target, body, options)
  }
  async etag(target) {
    return (await this.call('GET', target)).etag
  }
}
