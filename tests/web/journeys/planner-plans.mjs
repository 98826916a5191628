// The bureau's planner (计划/任务下达): 我的待办 lists the open tasks of the bureau's offices;
// 抽检计划 draws up this year's cosmetics plan with a quota line for each of two supervision
// offices — the code of an existing plan is refused by the service beside its field, a due
// date after the plan's end is caught as typed — saves it as a draft, publishes it after
// confirming (one task per line, assigned to its office; the service has them), then opens
// the list (newest first, filtered by state on the server) and the drug plan from it with a
// sample registered against its quota (已抽 1 / 12 批).
// The plan's page also on a phone, no wider than 360 px.
import { DESKTOP, PHONE, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { shippedSample } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear()
  const admin = await service.as('admin')
  // A second supervision office of the bureau.
  const wz = (
    await admin.post('/api/v1/organisations', {
      code: 'SZ-WZ',
      name: '吴中区市场监督管理局长桥所',
      kind: 'supervision_office',
      region_code: '320506',
      parent_id: data.orgs['SZ-AMR'].id,
    })
  ).body
  // A sample registered against the drug plan's task (its quota then shows 1 of 12).
  await shippedSample(service, data)

  const w = await browser.page(DESKTOP, 'planner')
  const { page } = w
  await logIn(w, base, 'planner', PASSWORD)
  const todo = page.locator('[data-test="todo-planner"]')
  await todo.getByText(data.task.number).waitFor()
  await w.shot('planner-home.png')

  await page.locator('[data-test="menu-plans"]').click()
  const form = page.locator('[data-test="plan-form"]')
  await form.waitFor()
  const field = (name) => form.locator(`input[name="${name}"]`)
  const item = (name) => form.locator('.el-form-item').filter({ has: page.locator(`input[name="${name}"]`) })
  // An option clicked while its dropdown is still opening can be ignored by Element Plus
  // (seen once in CI under load: the first office stayed empty): choose until the select
  // shows the choice.
  const choose = async (selector, text) => {
    const select = form.locator(selector)
    for (let attempt = 1; ; attempt++) {
      await select.click()
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: text }).click()
      try {
        await select.getByText(text, { exact: true }).waitFor({ timeout: 3000 })
        return
      } catch (e) {
        if (attempt === 3) throw new Error(`${selector} does not show '${text}' after 3 choices: ${e.message}`)
      }
    }
  }
  await field('code').fill(`SZ-YP-${year}`) // the drug plan's code: refused by the service
  await field('title').fill(`${year}年苏州市化妆品质量安全专项抽检计划`)
  await choose('[data-test="quota-office-0"]', '姑苏区市场监督管理局观前所')
  await choose('[data-test="quota-category-0"]', '化妆品')
  await field('quota-focus-0').fill('祛斑美白类化妆品')
  await field('quota-quantity-0').fill('20')
  await field('quota-due-0').fill(`${year}-12-31`)
  await page.locator('[data-test="quota-add"]').click()
  await choose('[data-test="quota-office-1"]', '吴中区市场监督管理局长桥所')
  await choose('[data-test="quota-category-1"]', '化妆品')
  await field('quota-focus-1').fill('儿童化妆品')
  await field('quota-quantity-1').fill('15')
  await field('quota-due-1').fill(`${year + 1}-01-15`) // after the plan's end
  await page.locator('[data-test="plan-submit"]').click()
  await item('quota-due-1').locator('.el-form-item__error').getByText('完成期限应在计划期间').waitFor()
  await w.shot('planner-plan-form-error.png', { fullPage: false })
  await field('quota-due-1').fill(`${year}-12-28`)
  w.expect(422, /^\/api\/v1\/sampling-plans$/)
  await page.locator('[data-test="plan-submit"]').click()
  await item('code').locator('.el-form-item__error').waitFor()
  await field('code').fill(`SZ-HZP-${year}`)
  await page.locator('[data-test="plan-submit"]').click()

  // The draft's page: publish after confirming.
  const plan = page.locator('[data-test="plan"]')
  await plan.locator('[data-test="plan-state"][data-state="draft"]').waitFor()
  await plan.getByText('祛斑美白类化妆品').waitFor()
  await plan.getByText('吴中区市场监督管理局长桥所').waitFor()
  await w.shot('planner-plan-draft.png')
  await page.locator('[data-test="plan-publish"]').click()
  await page.locator('.el-message-box').getByText('生成 2 项抽样任务').waitFor()
  await page.locator('.el-message-box').getByRole('button', { name: '下达任务' }).click()
  await plan.locator('[data-test="plan-state"][data-state="published"]').waitFor()
  const taskTable = plan.locator('[data-test="plan-tasks"]')
  await taskTable.getByText('吴中区市场监督管理局长桥所').waitFor()
  await taskTable.getByText('已下达').first().waitFor()
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 10_000 }) // the messages have gone
  await w.shot('planner-plan-published.png')

  const planner = await service.as('planner')
  const created = await planner.get(`/api/v1/sampling-plans/SZ-HZP-${year}`)
  assert.equal(created.state, 'published')
  assert.equal(created.title, `${year}年苏州市化妆品质量安全专项抽检计划`)
  assert.deepEqual(
    created.quotas.map((q) => [q.office_code, q.category, q.focus, q.quantity, q.due_on]),
    [
      ['SZ-GS', 'cosmetic', '祛斑美白类化妆品', 20, `${year}-12-31`],
      ['SZ-WZ', 'cosmetic', '儿童化妆品', 15, `${year}-12-28`],
    ],
  )
  const tasks = (await planner.get('/api/v1/tasks?limit=100')).items
  const wzTasks = tasks.filter((t) => t.office_id === wz.id)
  assert.equal(wzTasks.length, 1)
  assert.equal(wzTasks[0].state, 'assigned')
  assert.equal(wzTasks[0].due_on, `${year}-12-28`)

  // The list: both plans, newest first, with the samples registered against each; the drug
  // plan opened from it.
  await page.locator('a').filter({ hasText: '返回抽检计划' }).click()
  const list = page.locator('[data-test="plan-list"]')
  await list.locator(`[data-test="plan-progress-SZ-YP-${year}"]`).getByText('已抽 1 / 12 批').waitFor()
  await list.locator(`[data-test="plan-progress-SZ-HZP-${year}"]`).getByText('已抽 0 / 35 批').waitFor()
  const rows = await list.locator('[data-test^="plan-SZ-"]').evaluateAll((links) => links.map((a) => a.dataset.test))
  assert.deepEqual(rows, [`plan-SZ-HZP-${year}`, `plan-SZ-YP-${year}`])
  await w.shot('planner-plans-list.png')
  await list.locator('[data-test="plans-state"]').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '草稿' }).click()
  await list.getByText('暂无抽检计划').waitFor()
  await list.locator('[data-test="plans-state"]').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '已下达' }).click()
  await list.locator(`[data-test="plan-SZ-YP-${year}"]`).click()
  await plan.locator('[data-test="plan-state"][data-state="published"]').waitFor()
  await plan.locator('[data-test="quota-progress-SZ-GS"]').getByText('已抽 1 / 12 批').waitFor()
  await plan.locator('[data-test="plan-total"]').getByText('已抽 1 / 12 批').waitFor()
  await plan.locator('[data-test="days-left"]').first().waitFor()
  await w.shot('planner-plan-progress.png')
  w.check()

  const phone = await browser.page(PHONE, 'planner-phone')
  await logIn(phone, base, 'planner', PASSWORD)
  await phone.page.goto(`${base}/planner/plans/SZ-YP-${year}`)
  await phone.page.locator('[data-test="quota-progress-SZ-GS"]').getByText('已抽 1 / 12 批').waitFor()
  await phone.fitsWidth()
  await phone.shot('planner-plan-phone.png')
  await phone.page.goto(`${base}/planner/plans`)
  await phone.page.locator(`[data-test="plan-progress-SZ-YP-${year}"]`).waitFor()
  await phone.fitsWidth()
  await phone.shot('planner-plans-phone.png')
  phone.check()
}
