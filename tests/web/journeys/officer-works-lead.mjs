// The nonconforming report opened a case lead by itself; the enforcement officer finds it
// on the board with its deadline (due date, days left), opens its page with the failing item
// and the evidence, accepts it after confirming, and extends its deadline once with the
// head's approval.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { nonconformingReport, reviewAndIssue } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await nonconformingReport(service, data)
  const issued = await reviewAndIssue(service, sample)
  const lead = issued.case_lead
  assert.ok(lead?.number, `no case lead: ${JSON.stringify(issued)}`)

  const w = await browser.page(DESKTOP, 'officer case lead')
  const { page } = w
  await logIn(w, base, 'officer', PASSWORD)
  await page.locator('[data-test="todo-leads"]').getByText(lead.number).waitFor()
  await w.shot('officer-home.png')
  await page.locator('[data-test="menu-leads"]').click()
  const board = page.locator('[data-test="leads"]')
  const row = board.locator('tr').filter({ hasText: lead.number })
  await row.waitFor()
  const deadline = row.locator('.deadline')
  // Due date and working days left as the service counts them on its calendar.
  const clock = (await (await service.as('officer')).get(`/api/v1/calendar/clocks?due_at=${lead.deadline_at}`)).items[0]
  await deadline.locator('[data-test="days-left"]').waitFor()
  assert.equal(await deadline.getAttribute('data-tone'), clock.working_days_left <= 2 ? 'soon' : 'normal')
  assert.equal(await deadline.locator('.date').innerText(), clock.due_date)
  assert.equal(await deadline.locator('[data-test="days-left"]').innerText(), clock.working_days_left === 0 ? '今日到期' : `剩 ${clock.working_days_left} 个工作日`)
  assert.match(await row.innerText(), /待受理/)
  await w.shot('officer-board.png')

  await row.getByRole('link', { name: lead.number }).click()
  await page.locator('[data-test="lead-facts"]').getByText('盐酸二甲双胍片').waitFor()
  await page.getByText('含量测定').first().waitFor()
  assert.ok((await page.locator('[data-test="lead-evidence"] .row').count()) > 0, 'no evidence shown')
  await w.shot('officer-lead.png')
  await page.locator('[data-test="step-accept"]').click()
  await page.locator('[data-test="step-confirm"]').click()
  await page.getByText('已办理：受理').waitFor()
  await page.locator('.title').getByText('已受理').waitFor()
  await page.getByRole('dialog').waitFor({ state: 'hidden' })
  assert.equal(await page.locator('[data-test="step-investigate"]').isEnabled(), true)
  await w.shot('officer-lead-accepted.png')

  // One extension, by 15 working days, with the head's approval; then it is disabled.
  const before = await page.locator('[data-test="lead-facts"] .deadline .date').innerText()
  await page.locator('[data-test="step-extend"]').click()
  await page.getByRole('dialog').locator('input').fill('分管局长王某某 2026-12-07 批准')
  await page.locator('[data-test="step-confirm"]').click()
  await page.locator('[data-test="extended"]').getByText('分管局长王某某').waitFor()
  await page.getByRole('dialog').waitFor({ state: 'hidden' })
  const after = await page.locator('[data-test="lead-facts"] .deadline .date').innerText()
  assert.ok(after > before, `the deadline did not move: ${before} -> ${after}`)
  assert.equal(await page.locator('[data-test="step-extend"]').count(), 0, 'extend offered twice')
  await w.shot('officer-lead-extended.png')

  const officer = await service.as('officer')
  const stored = await officer.get(`/api/v1/case-leads/${lead.number}`)
  assert.equal(stored.state, 'accepted')
  assert.equal(stored.extended, true)
  w.check()
}
