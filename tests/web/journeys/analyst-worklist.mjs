// The laboratory's analyst finds a received sample's tests on the home page and the
// worklist, enters both results by hand (the specification shown beside), is refused
// accepting without a password, accepts the assay signing with the password; the reviewer
// then verifies it, signing too. The service has each step.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { nonconformingReport } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  await nonconformingReport(service, data)
  const w = await browser.page(DESKTOP, 'analyst worklist')
  const { page } = w
  await logIn(w, base, 'analyst', PASSWORD)
  await page.locator('[data-test="todo-tests"]').getByText('含量测定').waitFor()
  await w.shot('analyst-home.png')
  await page.locator('[data-test="menu-worklist"]').click()
  const table = page.locator('[data-test="worklist"]')
  await table.getByText('有关物质').waitFor()
  assert.equal(await table.getByText('待检验').count(), 2)
  await w.shot('analyst-worklist.png')

  const dialog = page.locator('[data-test="test-dialog"]')
  const submit = page.locator('[data-test="dialog-submit"]')
  for (const [code, value] of [['ASSAY', '99.1'], ['RELATED', '0.2']]) {
    await page.locator(`[data-test="result-${code}"]`).click()
    await dialog.getByText('ChP 2025 二部').waitFor() // the specification line beside the entry
    assert.equal(await dialog.locator('input[name="unit"]').inputValue(), '%')
    await dialog.locator('input[name="value"]').fill(value)
    if (code === 'ASSAY') {
      await page.waitForTimeout(400) // the dialog's fade-in
      await w.shot('analyst-enter-result.png', { fullPage: false })
    }
    await submit.click()
    await dialog.waitFor({ state: 'hidden' })
  }
  await table.getByText('待审核').first().waitFor()
  assert.equal(await table.getByText('待审核').count(), 2)

  await page.locator('[data-test="accept-ASSAY"]').click()
  await submit.click()
  await dialog.locator('[data-test="dialog-error"]').getByText('签名须输入本人密码').waitFor()
  await dialog.locator('input[name="sign-password"]').fill(PASSWORD)
  await submit.click()
  await dialog.waitFor({ state: 'hidden' })
  await table.locator('tr').filter({ hasText: 'ASSAY' }).getByText('已接受').waitFor()
  await w.shot('analyst-accepted.png')
  w.check()

  const r = await browser.page(DESKTOP, 'reviewer verifies')
  await logIn(r, base, 'reviewer', PASSWORD)
  await r.page.locator('[data-test="menu-worklist"]').click()
  await r.page.locator('[data-test="verify-ASSAY"]').click()
  await r.page.locator('[data-test="test-dialog"] input[name="sign-password"]').fill(PASSWORD)
  await r.page.locator('[data-test="dialog-submit"]').click()
  await r.page.locator('[data-test="test-dialog"]').waitFor({ state: 'hidden' })
  await r.shot('reviewer-verified.png')
  r.check()

  const analyst = await service.as('analyst')
  const tests = await analyst.get('/api/v1/worklists/tests?limit=100')
  const states = Object.fromEntries(tests.items.map((x) => [x.test_code, x.state]))
  assert.equal(states.RELATED, 'pending_review')
  // Verified by one reviewer, the assay is released (final) and leaves the open worklist.
  const assay = tests.items.find((x) => x.test_code === 'ASSAY')
  assert.ok(!assay || ['verified', 'final'].includes(assay.state), `assay: ${assay?.state}`)
}
