// The laboratory's analyst finds the tests of a received sample on the home page and the
// worklist, each with its state.
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
  await table.getByText('含量测定').waitFor()
  await table.getByText('有关物质').waitFor()
  assert.equal(await table.getByText('待检验').count(), 2)
  await w.shot('analyst-worklist.png')
  w.check()
}
