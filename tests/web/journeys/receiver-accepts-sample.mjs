// A sample shipped by the office waits on the receiver's home; its receipt checklist keeps
// 接收 disabled, with the reason, until the shipment's arrival is recorded and every check
// passes; a rejection without a reason is
// refused in the form; the sample is accepted after confirming, and its tests appear.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { shippedSample } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await shippedSample(service, data)
  const w = await browser.page(DESKTOP, 'receiver accepts a sample')
  const { page } = w
  await logIn(w, base, 'receiver', PASSWORD)
  await page.locator('[data-test="todo-incoming"]').getByText(sample.number).waitFor()
  await w.shot('receiver-home.png')
  await page.locator('[data-test="menu-receipt"]').click()
  await page.locator(`[data-test="receive-${sample.number}"]`).click()
  const dialog = page.locator('[data-test="receipt-dialog"]')
  await dialog.getByText('FQ-GS-0001、FQ-GS-0002').waitFor()
  const submit = page.locator('[data-test="receipt-submit"]')
  assert.equal(await submit.isDisabled(), true, 'accept enabled before the checks')
  // The shipment is still in transit: its arrival is recorded first.
  await page.locator('[data-test="blocker"]').getByText('请先登记运输批次到达').waitFor()
  await page.locator('[data-test="arrive"]').click()
  await page.locator('[data-test="arrive"]').waitFor({ state: 'detached' })
  assert.match(await page.locator('[data-test="arrived-at"]').innerText(), /到达 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
  await page.locator('[data-test="blocker"]').getByText('封签不完好的样品不能接收').waitFor()

  await page.locator('[data-test="decide-reject"]').click()
  await submit.click()
  await dialog.locator('.el-form-item__error').getByText('必填').waitFor()
  await page.locator('[data-test="decide-accept"]').click()

  for (const check of ['check-seals', 'check-seal-numbers', 'check-labels']) await page.locator(`[data-test="${check}"]`).click()
  await page.locator('[data-test="blocker"]').getByText('数量不一致').waitFor()
  await page.waitForTimeout(400) // the checkboxes' transition
  await w.shot('receiver-checklist.png', { fullPage: false })
  await page.locator('[data-test="check-quantity"]').click()
  await page.locator('[data-test="blocker"]').waitFor({ state: 'detached' })
  await submit.click()
  await page.getByRole('dialog').getByText(`确认接收样品 ${sample.number}`).waitFor()
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await page.getByText(`已接收 ${sample.number}`).waitFor()
  await page.locator('[data-test="incoming"]').getByText(sample.number).waitFor({ state: 'detached' })
  await w.shot('receiver-accepted.png')

  const receiver = await service.as('receiver')
  const after = await receiver.get(`/api/v1/samples/${sample.number}`)
  assert.equal(after.state, 'received')
  assert.equal(after.receipts.at(-1).decision, 'accept')
  const analyst = await service.as('analyst')
  assert.equal((await analyst.get('/api/v1/worklists/tests')).items.length, 2, 'the receipt made no tests')
  w.check()
}
