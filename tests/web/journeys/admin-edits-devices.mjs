// The administrator adds and changes what was only listed before: 组织机构 — a supervision
// office added below the city bureau (a region code of 4 digits caught as typed; one that is
// no GB/T 2260 division refused by the service beside its field), then renamed; 仪器与记录仪 —
// an ICP-MS registered (driver options that are not JSON caught as typed; a number of
// sessions the service refuses shown beside the options), then renamed and deactivated with its options
// kept; a temperature logger registered (a serial with a space caught as typed) and moved to
// the supervision office. The service has every change.
import { DESKTOP, PHONE, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const admin = await service.as('admin')
  const w = await browser.page(DESKTOP, 'administrator edits')
  w.expect(422, /^\/api\/v1\/organisations$/)
  w.expect(422, /^\/api\/v1\/instruments$/)
  const { page } = w
  await logIn(w, base, 'admin', PASSWORD)
  const choose = async (selector, text) => {
    await page.locator(selector).click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: text }).first().click()
  }

  // ---- 组织机构 --------------------------------------------------------------------
  await page.locator('[data-test="menu-admin-orgs"]').click()
  await page.locator('[data-test="org-tree"]').getByText('苏州市市场监督管理局').waitFor()
  await page.locator('[data-test="org-add-below-SZ-AMR"]').click()
  const orgDialog = page.locator('[data-test="org-dialog"]')
  const orgItem = (name) => orgDialog.locator('.el-form-item').filter({ has: page.locator(`input[name="${name}"]`) })
  await orgDialog.locator('input[name="org-code"]').fill('SZ-XC')
  await orgDialog.locator('input[name="org-name"]').fill('相城区市场监督管理局元和所')
  await orgDialog.locator('input[name="org-region"]').fill('3205')
  await page.locator('[data-test="org-submit"]').click()
  await orgItem('org-region').locator('.el-form-item__error').getByText('6 位数字').waitFor()
  await orgDialog.locator('input[name="org-region"]').fill('300507') // six digits, but 30 is no province of GB/T 2260
  await page.locator('[data-test="org-submit"]').click()
  await orgItem('org-region').locator('.el-form-item__error').waitFor()
  await w.shot('admin-org-create-error.png', { fullPage: false })
  await orgDialog.locator('input[name="org-region"]').fill('320507')
  await page.locator('[data-test="org-submit"]').click()
  await orgDialog.waitFor({ state: 'hidden' })
  await page.locator('[data-test="org-tree"]').getByText('相城区市场监督管理局元和所').waitFor()
  let xc = (await admin.get('/api/v1/organisations')).items.find((o) => o.code === 'SZ-XC')
  assert.equal(xc.kind, 'supervision_office')
  assert.equal(xc.parent_id, data.orgs['SZ-AMR'].id)
  assert.equal(xc.region_code, '320507')
  await page.locator('[data-test="org-edit-SZ-XC"]').click()
  await orgDialog.locator('input[name="org-name"]').fill('相城区市场监督管理局黄桥所')
  await page.locator('[data-test="org-submit"]').click()
  await orgDialog.waitFor({ state: 'hidden' })
  await page.locator('[data-test="org-tree"]').getByText('相城区市场监督管理局黄桥所').waitFor()
  xc = (await admin.get('/api/v1/organisations')).items.find((o) => o.code === 'SZ-XC')
  assert.equal(xc.name, '相城区市场监督管理局黄桥所')
  assert.equal(xc.version, 2)
  await w.shot('admin-orgs-edited.png')

  // ---- 仪器 ------------------------------------------------------------------------
  await page.locator('[data-test="menu-admin-devices"]').click()
  await page.locator('[data-test="instruments"]').waitFor()
  await page.locator('[data-test="instrument-create"]').click()
  const dialog = page.locator('[data-test="device-dialog"]')
  const item = (name) => dialog.locator('.el-form-item').filter({ has: page.locator(`[name="${name}"]`) })
  await dialog.locator('input[name="instrument-code"]').fill('IDC-ICPMS-01')
  await dialog.locator('input[name="instrument-name"]').fill('电感耦合等离子体质谱仪（安捷伦 7900）')
  await choose('[data-test="instrument-org"]', '苏州市药品检验检测研究中心')
  await choose('[data-test="instrument-family"]', 'HL7 v2')
  await choose('[data-test="instrument-transport"]', 'TCP 监听')
  await dialog.locator('input[name="instrument-address"]').fill('0.0.0.0:2577')
  await dialog.locator('textarea[name="instrument-options"]').fill('max_connections: 2')
  await page.locator('[data-test="device-submit"]').click()
  await item('instrument-options').locator('.el-form-item__error').getByText('JSON 对象').waitFor()
  await dialog.locator('textarea[name="instrument-options"]').fill('{"max_connections": 0}')
  await page.locator('[data-test="device-submit"]').click()
  await item('instrument-options').locator('.el-form-item__error').getByText('max_connections').waitFor() // the service's refusal
  await w.shot('admin-instrument-create-error.png', { fullPage: false })
  await dialog.locator('textarea[name="instrument-options"]').fill('{"max_connections": 2}')
  await page.locator('[data-test="device-submit"]').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('[data-test="instruments"]').getByText('电感耦合等离子体质谱仪（安捷伦 7900）').waitFor()
  let icp = await admin.get('/api/v1/instruments/IDC-ICPMS-01')
  assert.equal(icp.family, 'hl7')
  assert.equal(icp.address, '0.0.0.0:2577')
  assert.equal(JSON.parse(icp.options).max_connections, 2)

  await page.locator('[data-test="instrument-edit-IDC-ICPMS-01"]').click()
  await dialog.locator('input[name="instrument-name"]').fill('电感耦合等离子体质谱仪 1 号（安捷伦 7900）')
  await dialog.locator('.el-switch').click()
  await page.locator('[data-test="device-submit"]').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('[data-test="instruments"]').getByText('电感耦合等离子体质谱仪 1 号（安捷伦 7900）').waitFor()
  icp = await admin.get('/api/v1/instruments/IDC-ICPMS-01')
  assert.equal(icp.active, false)
  assert.equal(icp.version, 2)
  assert.equal(JSON.parse(icp.options).max_connections, 2) // kept

  // ---- 温度记录仪 -------------------------------------------------------------------
  await page.locator('[data-test="logger-create"]').click()
  await dialog.locator('input[name="logger-serial"]').fill('XC VF 01')
  await dialog.locator('input[name="logger-model"]').fill('精创 RC-4HC')
  await page.locator('[data-test="device-submit"]').click()
  await item('logger-serial').locator('.el-form-item__error').getByText('序列号').waitFor()
  await dialog.locator('input[name="logger-serial"]').fill('XC-VF-01-L01')
  await page.locator('[data-test="device-submit"]').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('[data-test="loggers"]').getByText('XC-VF-01-L01').waitFor()
  await page.locator('[data-test="logger-edit-XC-VF-01-L01"]').click()
  await choose('[data-test="logger-org"]', '相城区市场监督管理局黄桥所')
  await w.shot('admin-logger-edit.png', { fullPage: false })
  await page.locator('[data-test="device-submit"]').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('[data-test="loggers"]').getByText('SZ-XC').waitFor()
  const loggers = (await admin.get('/api/v1/coldchain/loggers?limit=100')).items
  const logger = loggers.find((l) => l.serial === 'XC-VF-01-L01')
  assert.equal(logger.organisation_code, 'SZ-XC')
  assert.equal(logger.model, '精创 RC-4HC')
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 10_000 }) // the messages have gone
  await w.shot('admin-devices-edited.png')
  w.check()

  // The organisation dialog on a phone.
  const phone = await browser.page(PHONE, 'administrator on a phone')
  await logIn(phone, base, 'admin', PASSWORD)
  await phone.page.goto(`${base}/admin/organisations`)
  await phone.page.locator('[data-test="org-create"]').click()
  await phone.page.locator('[data-test="org-dialog"] input[name="org-code"]').waitFor()
  await phone.page.waitForTimeout(500) // the dialog fades in
  await phone.fitsWidth()
  await phone.shot('admin-org-create-phone.png', { fullPage: false })
  phone.check()
}
