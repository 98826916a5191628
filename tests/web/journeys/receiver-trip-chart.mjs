// A refrigerated sample arrives in a cool box whose logger recorded the trip, eleven hours of
// it at 9.5 °C: the receipt checklist shows the trip's temperatures as a chart (ECharts,
// loaded only then) against the 2–8 °C range with the excursion shaded, and the service's
// verdict — 运输温度超标 — with the excursion's time and temperatures. The receiver does not
// confirm the temperature record and rejects the sample with the reason.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { coldTrip } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const { sample, shipment } = await coldTrip(service, data)
  const receiver = await service.as('receiver')
  const verdict = await receiver.get(`/api/v1/coldchain/shipments/${shipment.id}/verdict`)
  assert.equal(verdict.verdict, 'excursion', verdict.summary)
  assert.ok(verdict.excursions.length > 0)

  const w = await browser.page(DESKTOP, 'receiver sees the trip')
  const { page } = w
  const echarts = []
  page.on('request', (r) => /\/assets\/echarts-/.test(r.url()) && echarts.push(r.url()))
  await logIn(w, base, 'receiver', PASSWORD)
  await page.locator('[data-test="menu-receipt"]').click()
  await page.locator(`[data-test="receive-${sample.number}"]`).click()
  const trip = page.locator('[data-test="trip"]')
  const tag = trip.locator('[data-test="trip-verdict"]')
  await tag.waitFor()
  assert.equal(await tag.getAttribute('data-verdict'), 'excursion')
  assert.equal(await tag.innerText(), '运输温度超标')
  await trip.locator('[data-test="temperature-chart"] canvas').waitFor()
  assert.ok(echarts.length > 0, 'the chart did not load ECharts')
  assert.match(await trip.locator('[data-test="trip-excursions"]').innerText(), /9\.5 °C/)
  // The band is the range the service judged the trip against (the cool box's 2–8 °C).
  const judged = (await page.evaluate(async () => {
    const r = [...performance.getEntriesByType('resource')].map((e) => e.name).find((n) => n.includes('/verdict'))
    return r ? new URL(r).pathname : null
  }))
  assert.ok(judged, 'the page did not ask for the trip verdict')
  const judgedVerdict = await (await service.as('receiver')).get(judged)
  assert.deepEqual(judgedVerdict.range, { min_centi_celsius: 200, max_centi_celsius: 800 })
  assert.equal(await trip.locator('[data-test="temperature-chart"]').getAttribute('data-band'), '200,800')
  await page.waitForTimeout(600) // the dialog's fade-in and the chart's first frame
  await w.shot('receiver-trip-chart.png', { fullPage: false })

  // The temperature check stays unticked: acceptance is blocked; the sample is rejected.
  for (const check of ['check-seals', 'check-seal-numbers', 'check-labels', 'check-quantity']) await page.locator(`[data-test="${check}"]`).click()
  await page.locator('[data-test="blocker"]').waitFor()
  assert.equal(await page.locator('[data-test="receipt-submit"]').isDisabled(), true)
  w.check()
}
