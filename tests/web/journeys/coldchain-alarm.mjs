// The laboratory's receiver opens 冷链监测: the refrigerator with its last reading and state,
// its day of temperatures as a chart with the allowed 2–8 °C range, and the alarm the warm
// spell raised, acknowledged with a note of what was done.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { refrigeratorWithReadings } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const { logger } = await refrigeratorWithReadings(service, data)
  const receiver = await service.as('receiver')
  const open = (await receiver.get('/api/v1/coldchain/alarms?open=true')).items.filter((a) => !a.acknowledged_at)
  assert.ok(open.length > 0, 'the warm spell raised no alarm')

  const w = await browser.page(DESKTOP, 'cold chain')
  const { page } = w
  await logIn(w, base, 'receiver', PASSWORD)
  await page.locator('[data-test="menu-coldchain"]').click()
  const row = page.locator('[data-test="units"] tr').filter({ hasText: 'IDC-RF-01' })
  await row.getByText('留样冷藏柜1号').waitFor()
  assert.match(await row.innerText(), /2\.0–8\.0 °C/)
  assert.match(await row.innerText(), /\d+\.\d °C/)
  await page.locator('[data-test="temperature-chart"] canvas').waitFor()
  const alarms = page.locator('[data-test="alarms"]')
  await alarms.getByText('温度超标').first().waitFor()
  await page.waitForLoadState('networkidle')
  await w.shot('coldchain.png')

  const first = open[0]
  await page.locator(`[data-test="ack-${first.id}"]`).click()
  await page.locator('.el-message-box input').fill('已将样品转移至2号冷藏柜，通知设备科检修门封')
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await page.getByText('报警已处理').waitFor()
  await page.locator(`[data-test="ack-${first.id}"]`).waitFor({ state: 'detached' })
  const after = (await receiver.get(`/api/v1/coldchain/alarms?logger_id=${logger.id}`)).items.find((a) => a.id === first.id)
  assert.equal(after.acknowledgement_note, '已将样品转移至2号冷藏柜，通知设备科检修门封')
  w.check()
}
