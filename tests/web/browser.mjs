// Debian's Chromium (/usr/bin/chromium) driven by playwright-core: headless, no sandbox (as
// root in CI), nothing downloaded, a fresh profile per run. A page records every console
// error and every failed or refused request; check() fails the journey on any it did not
// expect. Screenshots go under the build folder.
import { createRequire } from 'node:module'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { paths } from './service.mjs'

const require = createRequire(path.join(paths().source, 'lims/web/package.json'))
const { chromium } = require('playwright-core')

export const PHONE = { width: 360, height: 740 }
export const DESKTOP = { width: 1366, height: 800 }

export class Browser {
  static async launch() {
    const profile = mkdtempSync(path.join(tmpdir(), 'lims-chromium-'))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.LIMS_CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
        '--lang=zh-CN',
      ],
      locale: 'zh-CN',
      // The date and time inputs take their format from the process's language.
      env: { ...process.env, LANG: 'zh_CN.UTF-8', LANGUAGE: 'zh_CN:zh' },
      timezoneId: 'Asia/Shanghai',
      viewport: DESKTOP,
    })
    return new Browser(context, profile)
  }

  constructor(context, profile) {
    this.context = context
    this.profile = profile
  }

  // A new page (own sessionStorage) at `viewport`, watched for errors.
  async page(viewport = DESKTOP, name = 'page') {
    const page = await this.context.newPage()
    await page.setViewportSize(viewport)
    return new WatchedPage(page, name)
  }

  async close() {
    await this.context.close()
    rmSync(this.profile, { recursive: true, force: true })
  }
}

export class WatchedPage {
  constructor(page, name) {
    this.page = page
    this.name = name
    this.problems = []
    this.expected = [] // [{ status, path: RegExp }]
    page.on('console', (m) => {
      if (m.type() === 'error') {
        const text = m.text()
        // Chromium logs each HTTP error response it loaded; those are judged by their status below.
        if (/Failed to load resource: the server responded with a status of/.test(text)) return
        this.problems.push(`console error: ${text}`)
      }
    })
    page.on('pageerror', (e) => this.problems.push(`uncaught: ${e.message}`))
    // net::ERR_ABORTED is a load the page itself abandoned by navigating away, not a failure.
    page.on('requestfailed', (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && this.problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`))
    page.on('response', (r) => {
      if (r.status() < 400) return
      const url = new URL(r.url())
      if (this.expected.some((e) => e.status === r.status() && e.path.test(url.pathname))) return
      this.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${url.pathname}`)
    })
  }

  expect(status, pathPattern) {
    this.expected.push({ status, path: pathPattern })
  }

  check() {
    if (this.problems.length) throw new Error(`${this.name}:\n  ${this.problems.join('\n  ')}`)
  }

  // Nothing wider than the screen: a phone page must not scroll sideways.
  async fitsWidth() {
    const { scroll, width } = await this.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }))
    if (scroll > width) this.problems.push(`${this.page.url()}: ${scroll} px wide on a ${width} px screen`)
  }

  // The whole page, or with { fullPage: false } what the screen shows (a phone form
  // scrolled to the field in question). The whole page is taken from the top: the sticky
  // header is drawn where the window is scrolled to, so a page scrolled down (to a button
  // the journey clicked) was captured with its header across the middle.
  async shot(file, { fullPage = true } = {}) {
    const dir = paths().screenshots
    mkdirSync(dir, { recursive: true })
    // Transitions that are running (a dialog fading out after its confirm) are let finish
    // first, at most a second; endless ones (a spinner) are not waited for.
    await this.page.evaluate(async (toTop) => {
      if (toTop) window.scrollTo(0, 0)
      const running = document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
      await Promise.race([Promise.all(running.map((a) => a.finished.catch(() => {}))), new Promise((r) => setTimeout(r, 1000))])
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))
    }, fullPage)
    await this.page.screenshot({ path: path.join(dir, file), fullPage })
  }
}

// Logs in through the form; the home page (我的待办) is there when it returns.
export async function logIn(w, base, username, password) {
  const { page } = w
  await page.goto(`${base}/login`)
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(password)
  await page.locator('[data-test="login-submit"]').click()
  await page.locator('[data-test="who"]').waitFor()
}
