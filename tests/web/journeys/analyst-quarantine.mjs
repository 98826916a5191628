// An HPLC's message reaches the laboratory through its gateway: the received sample's assay
// (93.0 % against 95.0–105.0 %) is filed on its test, and a related-substances result for a
// specimen label the service does not know goes to quarantine. The analyst sees the assay in
// red on the worklist with the rounded value, the limit and 不符合规定, opens the raw HL7
// message in a drawer, then assigns the quarantined result to the sample's 有关物质 test
// (confirmed with the entry's version); the service has the result on that test.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { hplcMessage, nonconformingReport } from '../seed.mjs'

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await nonconformingReport(service, data)
  const receipt = await hplcMessage(service, data, sample)
  assert.equal(receipt.quarantined, 2, JSON.stringify(receipt))

  const w = await browser.page(DESKTOP, 'analyst quarantine')
  const { page } = w
  await logIn(w, base, 'analyst', PASSWORD)
  await page.locator('[data-test="menu-worklist"]').click()
  const assay = page.locator('[data-test="value-ASSAY"]')
  await assay.waitFor()
  assert.match(await assay.innerText(), /93\.0 %/)
  assert.equal(await assay.getAttribute('data-verdict'), 'does_not_conform')
  assert.ok((await assay.getAttribute('class')).includes('oos'), 'the failing value is not highlighted')
  const row = page.locator('[data-test="worklist"] tr').filter({ hasText: 'ASSAY' })
  await row.getByText('不符合规定').waitFor()
  assert.match(await row.innerText(), /修约值 93\.0（1 位小数）/)
  assert.match(await row.innerText(), /标准规定 95\.0/)
  assert.match(await row.innerText(), new RegExp(sample.number))
  // Each instrument's link beside the worklist (this service runs no drivers: 未接入), and
  // the worklist by instrument, filtered on the server.
  await page.locator('[data-test="instrument-links"] [data-code="IDC-HPLC-01"]').getByText('未接入').waitFor()
  await w.shot('analyst-worklist-results.png')
  const filtered = page.waitForRequest((r) => /\/api\/v1\/worklists\/tests\?.*instrument_id=\d+/.test(r.url()))
  await page.locator('[data-test="instrument-filter"]').click()
  await page.locator('.el-select-dropdown__item').filter({ hasText: 'IDC-HPLC-01' }).click()
  await filtered
  await page.locator('[data-test="worklist"]').getByText('没有待检验项目').waitFor() // ingest does not assign tests to instruments
  await page.locator('[data-test="instrument-filter"] .el-select__clear, [data-test="instrument-filter"] .el-icon').first().hover()
  await page.locator('[data-test="instrument-filter"] .el-select__clear').click()
  await assay.waitFor()

  await page.locator('[data-test="raw-ASSAY"]').click()
  const drawer = page.locator('[data-test="raw-drawer"]')
  await drawer.getByText('IDC-HPLC-01').waitFor()
  const raw = await drawer.locator('[data-test="raw-text"]').innerText()
  assert.match(raw, /^<VT>MSH\|/)
  assert.match(raw, /OBX\|1\|NM\|ASSAY-HPLC\^含量测定\|\|93\.0\|%/)
  await page.waitForTimeout(400) // the drawer's slide-in
  await w.shot('analyst-raw-message.png', { fullPage: false })
  await drawer.getByRole('button', { name: /关闭|Close/ }).click()
  await drawer.waitFor({ state: 'hidden' })

  await page.locator('[data-test="menu-quarantine"]').click()
  const list = page.locator('[data-test="quarantine"]')
  await list.getByText('MH2609O17', { exact: true }).waitFor()
  await list.getByText('样品编号未知').waitFor()
  await w.shot('analyst-quarantine.png')
  await list.getByText('项目代码未映射').waitFor()
  const open = (await (await service.as('analyst')).get('/api/v1/quarantine?state=open')).items
  const entry = open.find((e) => e.specimen_id === 'MH2609O17')
  const water = open.find((e) => e.instrument_test_code === 'KF-WATER')
  await page.locator(`[data-test="raw-${entry.id}"]`).click()
  await drawer.getByText('RS-HPLC^有关物质').first().waitFor()
  await drawer.getByRole('button', { name: /关闭|Close/ }).click()
  await drawer.waitFor({ state: 'hidden' })

  await page.locator(`[data-test="assign-${entry.id}"]`).click()
  const dialog = page.locator('[data-test="quarantine-dialog"]')
  await dialog.locator('input[name="sample_number"]').fill('')
  await page.locator('[data-test="quarantine-submit"]').click()
  await dialog.getByText('请填写样品编号').waitFor()
  await dialog.locator('input[name="sample_number"]').fill(sample.number)
  await dialog.locator('input[name="test_code"]').fill('RELATED')
  await page.waitForTimeout(300)
  await w.shot('analyst-quarantine-assign.png', { fullPage: false })
  await page.locator('[data-test="quarantine-submit"]').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByText(`隔离记录 #${entry.id} 已指派`).waitFor()
  await list.getByText('MH2609O17', { exact: true }).waitFor({ state: 'detached' })

  // Someone else discards the water result while this analyst's dialog is open: the stale
  // version is refused and the page offers a reload.
  await page.locator(`[data-test="discard-${water.id}"]`).click()
  await dialog.locator('textarea[name="reason"]').fill('本批次未开展水分检验，误传')
  const reviewer = await service.as('reviewer')
  const etag = await reviewer.etag(`/api/v1/quarantine/${water.id}`)
  await reviewer.post(`/api/v1/quarantine/${water.id}/discard`, { reason: '仪器误传（复核人处理）' }, { ifMatch: etag, expect: [200] })
  w.expect(409, new RegExp(`/api/v1/quarantine/${water.id}/discard$`))
  await page.locator('[data-test="quarantine-submit"]').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByText('该记录已被他人修改').waitFor()
  await page.getByRole('button', { name: '重新加载' }).click()
  await list.getByText('隔离区没有记录').waitFor()
  await page.locator('[data-test="quarantine-state"]').getByText('已作废').click()
  await page.locator('[data-test="quarantine-state"] .is-active', { hasText: '已作废' }).waitFor()
  await list.getByText('仪器误传（复核人处理）').waitFor()
  await page.locator('.el-message').waitFor({ state: 'detached' })
  await page.waitForTimeout(300) // the radio button's colour transition
  await w.shot('analyst-quarantine-discarded.png')
  w.check()

  const analyst = await service.as('analyst')
  const after = await analyst.get(`/api/v1/quarantine/${entry.id}`)
  assert.equal(after.state, 'assigned')
  const tests = (await analyst.get('/api/v1/worklists/tests?limit=100')).items
  const related = tests.find((t) => t.test_code === 'RELATED')
  const results = await analyst.get(`/api/v1/worklists/results?test_id=${related.id}`)
  assert.equal(results.items[0].result.value, '0.21')
  assert.equal(results.items[0].verdict, 'conforms')
}
