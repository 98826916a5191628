// A sampler on a phone (360×740) ships the office's registered samples to the laboratory:
// 样品寄送 lists them; a shipment without samples is refused in the form and a logger serial
// with a space is caught as typed; an organisation that is no laboratory and a logger the
// service does not know come back beside their fields; the shipment is made with its carrier and temperature
// logger, shown with its samples, and dispatched after confirming; the service has it in
// transit and its sample shipped. A second shipment dispatched behind the page's back
// (through the API) is refused when dispatched again from the page (409): the page says
// someone else changed it and its reload shows it in transit.
import { PHONE, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { registeredSample } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const first = await registeredSample(service, data, { batch: 'MH2609017' })
  const second = await registeredSample(service, data, { batch: 'MH2609018', seals: ['FQ-GS-0003', 'FQ-GS-0004'] })
  const admin = await service.as('admin')
  await admin.post('/api/v1/coldchain/loggers', { serial: 'GS-TRIP-L01', model: 'TT-4', organisation_code: 'SZ-GS' })
  const sampler = await service.as('sampler1')
  const lab = data.orgs['SZ-IDC'].id

  const w = await browser.page(PHONE, 'sampler ships samples')
  w.expect(409, /^\/api\/v1\/shipments\/[^/]+\/dispatch$/) // the deliberate stale dispatch
  w.expect(422, /^\/api\/v1\/shipments$/) // the deliberate wrong laboratory and logger
  const { page } = w
  await logIn(w, base, 'sampler1', PASSWORD)
  // 我的待办 offers the samples to ship a way to this page.
  await page.locator('[data-test="todo-unshipped"]').getByText(second.number).waitFor()
  assert.equal(await page.locator('[data-test="todo-ship"]').getAttribute('href'), '/sampler/shipments')
  // On a phone the menu is a drawer behind its button.
  await page.getByRole('button', { name: '菜单' }).click()
  await page.locator('.el-drawer').getByRole('menuitem', { name: '样品寄送' }).click()
  await page.locator('.el-drawer').waitFor({ state: 'hidden' })
  await page.waitForURL(/\/sampler\/shipments/)
  const input = (name) => page.locator(`input[data-test="${name}"], [data-test="${name}"] input`)
  const pick = (number) => page.locator(`[data-test="pick-${number}"]`)
  await pick(first.number).waitFor()
  await pick(second.number).waitFor()
  await page.getByText('新建寄送').waitFor()
  await w.fitsWidth()
  await w.shot('sampler-shipments.png')

  // Nothing chosen: refused in the form, nothing sent.
  await input('carrier').fill('顺丰速运')
  await input('laboratory').fill(String(lab))
  await page.locator('[data-test="create"]').click()
  await page.locator('.el-form-item__error').getByText('请至少选择一个样品').waitFor()
  // A serial with a space: caught as typed.
  await input('logger').fill('GS TRIP-L01')
  await page.locator('.el-form-item__error').getByText('序列号只能包含字母、数字和符号，不能有空格').waitFor()
  await w.shot('sampler-shipment-errors.png', { fullPage: false })
  await input('logger').fill('GS-TRIP-L01')
  await page.locator('.el-form-item__error').getByText('序列号只能包含').waitFor({ state: 'detached' })
  await pick(first.number).click()
  // Sent to an organisation that is no laboratory, then with a logger the service does not
  // know: each refusal is shown beside its field, in the service's words.
  const item = (name) => page.locator('.el-form-item').filter({ has: page.locator(`input[data-test="${name}"], [data-test="${name}"] input`) })
  await input('laboratory').fill(String(data.orgs['SZ-ENF'].id))
  await input('logger').fill('GS-TRIP-L99')
  await page.locator('[data-test="create"]').click()
  await item('laboratory').locator('.el-form-item__error').getByText(`organisation ${data.orgs['SZ-ENF'].id}`, { exact: false }).waitFor()
  await w.shot('sampler-shipment-refused.png', { fullPage: false })
  await input('laboratory').fill(String(lab))
  await item('laboratory').locator('.el-form-item__error').waitFor({ state: 'detached' })
  await page.locator('[data-test="create"]').click()
  await item('logger').locator('.el-form-item__error').getByText('there is no logger GS-TRIP-L99').waitFor()
  await input('logger').fill('GS-TRIP-L01')
  await item('logger').locator('.el-form-item__error').waitFor({ state: 'detached' })
  await page.locator('[data-test="create"]').click()

  const card = page.locator('[data-test="shipment"]')
  await card.waitFor()
  const number = (await card.locator('[data-test="shipment-number"]').innerText()).trim()
  assert.match(number, /\S+/)
  await page.waitForURL(new RegExp(`number=${encodeURIComponent(number)}`))
  assert.equal((await card.locator('[data-test="shipment-state"]').innerText()).trim(), '待寄出')
  assert.equal((await card.locator('[data-test="shipment-carrier"]').innerText()).trim(), '顺丰速运')
  assert.equal((await card.locator('[data-test="shipment-logger"]').innerText()).trim(), 'GS-TRIP-L01')
  assert.deepEqual(await card.locator('[data-test="shipment-samples"] li').allInnerTexts(), [first.number])
  await card.getByText('温度记录仪').waitFor()
  await card.getByText('承运人').waitFor()
  await page.locator(`[data-test="recent-${number}"]`).waitFor()
  // Its sample is not offered for another shipment; the other one is.
  await pick(first.number).waitFor({ state: 'detached' })
  await pick(second.number).waitFor()
  await w.fitsWidth()
  await w.shot('sampler-shipment-ready.png')

  // Dispatch: asked first; cancelling changes nothing.
  await card.locator('[data-test="dispatch"]').click()
  const box = page.locator('.el-message-box')
  await box.getByText(`确认运输批次 ${number}（1 批样品）已交由顺丰速运寄出？`, { exact: false }).waitFor()
  await page.waitForTimeout(400) // the box's fade-in
  await w.shot('sampler-shipment-confirm.png', { fullPage: false })
  await box.getByRole('button', { name: '取消' }).click()
  await box.waitFor({ state: 'hidden' })
  assert.equal((await sampler.get(`/api/v1/shipments/${number}`)).state, 'ready', 'cancelled dispatch sent')
  await card.locator('[data-test="dispatch"]').click()
  await box.getByRole('button', { name: '确认寄出' }).click()
  await card.locator('[data-test="shipment-state"]').getByText('运输中').waitFor()
  await card.locator('[data-test="dispatch"]').waitFor({ state: 'detached' })
  await box.waitFor({ state: 'hidden' })
  assert.match(await card.locator('[data-test="shipment-departed"]').innerText(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
  // The shipped sample is no longer offered; the other one is.
  await pick(first.number).waitFor({ state: 'detached' })
  await pick(second.number).waitFor()
  await w.fitsWidth()
  await w.shot('sampler-shipment-dispatched.png')

  // The service has it.
  const shipped = await sampler.get(`/api/v1/shipments/${number}`)
  assert.equal(shipped.state, 'in_transit')
  assert.equal(shipped.carrier, '顺丰速运')
  assert.equal(shipped.logger_serial, 'GS-TRIP-L01')
  assert.equal(shipped.laboratory_id, lab)
  assert.deepEqual(shipped.samples.map((s) => s.sample_number), [first.number])
  assert.ok(shipped.departed_at, 'no departure recorded')
  assert.equal((await sampler.get(`/api/v1/samples/${first.number}`)).state, 'shipped')

  // A second shipment, dispatched through the API while the page shows it ready.
  await pick(second.number).click()
  await input('carrier').fill('中国邮政EMS')
  await page.locator('[data-test="create"]').click()
  await card.locator('[data-test="shipment-samples"]').getByText(second.number).waitFor()
  const other = (await card.locator('[data-test="shipment-number"]').innerText()).trim()
  assert.notEqual(other, number)
  const path = `/api/v1/shipments/${other}`
  await sampler.post(`${path}/dispatch`, {}, { ifMatch: await sampler.etag(path), expect: [200] })
  await card.locator('[data-test="dispatch"]').click()
  await box.getByRole('button', { name: '确认寄出' }).click()
  await card.locator('[data-test="conflict"]').getByText('该记录已被他人修改').waitFor()
  await box.waitFor({ state: 'hidden' })
  await w.shot('sampler-shipment-conflict.png', { fullPage: false })
  await card.locator('[data-test="reload"]').click()
  await card.locator('[data-test="shipment-state"]').getByText('运输中').waitFor()
  await card.locator('[data-test="conflict"]').waitFor({ state: 'detached' })
  assert.equal((await sampler.get(path)).state, 'in_transit')

  // The first one again from this session's list.
  await page.locator(`[data-test="recent-${number}"]`).click()
  await card.locator('[data-test="shipment-number"]').getByText(number).waitFor()
  await w.fitsWidth()
  w.check()
}
