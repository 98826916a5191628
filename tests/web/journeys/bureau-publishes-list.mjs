// 信息公开: a nonconforming report issued today (through the API, as the laboratory would) is
// held out of today's list and named with why: not yet served on the pharmacy, so its
// re-inspection window has not begun. The same report issued 30 days ago and served 20 days
// ago (the window of 7 working days closed) is listed: the bureau's planner produces the
// list for that day and
// sees the product, batch, labelled manufacturer, sampled unit, failing item and laboratory;
// review and release are disabled for the producer with the reason. A second planner
// reviews it signing with the password (a wrong one refused beside the field), releases it
// after confirming, and downloads the Excel workbook and the CSV; the service has the list
// released, signed by both steps, with one entry.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { MAKER, PHARMACY, PRODUCT, nonconformingReport, reviewAndIssue } from '../seed.mjs'

const beijingDay = (daysAgo = 0) => new Date(Date.now() + 8 * 3600_000 - daysAgo * 86400_000).toISOString().slice(0, 10)
const beijingToday = () => beijingDay(0)

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await nonconformingReport(service, data)
  const issued = await reviewAndIssue(service, sample)
  const admin = await service.as('admin')
  await admin.post('/api/v1/users', {
    username: 'planner2',
    display_name: '郑洁',
    organisation_id: data.orgs['SZ-AMR'].id,
    roles: ['planner'],
    password: PASSWORD,
  })
  const today = beijingToday()

  // The producer.
  const w = await browser.page(DESKTOP, 'planner produces the list')
  const { page } = w
  await logIn(w, base, 'planner', PASSWORD)
  await page.locator('[data-test="menu-publication"]').click()
  await page.getByRole('heading', { name: '不合格产品信息公开' }).waitFor()
  const inputs = page.locator('.el-range-editor input')
  const produceFor = async (day) => {
    await inputs.nth(0).fill(day)
    await inputs.nth(1).fill(day)
    await inputs.nth(1).press('Enter')
    await page.locator('h1').click() // close the picker
    await page.locator('[data-test="publication-produce"]').click()
  }
  // Issued today, served on nobody: held back, with the reason.
  await produceFor(today)
  const held = page.locator('[data-test="publication-withheld"]')
  await held.waitFor()
  await held.getByText('检验报告尚未送达被抽样单位').waitFor()
  assert.ok((await held.innerText()).includes(issued.number), await held.innerText())
  assert.equal(await page.locator('[data-test="publication-entries"] tbody tr').count(), 0)
  await page.getByText('本期间内无不符合规定产品').first().waitFor()
  await page.locator('.el-message').waitFor({ state: 'detached' }).catch(() => {})
  await w.shot('bureau-publication-withheld.png')

  // The same report as if issued 30 days ago (moved in the database, as the unit tests do),
  // then served in person on the pharmacy and the manufacturer 20 days ago through the API.
  const day = beijingDay(30)
  // python3's sqlite3 module (a package scripts/run-tests installs; the sqlite3 shell is not one).
  const moved = spawnSync('/usr/bin/python3', ['-c',
    'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], timeout=60)\nc.execute(sys.argv[2])\nc.commit()',
    path.join(service.dir, 'lims.db'),
    `UPDATE reports SET issued_at = '${day}T02:00:00.000Z' WHERE number = '${issued.number}'`], { encoding: 'utf8' })
  assert.equal(moved.status, 0, `python3 sqlite3: ${moved.stderr}`)
  const planner = await service.as('planner')
  for (const recipient of ['sampled_unit', 'manufacturer']) {
    const prepared = await planner.post(`/api/v1/reports/${issued.number}/services`, {
      recipient, documents: ['inspection_report', 'result_notification'], method: 'in_person' })
    await planner.post(`/api/v1/document-services/${prepared.body.number}/evidence`, { served_on: beijingDay(20), signed_by: '王店长' })
  }
  await produceFor(day)
  const list = page.locator('[data-test="publication-list"]')
  await list.waitFor()
  await list.getByText('草稿', { exact: true }).waitFor()
  await held.waitFor({ state: 'detached' })
  const entries = page.locator('[data-test="publication-entries"]')
  const row = entries.locator('tbody tr').first()
  await row.getByText(PRODUCT.name).waitFor()
  const text = await row.innerText()
  for (const expected of [MAKER.name, 'MH2609017', PHARMACY.name, '含量测定', '苏州市药品检验检测研究中心', day])
    assert.ok(text.includes(expected), `${expected} missing from the entry: ${text}`)
  assert.equal(await entries.locator('tbody tr').count(), 1)
  // The producer neither reviews nor releases: disabled, with the reason on hover.
  assert.ok(await page.locator('[data-test="publication-review"]').isDisabled())
  assert.ok(await page.locator('[data-test="publication-csv"]').isDisabled())
  await page.locator('[data-test="publication-review"]').locator('..').hover()
  await page.getByText('制作人不能审核或发布自己制作的名单').first().waitFor()
  await w.shot('bureau-publication-draft.png')
  const number = (await page.locator('[data-test="publication-lists"] tbody tr .num').first().innerText()).trim()
  assert.match(number, /^GK\d{4}-\d{6}$/)

  // The second person reviews and releases.
  const w2 = await browser.page(DESKTOP, 'second planner releases the list')
  w2.expect(403, /^\/api\/v1\/publication-lists\/[^/]+\/review$/) // the wrong password, deliberately
  const p2 = w2.page
  await logIn(w2, base, 'planner2', PASSWORD)
  await p2.locator('[data-test="menu-publication"]').click()
  await p2.locator('[data-test="publication-lists"]').getByText(number).click()
  await p2.locator('[data-test="publication-list"]').getByText('草稿', { exact: true }).waitFor()
  await p2.locator('[data-test="publication-review"]').click()
  const dialog = p2.locator('[data-test="publication-dialog"]')
  await dialog.locator('input[name="sign-password"]').fill('not-my-password')
  await p2.locator('[data-test="publication-dialog-submit"]').click()
  await dialog.locator('[data-test="publication-dialog-error"]').waitFor()
  await dialog.locator('input[name="sign-password"]').fill(PASSWORD)
  await p2.locator('[data-test="publication-dialog-submit"]').click()
  await p2.locator('[data-test="publication-list"]').getByText('已审核', { exact: true }).waitFor()
  await p2.locator('.el-message').waitFor({ state: 'detached' })

  await p2.locator('[data-test="publication-release"]').click()
  await dialog.locator('input[name="sign-password"]').fill(PASSWORD)
  await p2.locator('[data-test="publication-dialog-submit"]').click()
  await p2.locator('.el-message-box').getByText('发布后不可修改').waitFor()
  await p2.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  const released = p2.locator('[data-test="publication-list"]')
  await released.getByText('已发布', { exact: true }).waitFor()
  await p2.locator('[data-test="publication-steps"]').getByText('批准发布：郑洁').waitFor()
  assert.ok(!(await p2.locator('[data-test="publication-xlsx"]').isDisabled()))

  const [workbook] = await Promise.all([p2.waitForEvent('download'), p2.locator('[data-test="publication-xlsx"]').click()])
  assert.match(workbook.suggestedFilename(), new RegExp(`${number}\\.xlsx$`))
  const { readFileSync } = await import('node:fs')
  const bytes = readFileSync(await workbook.path())
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'the workbook is a zip archive')
  const [csv] = await Promise.all([p2.waitForEvent('download'), p2.locator('[data-test="publication-csv"]').click()])
  const csvText = readFileSync(await csv.path(), 'utf8')
  assert.ok(csvText.startsWith('\uFEFF序号,标示产品名称'), csvText.slice(0, 80))
  assert.ok(csvText.includes(`${PRODUCT.name},${MAKER.name}`), csvText)
  // The PDF as published: A4 turned, the row read back by pdftotext -layout on one line.
  const [pdf] = await Promise.all([p2.waitForEvent('download'), p2.locator('[data-test="publication-pdf"]').click()])
  const { mkdirSync, copyFileSync } = await import('node:fs')
  const { paths } = await import('../service.mjs')
  mkdirSync(paths().screenshots, { recursive: true })
  const pdfCopy = path.join(paths().screenshots, 'bureau-publication-list.pdf')
  copyFileSync(await pdf.path(), pdfCopy)
  const info = spawnSync('pdfinfo', [pdfCopy], { encoding: 'utf8' }).stdout
  assert.match(info, /Page size:\s+841\.89 x 595\.276 pts \(A4\)/, info)
  const laidOut = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdfCopy, '-'], { encoding: 'utf8' }).stdout
  const pdfRow = laidOut.split('\n').find((l) => l.includes(PRODUCT.name)) ?? ''
  for (const expected of [MAKER.name, 'MH2609017', PHARMACY.name, day])
    assert.ok(pdfRow.includes(expected), `${expected} not on the PDF row's line: ${pdfRow}\n${laidOut}`)
  await p2.locator('.el-message').waitFor({ state: 'detached' }).catch(() => {})
  await w2.shot('bureau-publication-released.png')

  const stored = await planner.get(`/api/v1/publication-lists/${number}`)
  assert.equal(stored.state, 'released')
  assert.deepEqual(stored.steps.map((s) => [s.step, s.by]), [['reviewed', 'planner2'], ['released', 'planner2']])
  assert.deepEqual(stored.steps.map((s) => s.by_name), ['郑洁', '郑洁'])
  assert.equal(stored.entries.length, 1)
  assert.equal(stored.entries[0].report_number, issued.number)
  w.check()
  w2.check()
}
