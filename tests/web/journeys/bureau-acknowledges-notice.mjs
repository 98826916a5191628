// A nonconforming report issued (through the API, as the laboratory would) sends its notices;
// the city bureau's viewer sees them waiting on the home page with their deadline and
// acknowledges one after confirming; the service records it. The inbox is paged and filtered
// on the server (GET /api/v1/notices?state=sent): the page says how many of how many it shows,
// as the service counts them, and 全部 asks the service again.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { nonconformingReport, reviewAndIssue } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await nonconformingReport(service, data)
  const issued = await reviewAndIssue(service, sample)
  assert.ok(issued.notices?.length, `no notices: ${JSON.stringify(issued)}`)

  const viewer = await service.as('viewer')
  const mine = (await viewer.get('/api/v1/notices')).items.filter((n) => n.state === 'sent' && n.to_org_id === data.orgs['SZ-AMR'].id)
  assert.ok(mine.length > 0, 'no notice to the city bureau')
  const notice = mine[0]

  const w = await browser.page(DESKTOP, 'bureau notices')
  const { page } = w
  await logIn(w, base, 'viewer', PASSWORD)
  await page.locator('[data-test="todo-notices"]').getByText(notice.number).waitFor()
  await w.shot('bureau-home.png')
  await page.locator('[data-test="menu-notices"]').click()
  const table = page.locator('[data-test="notices"]')
  await table.getByText(notice.number).waitFor()
  // Its acknowledgement deadline: due date and working days left as the service counts them.
  const clock = (await viewer.get(`/api/v1/calendar/clocks?due_at=${notice.due_at}`)).items[0]
  const deadline = table.locator('tr').filter({ hasText: notice.number }).locator('.deadline')
  await deadline.locator('[data-test="days-left"]').waitFor()
  assert.equal(await deadline.locator('.date').innerText(), clock.due_date)
  assert.equal(await deadline.locator('[data-test="days-left"]').innerText(), clock.working_days_left === 0 ? '今日到期' : `剩 ${clock.working_days_left} 个工作日`)
  const open = await viewer.get('/api/v1/notices?state=sent&limit=20')
  assert.equal(await page.locator('[data-test="notice-count"]').innerText(), `已显示 ${open.items.length} / 共 ${open.count} 份`)
  assert.deepEqual(await table.locator('tbody tr .num').allInnerTexts(), open.items.map((n) => n.number))
  // Each notice names its sample (number and product) and its report, as a bureau knows them.
  assert.ok(notice.sample_number && notice.report_number, 'the notice carries no sample or report number')
  const noticeRow = table.locator('tr').filter({ hasText: notice.number })
  assert.equal(await noticeRow.locator('[data-test="notice-sample"]').innerText(), `${notice.sample_number} · ${notice.product_name}`)
  await noticeRow.getByText(`检验报告 ${notice.report_number}`).waitFor()
  await w.shot('bureau-notices.png')
  await page.locator(`[data-test="acknowledge-${notice.number}"]`).click()
  await page.getByRole('dialog').getByText(`确认签收通知 ${notice.number}`).waitFor()
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
  await page.getByText(`已签收 ${notice.number}`).waitFor()
  await table.getByText(notice.number).waitFor({ state: 'detached' }) // gone from 待签收
  await page.locator('.el-radio-button', { hasText: '全部' }).click()
  await page.locator('.el-radio-button.is-active', { hasText: '全部' }).waitFor()
  const all = await viewer.get('/api/v1/notices?limit=20')
  await page.locator('[data-test="notice-count"]').getByText(`共 ${all.count} 份`).waitFor()
  const row = table.locator('tr').filter({ hasText: notice.number })
  await row.getByText('已签收').waitFor()
  await row.getByText('组织抽检的监管部门').waitFor()
  await page.locator('.el-message').waitFor({ state: 'detached' })
  await w.shot('bureau-notice-acknowledged.png')

  const after = (await viewer.get('/api/v1/notices')).items.find((n) => n.id === notice.id)
  assert.equal(after.state, 'acknowledged')
  w.check()
}
