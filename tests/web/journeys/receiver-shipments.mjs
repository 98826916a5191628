// The laboratory's receiver sees the shipments coming to it, from the service (GET
// /api/v1/shipments?direction=incoming, newest first, by state): the office that sent each,
// its carrier, logger and samples. The arrival of one is recorded from the list (If-Match), and
// it moves from 运输中 to 已到达. A refrigerated sample opened from its shipment's row shows, in
// the receipt checklist, the transport box the trip was bound to (its name and 2–8 °C range)
// and the trip's logger with the readings stored over the trip (GET .../transport-box), as the
// service has them.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { coldTrip, registeredSample } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const sampler = await service.as('sampler1')
  const plainSample = await registeredSample(service, data, { batch: 'MH2609031', seals: ['FQ-GS-0031', 'FQ-GS-0032'] })
  const made = await sampler.post('/api/v1/shipments', { samples: [plainSample.number], laboratory_id: data.orgs['SZ-IDC'].id, carrier: '中国邮政EMS' })
  const plain = (await sampler.post(`/api/v1/shipments/${made.body.number}/dispatch`, {}, { ifMatch: made.etag, expect: [200] })).body
  const cold = await coldTrip(service, data)
  const receiver = await service.as('receiver')
  const trip = await receiver.get(`/api/v1/shipments/${cold.shipment.number}/transport-box`)
  assert.equal(trip.box.name, '冷藏运输箱7号')
  assert.equal(trip.logger.serial, 'GS-BOX-07-L01')
  assert.ok(trip.logger.readings > 100, `only ${trip.logger.readings} readings over the trip`)

  const w = await browser.page(DESKTOP, 'receiver sees incoming shipments')
  const { page } = w
  await logIn(w, base, 'receiver', PASSWORD)
  await page.locator('[data-test="menu-receipt"]').click()
  const list = page.locator('[data-test="incoming-shipments"]')
  const row = (number) => list.locator('.el-table__row').filter({ has: page.locator(`[data-test="shipment-${number}"]`) })
  await row(cold.shipment.number).waitFor()
  // Newest first, as the service lists them; the office by name.
  const shown = await list.locator('[data-test^="shipment-S"]').allInnerTexts()
  const listed = (await receiver.get('/api/v1/shipments?direction=incoming&state=in_transit')).items.map((s) => s.number)
  assert.deepEqual(shown, listed)
  assert.deepEqual(shown, [cold.shipment.number, plain.number])
  await row(plain.number).getByText('姑苏区市场监督管理局观前所').waitFor()
  await row(plain.number).getByText('中国邮政EMS').waitFor()
  await w.shot('receiver-shipments.png')

  // The arrival, from the list: it leaves 运输中 and is found under 已到达.
  await list.locator(`[data-test="arrive-${plain.number}"]`).click()
  await page.getByText(`运输批次 ${plain.number} 已到达`).waitFor()
  await row(plain.number).waitFor({ state: 'detached' })
  assert.equal((await receiver.get(`/api/v1/shipments/${plain.number}`)).state, 'arrived')
  await list.locator('[data-test="shipment-filter"]').getByText('已到达').click()
  await row(plain.number).waitFor()
  await row(cold.shipment.number).waitFor({ state: 'detached' })
  await list.locator('[data-test="shipment-filter"]').getByText('运输中').click()
  await row(cold.shipment.number).waitFor()

  // The refrigerated sample, opened from its shipment: its box and the trip's logger.
  await row(cold.shipment.number).locator(`[data-test="open-${cold.sample.number}"]`).click()
  const box = page.locator('[data-test="receipt-dialog"] [data-test="trip-box"]')
  await box.locator('[data-test="trip-box-unit"]').getByText('冷藏运输箱7号').waitFor()
  await box.locator('[data-test="trip-box-unit"]').getByText('2.0–8.0 °C', { exact: false }).waitFor()
  await box.locator('[data-test="trip-box-logger"]').getByText('GS-BOX-07-L01').waitFor()
  await box.locator('[data-test="trip-box-readings"]').getByText(`已记录 ${trip.logger.readings} 条`, { exact: false }).waitFor()
  await page.locator('[data-test="trip"] [data-test="trip-verdict"]').waitFor()
  await page.waitForTimeout(600) // the dialog's fade-in
  await w.shot('receiver-shipment-box.png', { fullPage: false })
  w.check()
}
