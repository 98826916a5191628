// A sampler on a phone (360×740) starts the office's task and registers a sample: a
// mistyped credit code is caught as typed and corrected; a second sampler the service does
// not accept (a bureau account) comes back as a field error beside that field and is
// corrected; a reload keeps the half-filled form; the sample is registered and the service
// has it.
import { PHONE, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { MAKER, PHARMACY, PRODUCT } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const w = await browser.page(PHONE, 'sampler registers a sample')
  w.expect(422, /^\/api\/v1\/samples$/) // the deliberate wrong second sampler
  const { page } = w
  await logIn(w, base, 'sampler1', PASSWORD)
  const card = page.locator('[data-test="todo-tasks"]')
  await card.getByText(data.task.number).waitFor()
  await w.fitsWidth()
  await w.shot('sampler-home.png')

  await card.getByRole('link', { name: '查看全部' }).click()
  const task = page.locator(`[data-test="task-${data.task.number}"]`)
  await task.getByRole('button', { name: '开始任务' }).click()
  await task.getByText('进行中').waitFor()
  await w.fitsWidth()
  await w.shot('sampler-tasks.png')
  await task.getByRole('button', { name: '抽样登记' }).click()
  await page.waitForURL(/\/sampler\/register\?task=/)

  const field = (name) => page.locator(`input[name="${name}"]`)
  const item = (name) => page.locator('.el-form-item').filter({ has: page.locator(`input[name="${name}"]`) })
  await field('entity-name').fill(PHARMACY.name)
  // The last character mistyped (J for H): caught while typing, before anything is sent.
  await field('entity-credit-code').fill(PHARMACY.credit_code.slice(0, 17) + 'J')
  await item('entity-credit-code').locator('.el-form-item__error').getByText('校验位不符').waitFor()
  await field('entity-address').fill(PHARMACY.address)
  await field('product-name').fill(PRODUCT.name)
  await field('dosage-form').fill(PRODUCT.dosage_form)
  await field('specification').fill(PRODUCT.specification)
  await field('approval-number').fill(PRODUCT.approval_number)
  await field('manufacturer').fill(MAKER.name)
  await field('manufacturer-credit-code').fill(MAKER.credit_code)
  await field('batch').fill('MH2610023')
  await field('production-date').fill('2026-10-12')
  await field('expiry-date').fill('2028-10-11')
  await field('quantity').fill('6')
  await field('test-quantity').fill('4')
  await field('retained-quantity').fill('3') // does not add up: caught as typed
  await item('retained-quantity').locator('.el-form-item__error').getByText('之和应等于抽样数量 6').waitFor()
  await item('entity-credit-code').evaluate((e) => e.scrollIntoView({ block: 'start' }))
  await page.evaluate(() => window.scrollBy(0, -70)) // below the sticky header
  await w.fitsWidth()
  await w.shot('register-inline-error.png', { fullPage: false })
  await item('retained-quantity').evaluate((e) => e.scrollIntoView({ block: 'center' }))
  await w.shot('register-inline-error-quantity.png', { fullPage: false })
  await field('retained-quantity').fill('2')
  await field('entity-credit-code').fill(PHARMACY.credit_code)
  await item('entity-credit-code').locator('.el-form-item__error').waitFor({ state: 'detached' })
  await item('retained-quantity').locator('.el-form-item__error').waitFor({ state: 'detached' })

  // A lost connection or a closed tab loses nothing: the draft is back after a reload.
  await page.reload()
  await page.getByText('已恢复未提交的草稿').waitFor()
  assert.equal(await field('entity-credit-code').inputValue(), PHARMACY.credit_code)
  assert.equal(await field('retained-quantity').inputValue(), '2')
  // Each field is labelled (screen readers, and a tap on the label focuses it).
  assert.equal(await page.getByLabel('批准文号/注册证编号').inputValue(), PRODUCT.approval_number)

  await field('seals').fill('FQ-GS-1001，FQ-GS-1002')
  // A bureau account as the second sampler: the form cannot know, the service refuses it.
  await field('second-sampler').fill(String(data.users.viewer.id))
  await field('sampling-place').fill('营业厅货架')
  await page.locator('[data-test="submit"]').click()
  const samplerError = item('second-sampler').locator('.el-form-item__error')
  await samplerError.getByText('服务器：').waitFor()
  await item('second-sampler').evaluate((e) => e.scrollIntoView({ block: 'center' }))
  await page.locator('.el-message').first().waitFor({ state: 'detached' })
  await w.shot('register-server-error.png', { fullPage: false })
  await field('second-sampler').fill(String(data.users.sampler2.id))
  await samplerError.waitFor({ state: 'detached' })
  await page.locator('[data-test="submit"]').click()

  const done = page.locator('[data-test="registered"]')
  await done.waitFor()
  const text = await done.innerText()
  const number = /样品编号\s*(\S+)/.exec(text)?.[1]
  assert.ok(number, `no sample number in: ${text}`)
  await w.fitsWidth()
  await w.shot('register-done.png')

  const sampler = await service.as('sampler1')
  const sample = await sampler.get(`/api/v1/samples/${encodeURIComponent(number)}`)
  assert.equal(sample.state, 'registered')
  assert.equal(sample.batch_number, 'MH2610023')
  assert.deepEqual(sample.sampler_user_ids, [data.users.sampler1.id, data.users.sampler2.id])
  assert.deepEqual(sample.seal_numbers, ['FQ-GS-1001', 'FQ-GS-1002'])
  assert.deepEqual(
    sample.portions.map((p) => [p.kind, p.quantity]).sort(),
    [['retained', '2'], ['test', '4']].sort(),
  )
  w.check()
}
