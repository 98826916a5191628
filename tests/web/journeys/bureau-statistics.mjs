// After a nonconforming report, the city bureau's 统计分析 shows the sample, its pass rate,
// the case lead in the conversion rate and the category chart (ECharts, loaded only here).
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { nonconformingReport, reviewAndIssue } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await nonconformingReport(service, data)
  await reviewAndIssue(service, sample)
  const figures = await (await service.as('viewer')).get('/api/v1/statistics')
  assert.equal(figures.samples.nonconforming, 1)

  const w = await browser.page(DESKTOP, 'bureau statistics')
  const { page } = w
  const scripts = []
  page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname))
  await logIn(w, base, 'viewer', PASSWORD)
  await page.waitForLoadState('networkidle')
  assert.equal(scripts.filter((s) => /StatisticsView|echarts/.test(s)).length, 0, `ECharts loaded before a chart page was opened: ${scripts}`)
  await page.locator('[data-test="menu-statistics"]').click()
  const cards = page.locator('[data-test="figures"]')
  await cards.getByText('合格率').waitFor()
  const text = await cards.innerText()
  assert.match(text, /抽检批次\s*1\b/)
  assert.match(text, /合格率\s*0\.0%/)
  assert.match(text, /案件线索 1 条/)
  await page.getByRole('img', { name: '按类别统计' }).locator('canvas').waitFor()
  assert.ok(scripts.some((s) => /echarts/.test(s)), `the ECharts chunk was not loaded with the page: ${scripts}`)
  await page.getByRole('cell', { name: '药品' }).waitFor()
  await page.waitForLoadState('networkidle')
  await w.shot('bureau-statistics.png')
  w.check()
}
