// The signatory drafts the report of a sample whose results are final by its number, sees
// each item with its requirement, rounded result and verdict (the failing assay in red) and
// the PDF in the page once approved, approves it signing with the password (refused with a wrong one) and
// issues it after confirming: the notices go and the case lead opens.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { nonconformingReport, reviewed } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await nonconformingReport(service, data)
  await reviewed(service)
  const w = await browser.page(DESKTOP, 'signatory issues a report')
  w.expect(403, /^\/api\/v1\/reports\/[^/]+\/approve$/) // the wrong password, deliberately
  const { page } = w
  await logIn(w, base, 'signatory', PASSWORD)
  await page.locator('[data-test="menu-reports"]').click()
  await page.locator('input[name="report-query"]').fill(sample.number)
  await page.locator('[data-test="open-report"]').click()
  const card = page.locator('[data-test="report"]')
  await card.getByText('草稿').waitFor()
  const failing = card.locator('tr.fails')
  await failing.getByText('含量测定').waitFor()
  assert.match(await failing.innerText(), /95\.0–105\.0 %[\s\S]*88\.2 %[\s\S]*不符合规定/)
  assert.equal(await card.locator('tr.fails').count(), 1)
  await page.getByText('批准后在此预览报告 PDF').waitFor()

  await page.locator('[data-test="approve"]').click()
  const sign = page.locator('[data-test="sign-dialog"]')
  await sign.locator('input[name="sign-password"]').fill('not-my-password')
  await page.locator('[data-test="sign-submit"]').click()
  await sign.locator('.el-form-item__error').waitFor()
  await sign.locator('input[name="sign-password"]').fill(PASSWORD)
  await page.locator('[data-test="sign-submit"]').click()
  await card.getByText('已批准', { exact: true }).waitFor()
  // Approved, the PDF is in the page.
  await page.locator('[data-test="pdf"]').waitFor()
  assert.match(await page.locator('[data-test="pdf"]').getAttribute('src'), /^blob:/)
  await page.waitForTimeout(1000) // the PDF viewer draws
  await w.shot('signatory-approved.png')

  await page.locator('[data-test="issue"]').click()
  await page.locator('.el-message-box').getByText('自动生成案件线索').waitFor()
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  const issued = page.locator('[data-test="issued"]')
  await issued.waitFor()
  assert.match(await issued.innerText(), /已发送不合格通知 \d+ 份[\s\S]*已生成案件线索 XS\d{4}-\d{6}/)
  await card.getByText('已签发', { exact: true }).waitFor()
  await page.waitForTimeout(1000) // the PDF viewer draws the issued report
  await w.shot('signatory-issued.png')

  const officer = await service.as('officer')
  assert.equal((await officer.get('/api/v1/case-leads')).items.length, 1)
  w.check()
}
