// 证据材料 on the screens of the records they prove (issue 16 item 9): the sampler's on-site
// photo (sent through the API at registration, as the phone does) is on the receiver's
// receipt dialog with its thumbnail, file name, size and SHA-256; the receiver adds a photo
// taken at receipt (a GIF is refused in the panel, before anything is sent) and downloads
// the sampler's photo: saved as a file (never opened in the page) whose bytes have the
// SHA-256 shown. The report issued, the enforcement officer's lead page reads in Chinese
// (failing item "低于规定范围", the decision 不予立案 in words, no English and no raw codes),
// shows the sample's two files, and takes a scanned document (PDF) as the lead's evidence,
// downloaded again with the same digest. The service has every file, by its SHA-256.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { reviewAndIssue, shippedSample } from '../seed.mjs'

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')
// As the panel shows sizes (1 KB = 1024 bytes).
const sizeText = (n) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`)

// A w×h RGB PNG of stripes, written here so the test needs no image file.
function png(w, h, [r1, g1, b1], [r2, g2, b2]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([len, body, sum])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(w, 0)
  header.writeUInt32BE(h, 4)
  header.set([8, 2, 0, 0, 0], 8)
  const rows = []
  for (let y = 0; y < h; y++) {
    rows.push(0)
    for (let x = 0; x < w; x++) rows.push(...(((x >> 3) + (y >> 3)) % 2 ? [r1, g1, b1] : [r2, g2, b2]))
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')

export default async function ({ service, browser, base, data, assert }) {
  const { sample, shipment } = await shippedSample(service, data)
  const onSite = png(96, 64, [47, 110, 186], [240, 240, 240])
  const sampler = await service.as('sampler1')
  await sampler.post(`/api/v1/samples/${sample.number}/attachments`, {
    purpose: 'on_site_photo', file_name: '药店货架.png', note: '货架陈列', content_base64: onSite.toString('base64') }, { expect: [201] })

  // ---- the receiver's receipt dialog ----------------------------------------------------
  const w = await browser.page(DESKTOP, 'receiver sees and adds evidence')
  const { page } = w
  await logIn(w, base, 'receiver', PASSWORD)
  await page.locator('[data-test="menu-receipt"]').click()
  await page.locator(`[data-test="receive-${sample.number}"]`).click()
  const dialog = page.locator('[data-test="receipt-dialog"]')
  const panel = dialog.locator('[data-test="evidence-sample"]')
  const first = panel.locator(`[data-test="evidence-file"][data-sha256="${sha256(onSite)}"]`)
  await first.waitFor()
  await first.locator('[data-test="evidence-thumb"]').waitFor()
  const firstText = await first.innerText()
  for (const expected of ['现场照片', '药店货架.png', sizeText(onSite.length), `SHA-256 ${sha256(onSite)}`, '货架陈列', '张伟 于'])
    assert.ok(firstText.includes(expected), `${expected} missing: ${firstText}`)

  // A GIF is refused in the panel; nothing is sent.
  await panel.locator('[data-test="evidence-input"]').setInputFiles({ name: 'x.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') })
  await panel.locator('[data-test="evidence-problem"]').getByText('不支持的文件类型（image/gif）').waitFor()
  // The photo taken at receipt.
  const atReceipt = png(64, 64, [200, 60, 40], [250, 230, 200])
  await panel.locator('[data-test="evidence-input"]').setInputFiles({ name: '开箱.png', mimeType: 'image/png', buffer: atReceipt })
  const second = panel.locator(`[data-test="evidence-file"][data-sha256="${sha256(atReceipt)}"]`)
  await second.waitFor()
  await second.getByText('接收时照片').waitFor()
  await page.getByText('与本机计算的摘要一致').waitFor()
  assert.equal(await panel.locator('[data-test="evidence-file"]').count(), 2)

  // The download is a file with the digest shown, named by the sample, not shown in the page.
  const [download] = await Promise.all([page.waitForEvent('download'), first.getByRole('button', { name: '下载' }).click()])
  assert.match(download.suggestedFilename(), new RegExp(`^${sample.number}-\\d+\\.png$`))
  assert.equal(sha256(readFileSync(await download.path())), sha256(onSite))
  assert.equal(page.url().startsWith(base), true, 'the page stayed where it was')
  await page.locator('.el-message').waitFor({ state: 'detached' }).catch(() => {})
  await panel.scrollIntoViewIfNeeded()
  await w.shot('receiver-receipt-evidence.png', { fullPage: false })
  w.check()

  // The service keeps both, by their digests; the download is served as an attachment.
  const receiver = await service.as('receiver')
  const kept = (await receiver.get(`/api/v1/samples/${sample.number}/attachments`)).items
  assert.deepEqual(kept.map((a) => [a.purpose, a.sha256, a.size]), [
    ['on_site_photo', sha256(onSite), onSite.length],
    ['receipt_photo', sha256(atReceipt), atReceipt.length],
  ])
  const raw = await fetch(base + kept[0].content_url, { headers: { Authorization: `Bearer ${receiver.token}` } })
  assert.equal(raw.headers.get('content-type'), 'image/png')
  assert.match(raw.headers.get('content-disposition') ?? '', /^attachment;/)
  assert.equal(raw.headers.get('x-content-type-options'), 'nosniff')

  // ---- received, tested, reported: the lead --------------------------------------------
  const shipmentPath = `/api/v1/shipments/${shipment.number}`
  await receiver.post(`${shipmentPath}/arrive`, {}, { ifMatch: await receiver.etag(shipmentPath), expect: [200] })
  const samplePath = `/api/v1/samples/${sample.number}`
  await receiver.post(`${samplePath}/receipt`, {
    checklist: { seals_intact: true, seal_numbers_match: true, labels_match: true, quantity_matches: true, package_condition: 'good' },
    decision: 'accept',
  }, { ifMatch: await receiver.etag(samplePath), expect: [200] })
  const issued = await reviewAndIssue(service, sample)
  const lead = issued.case_lead
  assert.ok(lead?.number, JSON.stringify(issued))
  const officer = await service.as('officer')
  const leadPath = `/api/v1/case-leads/${lead.number}`
  for (const action of ['accept', 'investigate'])
    await officer.post(`${leadPath}/steps`, { action }, { ifMatch: await officer.etag(leadPath), expect: [200] })
  await officer.post(`${leadPath}/steps`, { action: 'decline', reason: '经核查系储存不当所致，已责令整改', approval: '局长王某' },
    { ifMatch: await officer.etag(leadPath), expect: [200] })

  const o = await browser.page(DESKTOP, 'officer reads the lead and adds evidence')
  await logIn(o, base, 'officer', PASSWORD)
  await o.page.goto(`${base}/enforcement/leads/${encodeURIComponent(lead.number)}`)
  const facts = o.page.locator('[data-test="lead-facts"]')
  await facts.locator('[data-test="lead-decision"]').getByText('不予立案').waitFor()
  await o.page.getByText('低于规定范围').first().waitFor()
  const leadPanel = o.page.locator('[data-test="evidence-case_lead"]')
  await leadPanel.getByText('暂无证据材料').waitFor()
  await leadPanel.locator('[data-test="evidence-input"]').setInputFiles({ name: '现场检查笔录.pdf', mimeType: 'application/pdf', buffer: PDF })
  const scanned = leadPanel.locator(`[data-test="evidence-file"][data-sha256="${sha256(PDF)}"]`)
  await scanned.getByText('线索证据').waitFor()
  await scanned.getByText('PDF', { exact: true }).waitFor()
  const samplePanel = o.page.locator('[data-test="evidence-sample"]')
  await samplePanel.getByText('共 2 份').waitFor()
  await samplePanel.locator('[data-test="evidence-thumb"]').nth(1).waitFor()
  assert.equal(await samplePanel.locator('[data-test="evidence-upload"]').count(), 0, 'the officer attaches to the lead, not the sample')
  const [pdf] = await Promise.all([o.page.waitForEvent('download'), scanned.getByRole('button', { name: '下载' }).click()])
  assert.match(pdf.suggestedFilename(), new RegExp(`^${lead.number}-\\d+\\.pdf$`))
  assert.equal(sha256(readFileSync(await pdf.path())), sha256(PDF))

  // Everything a person reads on the lead is Chinese: no English sentence, no raw state code.
  const text = await o.page.locator('.page').innerText()
  for (const english of ['below', 'above', 'range', 'rounds', 'sample ', 'filed', 'not_filed', 'test report', 'custody'])
    assert.ok(!text.includes(english), `"${english}" on the lead page:\n${text}`)
  await o.page.locator('.el-message').waitFor({ state: 'detached' }).catch(() => {})
  await o.page.waitForLoadState('networkidle')
  await o.shot('officer-lead-evidence.png')
  o.check()
  const stored = (await officer.get(`${leadPath}/attachments`)).items
  assert.deepEqual(stored.map((a) => [a.purpose, a.media_type, a.sha256]), [['lead_evidence', 'application/pdf', sha256(PDF)]])
}
