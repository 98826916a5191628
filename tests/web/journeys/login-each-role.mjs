// Every role logs in through the form and lands on its own 我的待办 (samplers on a phone);
// a wrong password is refused with a message and no session.
import { DESKTOP, PHONE, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { USERS } from '../seed.mjs'

// What each role's home shows first (data-test of its card); none: the greeting only.
const CARD = { sampler: 'todo-tasks', receiver: 'todo-incoming', analyst: 'todo-tests', reviewer: 'todo-tests', signatory: 'todo-tests',
  bureau_viewer: 'todo-notices', planner: 'todo-notices', enforcement_officer: 'todo-leads' }

export default async function ({ browser, base, assert }) {
  const wrong = await browser.page(DESKTOP, 'wrong password')
  wrong.expect(401, /^\/api\/v1\/auth\/login$/)
  await wrong.page.goto(`${base}/sampler/register`)
  await wrong.page.waitForURL(/\/login\?redirect=/)
  await wrong.page.locator('input[name="username"]').fill('sampler1')
  await wrong.page.locator('input[name="password"]').fill('not-the-password')
  await wrong.page.locator('[data-test="login-submit"]').click()
  await wrong.page.locator('[data-test="login-error"]').waitFor()
  assert.match(await wrong.page.locator('[data-test="login-error"]').innerText(), /用户名或密码错误/)
  await wrong.shot('login-refused.png')
  wrong.check()
  await wrong.page.close()

  for (const [username, [, roles, name]] of Object.entries({ admin: ['PROV', ['administrator'], '省局管理员'], ...USERS })) {
    const viewport = roles.includes('sampler') ? PHONE : DESKTOP
    const w = await browser.page(viewport, `home of ${username}`)
    await logIn(w, base, username, PASSWORD)
    const heading = await w.page.locator('h1').first().innerText()
    assert.match(heading, new RegExp(`${name}，您好`), `${username}: ${heading}`)
    const card = CARD[roles[0]]
    if (card) await w.page.locator(`[data-test="${card}"]`).waitFor()
    await w.page.waitForLoadState('networkidle')
    await w.fitsWidth()
    await w.shot(`home-${username}.png`)
    w.check()
    await w.page.close()
  }
}
