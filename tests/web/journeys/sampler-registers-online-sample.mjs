// A sampler on a phone (360×740) registers a sample bought from an online shop (网络抽样):
// the platform, the shop with a mistyped address caught as typed, the order and its parcel,
// the price paid through the platform and both samplers' certificate numbers; a purchase
// screenshot (PNG) is attached and a GIF is refused on the phone by its type. The service
// has the online purchase, the record's certificates and the screenshot, with the same
// SHA-256 as the file that was chosen.
import { createHash } from 'node:crypto'
import { PHONE, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { MAKER, PHARMACY, PRODUCT } from '../seed.mjs'

// A 1×1 PNG, as a screenshot tool writes one.
const SCREENSHOT = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)
const GIF = Buffer.from('R0lGODlhAQABAAAAACw=', 'base64')

export default async function ({ service, browser, base, data, assert }) {
  const sampler = await service.as('sampler1')
  const task = `/api/v1/tasks/${data.task.number}`
  await sampler.post(`${task}/start`, undefined, { ifMatch: await sampler.etag(task), expect: [200] })

  const w = await browser.page(PHONE, 'sampler registers an online sample')
  const { page } = w
  await logIn(w, base, 'sampler1', PASSWORD)
  await page.goto(`${base}/sampler/register?task=${encodeURIComponent(data.task.number)}`)
  await page.locator('[data-test="mode"]').getByText('网络抽样').click()

  const field = (name) => page.locator(`input[name="${name}"]`)
  const item = (name) => page.locator('.el-form-item').filter({ has: page.locator(`input[name="${name}"]`) })
  await field('platform-name').fill('某电商平台')
  await field('platform-credit-code').fill(PHARMACY.credit_code.slice(0, 17) + 'J')
  await field('shop-name').fill('人民路大药房旗舰店')
  // The address copied without its scheme: caught as typed.
  await field('shop-url').fill('shop-8848.example-mall.com/index.html')
  await item('shop-url').locator('.el-form-item__error').getByText('网址应以 https:// 或 http:// 开头').waitFor()
  await item('shop-url').evaluate((e) => e.scrollIntoView({ block: 'center' }))
  await w.fitsWidth()
  await w.shot('register-online-inline-error.png', { fullPage: false })
  await field('shop-url').fill('https://shop-8848.example-mall.com/index.html')
  await item('shop-url').locator('.el-form-item__error').waitFor({ state: 'detached' })
  // The platform operator's code with a wrong check character is caught too.
  await item('platform-credit-code').locator('.el-form-item__error').getByText('校验位不符').waitFor()
  await field('platform-credit-code').fill(PHARMACY.credit_code)
  await field('shop-region').fill(PHARMACY.region)
  await field('order-number').fill('ORD-20261201-0042')
  await field('shop-address').fill(PHARMACY.address)
  await field('receiving-address').fill('苏州市姑苏区观前所抽样室')
  await field('carrier').fill('顺丰速运')
  await field('tracking-number').fill('SF1400000042')

  await field('entity-name').fill(PHARMACY.name)
  await field('entity-credit-code').fill(PHARMACY.credit_code)
  await field('entity-address').fill(PHARMACY.address)
  await field('product-name').fill(PRODUCT.name)
  await field('dosage-form').fill(PRODUCT.dosage_form)
  await field('specification').fill(PRODUCT.specification)
  await field('approval-number').fill(PRODUCT.approval_number)
  await field('manufacturer').fill(MAKER.name)
  await field('manufacturer-credit-code').fill(MAKER.credit_code)
  await field('batch').fill('MH2610042')
  await field('production-date').fill('2026-10-12')
  await field('expiry-date').fill('2028-10-11')
  await field('quantity').fill('6')
  await field('test-quantity').fill('4')
  await field('retained-quantity').fill('2')
  await field('seals').fill('FQ-NET-0042')
  await field('second-sampler').fill(String(data.users.sampler2.id))
  await field('sampling-place').fill('观前所抽样室（收货后当场签封）')

  await field('price').fill('36.50')
  await page.locator('[data-test="payment"]').click()
  await page.locator('.el-select-dropdown__item').getByText('平台订单支付').click()
  await field('my-certificate').fill('ZF3205-0001')
  await field('second-certificate').fill('ZF3205-0002')

  // A purchase screenshot kept; a GIF refused on the phone by its type.
  await page.locator('input[name="photos"]').setInputFiles([
    { name: '订单截图.png', mimeType: 'image/png', buffer: SCREENSHOT },
    { name: 'animation.gif', mimeType: 'image/gif', buffer: GIF },
  ])
  const list = page.locator('[data-test="photo-list"]')
  await list.getByText('订单截图.png').waitFor()
  await list.getByText('不支持的文件类型（image/gif）').waitFor()
  await list.evaluate((e) => e.scrollIntoView({ block: 'center' }))
  await w.fitsWidth()
  await w.shot('register-online-photos.png', { fullPage: false })
  await w.shot('register-online-form.png')

  await page.locator('[data-test="submit"]').click()
  const done = page.locator('[data-test="registered"]')
  await done.waitFor()
  await done.locator('[data-test="photos-sent"]').getByText('已上传').waitFor()
  const text = await done.innerText()
  const number = /样品编号\s*(\S+)/.exec(text)?.[1]
  assert.ok(number, `no sample number in: ${text}`)
  await w.fitsWidth()
  await w.shot('register-online-done.png')

  const sample = await sampler.get(`/api/v1/samples/${encodeURIComponent(number)}`)
  assert.equal(sample.online.shop_url, 'https://shop-8848.example-mall.com/index.html')
  assert.equal(sample.online.order_number, 'ORD-20261201-0042')
  assert.equal(sample.online.delivery.tracking_number, 'SF1400000042')
  assert.equal(sample.sampling_stage, 'distribution')
  assert.deepEqual(sample.purchase, { price: '36.50', payment_method: 'platform_order', payment_reference: '' })
  assert.deepEqual(sample.sampler_certificates.map((c) => c.certificate_number).sort(), ['ZF3205-0001', 'ZF3205-0002'])
  const attachments = (await sampler.get(`/api/v1/samples/${encodeURIComponent(number)}/attachments`)).items
  assert.equal(attachments.length, 1)
  assert.equal(attachments[0].purpose, 'purchase_screenshot')
  assert.equal(attachments[0].media_type, 'image/png')
  assert.equal(attachments[0].sha256, createHash('sha256').update(SCREENSHOT).digest('hex'))
  w.check()
}
