// A nonconforming report issued while its case lead cannot be opened (issue 19): the city's
// enforcement unit has been deactivated, so no unit is responsible for the pharmacy. The
// signatory issues the report after confirming; the page says it is issued and the notices
// went, and warns in Chinese that the case lead could not be opened, why, and that the
// service opens it by itself once the cause is fixed (never "case lead opened"). The
// service has the report issued and no case lead.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { nonconformingReport, reviewed } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await nonconformingReport(service, data)
  await reviewed(service)
  const signatory = await service.as('signatory')
  const draft = await signatory.post(`/api/v1/samples/${sample.number}/reports`)
  await signatory.post(`/api/v1/reports/${draft.body.number}/approve`, { password: PASSWORD }, { ifMatch: draft.etag, expect: [200] })
  const admin = await service.as('admin')
  const enf = `/api/v1/organisations/${data.orgs['SZ-ENF'].id}`
  await admin.call('PUT', enf, { name: '苏州市药品稽查支队', active: false }, { ifMatch: await admin.etag(enf) })

  const w = await browser.page(DESKTOP, 'signatory issues without a lead')
  const { page } = w
  await logIn(w, base, 'signatory', PASSWORD)
  await page.locator('[data-test="menu-reports"]').click()
  await page.locator('input[name="report-query"]').fill(draft.body.number)
  await page.locator('[data-test="open-report"]').click()
  const card = page.locator('[data-test="report"]')
  await card.getByText('已批准', { exact: true }).waitFor()
  await page.locator('[data-test="issue"]').click()
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  const problem = page.locator('[data-test="lead-problem"]')
  await problem.waitFor()
  assert.equal(await problem.getAttribute('data-code'), 'case_lead.no_enforcement_unit')
  const text = await problem.innerText()
  assert.match(text, /报告已签发，但案件线索未能生成/)
  assert.match(text, /未设置稽查执法单位/)
  assert.match(text, /自动重试/)
  const issued = await page.locator('[data-test="issued"]').innerText()
  assert.match(issued, /已发送不合格通知 \d+ 份/)
  assert.doesNotMatch(issued, /已生成案件线索/)
  await card.getByText('已签发', { exact: true }).waitFor()
  await page.waitForTimeout(1000) // the PDF viewer draws the issued report
  await w.shot('signatory-lead-problem.png')

  const report = await signatory.get(`/api/v1/reports/${draft.body.number}`)
  assert.equal(report.state, 'issued')
  // (the officer's unit is inactive, so the officer cannot log in; the administrator looks)
  assert.equal((await admin.get('/api/v1/case-leads')).items.length, 0)
  w.check()
}
