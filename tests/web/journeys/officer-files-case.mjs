// The case after the lead: the lead of a nonconforming report, taken to investigation, is
// filed as a case from its page (立案登记, with the head's approval); the case shows its
// 90-day clock with the due date and days left; the clock is stopped for testing (中止计时,
// the deadline gives way to the pause) and restarted; a seizure is recorded with its
// decision's number and its own term, which stands while the seized goods are tested
// (行政强制法 第二十五条); the outcome (行政处罚 with amount, legal basis and a
// penalty on a person) is recorded after confirming. The service has each of them.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { nonconformingReport, reviewAndIssue } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await nonconformingReport(service, data)
  const issued = await reviewAndIssue(service, sample)
  const lead = issued.case_lead
  assert.ok(lead?.number, `no case lead: ${JSON.stringify(issued)}`)
  const officer = await service.as('officer')
  const leadPath = `/api/v1/case-leads/${lead.number}`
  for (const action of ['accept', 'investigate'])
    await officer.post(`${leadPath}/steps`, { action }, { ifMatch: await officer.etag(leadPath) })

  const w = await browser.page(DESKTOP, 'officer files case')
  const { page } = w
  await logIn(w, base, 'officer', PASSWORD)
  await page.goto(`${base}/enforcement/leads/${encodeURIComponent(lead.number)}`)
  const panel = page.locator('[data-test="case-panel"]')
  await panel.getByText('线索尚未立案登记').waitFor()
  await page.locator('[data-test="case-file"]').click()
  await page.getByRole('dialog').locator('[data-test="case-approval"]').fill('局长王某某 批准立案')
  await page.locator('[data-test="case-confirm"]').click()
  await page.getByText('已办理：立案登记').waitFor()
  await page.getByRole('dialog').waitFor({ state: 'hidden' })
  const number = (await panel.locator('[data-test="case-number"]').innerText()).trim()
  assert.match(number, /^AJ\d{4}-\d{6}$/)
  await panel.locator('[data-state="filed"]').waitFor()
  // The lead took its own 立案 step with the same approval.
  await page.locator('.title').getByText('已立案').waitFor()
  const deadline = panel.locator('[data-test="case-deadline"] .deadline')
  await deadline.locator('[data-test="days-left"]').waitFor()
  const stored = await officer.get(`/api/v1/cases/${number}`)
  const clock = (await officer.get(`/api/v1/calendar/clocks?due_at=${stored.deadline_at}`)).items[0]
  assert.equal(await deadline.locator('.date').innerText(), clock.due_date)
  await w.shot('officer-case-filed.png')

  // Out for testing: the clock stands, then runs again.
  await page.locator('[data-test="case-pause"]').click()
  await page.locator('[data-test="case-confirm"]').click()
  await panel.locator('[data-test="case-paused"]').getByText('计时中止：检测').waitFor()
  await page.getByRole('dialog').waitFor({ state: 'hidden' })
  assert.equal(await deadline.count(), 0, 'a deadline shown while the clock stands')
  assert.equal(await page.locator('[data-test="case-pause"]').count(), 0, 'pause offered while paused')
  await w.shot('officer-case-paused.png')
  await page.locator('[data-test="case-resume"]').click()
  await page.locator('[data-test="case-confirm"]').click()
  await page.getByText('已办理：恢复计时').waitFor()
  await deadline.locator('.date').waitFor()

  // A seizure needs its decision's number; its term is shown beside it.
  await page.locator('[data-test="case-measure"]').click()
  const dialog = page.getByRole('dialog')
  await dialog.locator('[data-test="measure-kind"]').click()
  await page.getByRole('option', { name: '查封扣押' }).click()
  await dialog.locator('[data-test="measure-scope"]').fill('批号 240501 共 120 盒')
  await dialog.locator('[data-test="measure-document"]').fill('市监查扣〔2026〕12号')
  await page.locator('[data-test="case-confirm"]').click()
  await page.getByText('已办理：采取控制措施').waitFor()
  const measures = panel.locator('[data-test="case-measures"]')
  await measures.getByText('市监查扣〔2026〕12号').waitFor()
  await measures.locator('.deadline .date').waitFor()
  await page.getByRole('dialog').waitFor({ state: 'hidden' })

  // The seized goods out for testing: the seizure's term stands and runs again when they are
  // back (行政强制法 第二十五条, cited from the statutory rule catalogue).
  await panel.locator('[data-test="seizure-rule"]').getByText('不包括检测、检验、检疫或者技术鉴定的期间', { exact: false }).waitFor()
  await measures.locator('[data-test="measure-pause-1"]').click()
  await page.locator('[data-test="case-confirm"]').click()
  await measures.locator('[data-test="measure-paused-1"]').getByText('期限中止（检测）', { exact: false }).waitFor()
  await page.getByRole('dialog').waitFor({ state: 'hidden' })
  assert.equal(await measures.locator('.deadline').count(), 0, 'a seizure term shown while it stands')
  await w.shot('officer-seizure-paused.png')
  await measures.locator('[data-test="measure-resume-1"]').click()
  await page.locator('[data-test="case-confirm"]').click()
  await page.getByText('已办理：恢复计算期限').waitFor()
  await measures.locator('.deadline .date').waitFor()
  await page.getByRole('dialog').waitFor({ state: 'hidden' })

  // The outcome: a penalty with amount, legal basis and a penalty on a person.
  await page.locator('[data-test="case-outcome"]').click()
  await dialog.locator('[data-test="outcome-amount"]').fill('50000')
  await dialog.locator('[data-test="outcome-basis"]').fill('《中华人民共和国药品管理法》第一百一十七条')
  await dialog.locator('[data-test="outcome-number"]').fill('市监罚〔2026〕88号')
  await dialog.locator('[data-test="person-name"]').fill('李某')
  await dialog.locator('[data-test="person-penalty"]').fill('罚款')
  await dialog.locator('[data-test="person-amount"]').fill('20000')
  await dialog.locator('[data-test="case-approval"]').fill('局长王某某 批准')
  await page.locator('[data-test="case-confirm"]').click()
  await page.getByText('已办理：作出处理决定').waitFor()
  const outcome = panel.locator('[data-test="case-outcome"]')
  await outcome.getByText('50000 元').waitFor()
  await outcome.getByText('李某').waitFor()
  await panel.locator('[data-state="decided"]').waitFor()
  await page.getByRole('dialog').waitFor({ state: 'hidden' })
  await w.shot('officer-case-decided.png')

  const decided = await officer.get(`/api/v1/cases/${number}`)
  assert.equal(decided.state, 'decided')
  assert.equal(decided.pauses.length, 1)
  assert.ok(decided.pauses[0].ended_at, 'the pause did not end')
  assert.equal(decided.measures[0].kind, 'seizure')
  assert.ok(decided.measures[0].decision_due_at, 'no seizure term')
  assert.equal(decided.measures[0].pauses.length, 1)
  assert.ok(decided.measures[0].pauses[0].ended_at, 'the pause of the seizure did not end')
  assert.equal(decided.outcome.amount, '50000')
  assert.equal(decided.outcome.persons[0].name, '李某')
  w.check()
}
