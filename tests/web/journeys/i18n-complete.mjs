// Every page of every role renders in zh-CN and in en with no message key missing: the
// catalogue's missing handler reports a console error, which fails the page; English pages
// must not show the Chinese labels and the other way round.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { nonconformingReport, reviewAndIssue } from '../seed.mjs'

const PAGES = {
  sampler1: ['/', '/sampler/tasks', '/sampler/register', '/sampler/shipments'],
  planner: ['/', '/planner/plans', 'PLAN', '/sampler/tasks'],
  analyst: ['/', '/analyst/worklist', '/analyst/quarantine'],
  receiver: ['/', '/receiver/samples', '/coldchain'],
  signatory: ['/', '/signatory/reports', '/statistics'],
  viewer: ['/', '/bureau/notices', '/statistics', '/bureau/publication'],
  officer: ['/', '/enforcement/leads', 'LEAD'],
  admin: [
    '/',
    '/bureau/notices',
    '/enforcement/leads',
    '/admin/users',
    '/admin/organisations',
    '/admin/devices',
    '/admin/catalogue',
    '/admin/calendar',
    '/no-such-page',
  ],
}
const MARKERS = { 'zh-CN': { own: '退出登录', other: 'Log out' }, en: { own: 'Log out', other: '退出登录' } }

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await nonconformingReport(service, data)
  const issued = await reviewAndIssue(service, sample)
  for (const locale of ['zh-CN', 'en']) {
    for (const [username, pages] of Object.entries(PAGES)) {
      const w = await browser.page(DESKTOP, `${username} in ${locale}`)
      const { page } = w
      await page.goto(`${base}/login`)
      await page.evaluate((l) => localStorage.setItem('lims.locale', l), locale)
      await logIn(w, base, username, PASSWORD)
      for (const target of pages) {
        const url =
          target === 'LEAD' ? `/enforcement/leads/${issued.case_lead.number}` : target === 'PLAN' ? `/planner/plans/${data.plan.code}` : target
        await page.goto(base + url)
        await page.locator('[data-test="who"]').waitFor()
        await page.waitForLoadState('networkidle')
        const text = await page.locator('body').innerText()
        assert.ok(text.includes(MARKERS[locale].own), `${url} in ${locale}: no "${MARKERS[locale].own}"`)
        assert.ok(!text.includes(MARKERS[locale].other), `${url} in ${locale}: shows "${MARKERS[locale].other}"`)
        // A key shown instead of its message looks like "leads.actions.accept".
        const raw = text.match(/\b(?:app|home|menu|tasks|register|validation|states|deadline|notices|leads|worklist|roles|kinds|categories|storage|login|admin|quarantine|raw|links|receipt|coldchain|plans|shipments|publication)\.[a-zA-Z_.]+\b/g)
        assert.equal(raw, null, `${url} in ${locale} shows message keys: ${raw}`)
      }
      w.check()
      await page.close()
    }
  }
}
