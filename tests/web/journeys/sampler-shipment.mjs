// A sampler on a phone (360×740) ships the office's registered samples to the laboratory:
// 样品寄送 lists them; the laboratory is chosen from the service's list (GET /api/v1/laboratories:
// the active inspection centres, by name); a shipment without samples is refused in the form
// and a logger serial with a space is caught as typed; a laboratory deactivated after the page
// listed it and a logger the service does not know come back beside their fields; the shipment
// is made with its carrier and temperature logger, shown with its samples, its transport box
// and logger (GET .../transport-box), and dispatched after confirming; the service has it in
// transit and its sample shipped. The office's shipments are listed from the service (GET
// /api/v1/shipments?direction=sent), newest first. A second shipment dispatched behind the
// page's back (through the API) is refused when dispatched again from the page (409): the page
// says someone else changed it and its reload shows it in transit.
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
  // A second laboratory, closed after the page has listed it.
  const closing = (
    await admin.post('/api/v1/organisations', {
      code: 'SZ-KS-IDC', kind: 'inspection_centre', region_code: '320583', parent_id: data.orgs['SZ-AMR'].id, name: '昆山市检验检测中心',
    })
  ).body

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
  await page.getByText('本所尚无寄送批次').waitFor()
  // The laboratories offered are the service's, by name: the two inspection centres, no other organisation.
  const labSelect = page.locator('[data-test="laboratory"]')
  await labSelect.click()
  const options = page.locator('.lab-options .el-select-dropdown__item')
  await options.first().waitFor()
  assert.deepEqual((await options.allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim()).sort(), ['昆山市检验检测中心 SZ-KS-IDC', '苏州市药品检验检测研究中心 SZ-IDC'])
  await page.waitForTimeout(300) // the dropdown's fade-in
  await w.shot('sampler-shipment-laboratories.png', { fullPage: false })
  await page.keyboard.press('Escape')
  await w.fitsWidth()
  await w.shot('sampler-shipments.png')
  const choose = async (text) => {
    for (let attempt = 1; ; attempt++) {
      await labSelect.click()
      await page.locator('.lab-options .el-select-dropdown__item:visible').filter({ hasText: text }).click()
      try {
        await labSelect.getByText(text, { exact: true }).waitFor({ timeout: 3000 })
        return
      } catch (e) {
        if (attempt === 3) throw new Error(`the laboratory select does not show '${text}' after 3 choices: ${e.message}`)
      }
    }
  }

  // Nothing chosen: refused in the form, nothing sent.
  await input('carrier').fill('顺丰速运')
  await choose('苏州市药品检验检测研究中心')
  await page.locator('[data-test="create"]').click()
  await page.locator('.el-form-item__error').getByText('请至少选择一个样品').waitFor()
  // A serial with a space: caught as typed.
  await input('logger').fill('GS TRIP-L01')
  await page.locator('.el-form-item__error').getByText('序列号只能包含字母、数字和符号，不能有空格').waitFor()
  await w.shot('sampler-shipment-errors.png', { fullPage: false })
  await input('logger').fill('GS-TRIP-L01')
  await page.locator('.el-form-item__error').getByText('序列号只能包含').waitFor({ state: 'detached' })
  await pick(first.number).click()
  // Sent to a laboratory closed since the page listed it, then with a logger the service does
  // not know: each refusal is shown beside its field, in the service's words.
  const item = (name) => page.locator('.el-form-item').filter({ has: page.locator(`input[data-test="${name}"], [data-test="${name}"] input, [data-test="${name}"]`) }).last()
  await admin.call('PUT', `/api/v1/organisations/${closing.id}`, { name: closing.name, active: false }, { ifMatch: await admin.etag(`/api/v1/organisations/${closing.id}`) })
  await choose('昆山市检验检测中心')
  await input('logger').fill('GS-TRIP-L99')
  await page.locator('[data-test="create"]').click()
  await item('laboratory').locator('.el-form-item__error').getByText(`organisation ${closing.id}`, { exact: false }).waitFor()
  await w.shot('sampler-shipment-refused.png', { fullPage: false })
  await choose('苏州市药品检验检测研究中心')
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
  await card.getByText('温度记录仪').first().waitFor()
  await card.getByText('承运人').waitFor()
  assert.equal((await card.locator('[data-test="shipment-laboratory"]').innerText()).trim(), '苏州市药品检验检测研究中心')
  // Its box and logger, from the service: no box bound, the logger records from dispatch.
  await card.locator('[data-test="trip-box-unit"]').getByText('未绑定运输箱').waitFor()
  await card.locator('[data-test="trip-box-logger"]').getByText('GS-TRIP-L01').waitFor()
  await card.locator('[data-test="trip-box-logger"]').getByText('寄出后开始记录').waitFor()
  // The office's list has it, from the service.
  await page.locator(`[data-test="mine-${number}"]`).getByText('苏州市药品检验检测研究中心', { exact: false }).waitFor()
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
  await card.locator('[data-test="trip-box-readings"]').getByText('已记录 0 条', { exact: false }).waitFor()
  await page.locator(`[data-test="mine-${number}"]`).getByText('运输中').waitFor()
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

  // The office's list, newest first, from the service; the first one opened from it.
  await page.locator(`[data-test="mine-${other}"]`).getByText('运输中').waitFor()
  const listed = await page.locator('[data-test="mine"] li b.num').allInnerTexts()
  assert.deepEqual(listed, (await sampler.get('/api/v1/shipments?direction=sent')).items.map((s) => s.number))
  assert.deepEqual(listed, [other, number])
  await page.locator(`[data-test="mine-${number}"]`).click()
  await card.locator('[data-test="shipment-number"]').getByText(number).waitFor()
  await page.waitForURL(new RegExp(`number=${encodeURIComponent(number)}`))
  await w.fitsWidth()

  // Its samples' labels to print: one per portion (检验样品, 留样), the number in words and as
  // a Code 128 barcode; printing leaves only the labels.
  await card.locator('[data-test="print-labels"]').click()
  await page.waitForURL(/\/labels\?samples=/)
  const labels = page.locator('[data-test="labels"] .label')
  await page.locator(`[data-test="label-${first.number}-test"]`).waitFor()
  await page.locator(`[data-test="label-${first.number}-retained"]`).waitFor()
  assert.equal(await labels.count(), 2)
  assert.deepEqual(await labels.locator('[data-test="label-number"]').allInnerTexts(), [first.number, first.number])
  assert.ok((await labels.first().locator('svg.barcode rect').count()) > 20, 'no barcode drawn')
  assert.equal(await labels.first().locator('svg.barcode').getAttribute('aria-label'), first.number)
  await labels.first().getByText('批号 MH2609017').waitFor()
  await labels.first().getByText('封签 FQ-GS-0001、FQ-GS-0002').waitFor()
  await w.fitsWidth()
  await page.locator('.el-message').first().waitFor({ state: 'detached' })
  await w.shot('sampler-labels.png')
  await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed++ } })
  await page.locator('[data-test="print"]').click()
  assert.equal(await page.evaluate(() => window.__printed), 1, 'print was not asked for')
  await page.emulateMedia({ media: 'print' })
  assert.equal(await page.locator('header.top').isVisible(), false, 'the header is printed')
  assert.equal(await page.locator('[data-test="print"]').isVisible(), false, 'the print button is printed')
  await w.shot('sampler-labels-print.png')
  await page.emulateMedia({ media: 'screen' })
  w.check()
}
