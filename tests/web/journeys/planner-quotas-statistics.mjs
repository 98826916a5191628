// Issue 16 items 7 and 10 on the screens: the planner's plan with quota lines for a
// supervision office and the enforcement unit, each with its batches per month, its focus
// varieties (tags from the reference list) and the plan's phases with their summary dates;
// then 统计分析 with a nonconforming report counted by month and by failing item (含量测定),
// by week with the chart, the case leads' weekly summary, and the risk ledger where an item
// is closed (销号) with its evidence after confirming — refused first without evidence — and
// the service has it closed and the risk still open with one item left. Grouped by region,
// the figures name the region (江苏省苏州市姑苏区), not only its code; the weekly summary
// counts the case filed from the report's lead and handed over to the police; the plan
// published, the office's sampler sees the task's focus varieties on 我的任务 (phone).

import { DESKTOP, PHONE, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { nonconformingReport, reviewAndIssue } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await nonconformingReport(service, data)
  const issued = await reviewAndIssue(service, sample)
  // The lead filed as a case, the case handed over to the police (through the API, as the
  // enforcement unit would): the weekly summary counts both.
  const officer = await service.as('officer')
  const leadPath = `/api/v1/case-leads/${issued.case_lead.number}`
  for (const action of ['accept', 'investigate'])
    await officer.post(`${leadPath}/steps`, { action }, { ifMatch: await officer.etag(leadPath), expect: [200] })
  const filed = await officer.post('/api/v1/cases', { lead_number: issued.case_lead.number, approval: '局长王某批准立案' },
    { ifMatch: await officer.etag(leadPath), expect: [201] })
  let caseEtag = filed.etag
  for (const [sub, body] of [
    ['transfer', { grounds: '涉嫌生产、销售劣药罪（刑法第一百四十二条）' }],
    ['transfer/decision', { decision: 'approve', approver: '局长王某' }],
    ['transfer/handover', { police_body: '苏州市公安局', reference: '苏市监移〔2026〕1号' }],
  ])
    caseEtag = (await officer.post(`/api/v1/cases/${filed.body.number}/${sub}`, body, { ifMatch: caseEtag, expect: [200] })).etag
  const admin = await service.as('admin')
  await admin.call('PUT', `/api/v1/products/${data.product.id}/focus-tags`, { focus_tags: ['centrally_procured'] }, { expect: [200] })

  const planner = await service.as('planner')
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const year = Number(today.slice(0, 4))
  const month = today.slice(0, 7)
  const plan = await planner.post('/api/v1/sampling-plans', {
    code: `SZ-GG-${year}`,
    title: `${year}年药品安全巩固提升行动抽检计划`,
    year,
    starts_on: `${year}-01-01`,
    ends_on: `${year}-12-31`,
    quotas: [
      {
        office_id: data.orgs['SZ-GS'].id, category: 'drug', focus: '集采中选药品', quantity: 6, due_on: `${year}-12-31`,
        months: [{ month, quantity: 6 }], focus_tags: ['centrally_procured'],
      },
      {
        office_id: data.orgs['SZ-ENF'].id, category: 'cosmetic', focus: '医美及儿童化妆品', quantity: 4, due_on: `${year}-12-31`,
        months: [{ month, quantity: 4 }], focus_tags: ['children_cosmetic', 'medical_aesthetic'],
      },
    ],
    phases: [
      { name: '动员部署', starts_on: `${year}-01-01`, ends_on: `${year}-01-31` },
      { name: '巩固提升', starts_on: `${year}-02-01`, ends_on: `${year}-10-31`, summary_due_on: `${year}-09-15` },
      { name: '总结评估', starts_on: `${year}-11-01`, ends_on: `${year}-12-31`, summary_due_on: `${year}-11-15` },
    ],
  }, { expect: [201] })
  const risk = (
    await planner.post('/api/v1/risks', {
      title: '中药饮片非法渠道购进风险',
      source: '季度风险会商',
      focus_tag: 'tcm_decoction_piece',
      items: [
        { description: '约谈相关企业负责人' },
        { description: '全面检查辖区药店中药饮片购进渠道', responsible_org_id: data.orgs['SZ-GS'].id, due_on: `${year}-12-31` },
      ],
    }, { expect: [201] })
  ).body

  const w = await browser.page(DESKTOP, 'planner quotas and statistics')
  const { page } = w
  await logIn(w, base, 'planner', PASSWORD)
  await page.goto(`${base}/planner/plans/${encodeURIComponent(plan.body.code)}`)
  await page.locator('[data-test="plan-phases"]').getByText('巩固提升').waitFor()
  const enforcementTags = page.locator(`[data-test="quota-tags-SZ-ENF"]`)
  await enforcementTags.getByText('儿童化妆品').waitFor()
  assert.match(await enforcementTags.innerText(), /医疗美容产品/)
  assert.match(await page.locator('[data-test="quota-months-SZ-GS"]').innerText(), new RegExp(`${month}：0 / 6`))
  await page.getByText('执法支队').first().waitFor()
  await page.waitForLoadState('networkidle')
  await w.shot('planner-plan-quotas-by-month.png')

  await page.locator('[data-test="menu-statistics"]').click()
  const periods = page.locator('[data-test="period-figures"]')
  await periods.waitFor()
  await periods.locator('[data-test="period-table"]').getByText(month, { exact: true }).waitFor()
  // Group by failing item: the assay's row with its nonconforming sample.
  await periods.locator('[data-test="period-group"]').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '按不合格项目' }).click()
  await periods.locator('[data-test="period-table"]').getByText('含量测定').waitFor()
  await periods.locator('[data-test="chart"] canvas').waitFor()
  const summary = page.locator('[data-test="lead-summary"]')
  await summary.getByText('新增线索').waitFor()
  await summary.getByText('立案案件').waitFor()
  await summary.getByText('案件移送公安').waitFor()
  const thisWeek = summary.locator('.el-table__body tbody tr').first()
  assert.equal((await thisWeek.locator('td.col-cases_filed').innerText()).trim(), '1', await thisWeek.innerText())
  assert.equal((await thisWeek.locator('td.col-cases_transferred').innerText()).trim(), '1', await thisWeek.innerText())
  const ledger = page.locator(`[data-test="risk-${risk.number}"]`)
  await ledger.getByText('待销号 2 项').waitFor()
  await page.waitForLoadState('networkidle')
  await w.shot('statistics-periods-and-ledger.png')

  // Close item 2 (the office's check) from the ledger: evidence is required.
  await page.locator(`[data-test="close-item-${risk.number}-2"]`).click()
  const dialog = page.getByRole('dialog')
  await page.locator('[data-test="risk-close-confirm"]').click()
  await dialog.getByText('请填写销号依据').waitFor()
  await dialog.locator('textarea[data-test="risk-evidence"]').fill('检查药店 12 家，购进渠道均合法，检查记录附后')
  await page.locator('[data-test="risk-close-confirm"]').click()
  await ledger.getByText('待销号 1 项').waitFor()
  // Who closed it, by name (the login stays in the record).
  await ledger.getByText(/王芳 于 .* 销号：检查药店 12 家/).waitFor()
  const after = await planner.get(`/api/v1/risks/${risk.number}`)
  assert.equal(after.state, 'open')
  assert.equal(after.open_items, 1)
  assert.equal(after.items[1].closure.closed_by, 'planner')
  assert.equal(after.items[1].closure.closed_by_name, '王芳')
  await page.waitForLoadState('networkidle')
  await w.shot('statistics-risk-item-closed.png')

  // By region: the sampled pharmacy's region by name, with its code.
  await page.locator('.el-message').waitFor({ state: 'detached' }).catch(() => {})
  await periods.locator('[data-test="period-group"]').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '按地区' }).click()
  await periods.locator('[data-test="period-table"]').getByText('江苏省苏州市姑苏区（320508）').waitFor()
  await w.shot('statistics-by-region.png')
  w.check()

  // The plan published: the office's sampler sees its task with the focus variety.
  await planner.post(`/api/v1/sampling-plans/${plan.body.code}/publish`, undefined,
    { ifMatch: await planner.etag(`/api/v1/sampling-plans/${plan.body.code}`), expect: [200] })
  const sampler = await service.as('sampler1')
  const task = (await sampler.get("/api/v1/tasks?limit=100")).items.find((x) => x.number.startsWith(`${plan.body.code}-T`))
  assert.deepEqual(task.focus_tags, ['centrally_procured'], JSON.stringify(task))
  const phone = await browser.page(PHONE, 'sampler sees focus varieties')
  await logIn(phone, base, 'sampler1', PASSWORD)
  await phone.page.goto(`${base}/sampler/tasks`)
  const card = phone.page.locator(`[data-test="task-${task.number}"]`)
  await card.locator('[data-test="task-focus-tags"]').getByText('集采中选品种').waitFor()
  await phone.fitsWidth()
  await phone.shot('sampler-task-focus-tags.png')
  phone.check()
}
