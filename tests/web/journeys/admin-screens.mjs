// The provincial administrator's screens: the calendar reminder on 我的待办; 用户管理 — a new
// analyst added (a too-short password refused beside its field first), given the reviewer
// role too, then disabled after confirming (the account can no longer log in); a sampler's
// password reset (the new one works); the organisation tree; instruments and loggers with
// their link state; the product catalogue with its specification lines, one added; the
// calendar years loaded and the provisional-year warning. The service has every change.
import { DESKTOP, PHONE, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const admin = await service.as('admin')
  await admin.post('/api/v1/instruments', {
    code: 'IDC-HPLC-01',
    organisation_code: 'SZ-IDC',
    name: '高效液相色谱仪（岛津 LC-2030）',
    family: 'hl7',
    transport: 'tcp_listen',
    address: '0.0.0.0:2575',
  })
  await admin.post('/api/v1/coldchain/loggers', { serial: 'IDC-RF-01-L01', model: 'FL-20', organisation_code: 'SZ-IDC' })
  const calendar = await admin.get('/api/v1/calendar')

  const w = await browser.page(DESKTOP, 'administrator')
  const { page } = w
  await logIn(w, base, 'admin', PASSWORD)
  const todo = page.locator('[data-test="todo-admin"]')
  await todo.waitFor()
  if (calendar.warnings.length) await todo.getByText(`${calendar.warnings[0].year} 年`).first().waitFor()
  await w.shot('admin-home.png')

  // 用户管理
  await page.locator('[data-test="menu-admin-users"]').click()
  const users = page.locator('[data-test="users"]')
  await users.getByText('张伟').waitFor()
  await users.getByText('苏州市药品检验检测研究中心').first().waitFor()
  await w.shot('admin-users.png')
  await page.locator('[data-test="user-create"]').click()
  const form = page.locator('[data-test="user-dialog"]')
  await form.locator('input[name="username"]').fill('analyst2')
  await form.locator('input[name="display_name"]').fill('钱进')
  await form.locator('[data-test="user-org"]').click()
  await page.locator('.el-select-dropdown__item').filter({ hasText: '苏州市药品检验检测研究中心' }).click()
  await form.locator('[data-role="analyst"]').click()
  await form.locator('input[name="new-user-password"]').fill('short')
  await page.locator('[data-test="user-submit"]').click()
  await form.getByText('密码至少 8 个字符').waitFor()
  await form.locator('input[name="new-user-password"]').fill('analyst2-password-1')
  await page.waitForTimeout(300)
  await w.shot('admin-user-create.png', { fullPage: false })
  await page.locator('[data-test="user-submit"]').click()
  await form.waitFor({ state: 'hidden' })
  await users.getByText('钱进').waitFor()
  let created = (await admin.get('/api/v1/users?limit=100')).items.find((u) => u.username === 'analyst2')
  assert.deepEqual(created.roles, ['analyst'])
  assert.equal(created.organisation_id, data.orgs['SZ-IDC'].id)

  // The reviewer role added.
  await page.locator('[data-test="edit-analyst2"]').click()
  await form.locator('[data-role="reviewer"]').click()
  await page.locator('[data-test="user-submit"]').click()
  await form.waitFor({ state: 'hidden' })
  await users.locator('tr').filter({ hasText: 'analyst2' }).getByText('复核').waitFor()
  created = (await admin.get('/api/v1/users?limit=100')).items.find((u) => u.username === 'analyst2')
  assert.deepEqual([...created.roles].sort(), ['analyst', 'reviewer'])

  // Disabled after confirming: no login any more.
  await page.locator('[data-test="edit-analyst2"]').click()
  await form.locator('[data-test="user-active"]').click()
  await page.locator('[data-test="user-submit"]').click()
  await page.locator('.el-message-box').getByText('将无法登录').waitFor()
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await form.waitFor({ state: 'hidden' })
  await page.locator('[data-test="active-analyst2"]').getByText('停用').waitFor()
  const refused = await (await service.as()).call('POST', '/api/v1/auth/login', { username: 'analyst2', password: 'analyst2-password-1' }, { expect: [401, 403] })
  assert.ok([401, 403].includes(refused.status))

  // A sampler's password reset.
  await page.locator('[data-test="reset-sampler2"]').click()
  const reset = page.locator('[data-test="reset-dialog"]')
  await reset.locator('input[name="reset-password"]').fill('sampler2-new-password')
  await page.locator('[data-test="reset-submit"]').click()
  await reset.waitFor({ state: 'hidden' })
  await page.getByText('刘洋 的密码已重置').waitFor()
  const login = await (await service.as()).call('POST', '/api/v1/auth/login', { username: 'sampler2', password: 'sampler2-new-password' })
  assert.equal(login.status, 200)
  // Their own password cannot be reset here (the button says why).
  assert.equal(await page.locator('[data-test="reset-admin"]').isDisabled(), true)

  // 组织机构
  await page.locator('[data-test="menu-admin-orgs"]').click()
  const tree = page.locator('[data-test="org-tree"]')
  await tree.getByText('苏州市药品稽查支队').waitFor()
  assert.match(await page.getByText('共 5 个单位').innerText(), /5/)
  await w.shot('admin-organisations.png')

  // 仪器与记录仪: no drivers run in this service, so no link.
  await page.locator('[data-test="menu-admin-devices"]').click()
  const instruments = page.locator('[data-test="instruments"]')
  await instruments.getByText('IDC-HPLC-01').waitFor()
  assert.equal(await instruments.locator('[data-link]').first().getAttribute('data-link'), 'none')
  await page.locator('[data-test="loggers"]').getByText('IDC-RF-01-L01').waitFor()
  assert.equal(await page.locator('[data-test="loggers"] [data-link]').first().getAttribute('data-link'), 'none')
  await w.shot('admin-devices.png')

  // 品种与标准
  await page.locator('[data-test="menu-admin-catalogue"]').click()
  const lines = page.locator('[data-test="spec-lines"]')
  await lines.getByText('含量测定').waitFor()
  assert.match(await lines.innerText(), /95\.0–105\.0 %/)
  await page.locator('[data-test="line-add"]').click()
  const lineForm = page.locator('[data-test="line-dialog"]')
  await lineForm.locator('input[name="item"]').fill('溶出度')
  await lineForm.locator('input[name="test_code"]').fill('DISSOLUTION')
  await lineForm.locator('input[name="requirement"]').fill('≥ 80')
  await lineForm.locator('input[name="unit"]').fill('%')
  await lineForm.locator('input[name="basis"]').fill('ChP 2025 二部')
  await page.locator('[data-test="line-submit"]').click()
  await lineForm.waitFor({ state: 'hidden' })
  await lines.getByText('溶出度').waitFor()
  await w.shot('admin-catalogue.png')
  const specLines = (await admin.get(`/api/v1/products/${data.product.id}/specification-lines`)).items
  assert.ok(specLines.some((l) => l.test_code === 'DISSOLUTION'), JSON.stringify(specLines))

  // 工作日历
  await page.locator('[data-test="menu-admin-calendar"]').click()
  const years = page.locator('[data-test="calendar-years"]')
  await years.getByText('2026').waitFor()
  for (const y of calendar.years) assert.equal(await years.locator(`tr:has-text("${y.year}") [data-status]`).getAttribute('data-status'), y.status)
  assert.equal(await page.locator('[data-test="calendar-warning"]').count(), calendar.warnings.length)
  await w.shot('admin-calendar.png')
  w.check()

  // The same screens on a phone: nothing wider than the screen.
  const phone = await browser.page(PHONE, 'administrator on a phone')
  await logIn(phone, base, 'admin', PASSWORD)
  for (const [path, shot] of [['/admin/users', 'admin-users-phone.png'], ['/admin/organisations', 'admin-organisations-phone.png'], ['/admin/calendar', 'admin-calendar-phone.png']]) {
    await phone.page.goto(`${base}${path}`)
    await phone.page.locator('h1').waitFor()
    await phone.page.waitForLoadState('networkidle')
    await phone.fitsWidth()
    await phone.shot(shot, { fullPage: false })
  }
  phone.check()
}
