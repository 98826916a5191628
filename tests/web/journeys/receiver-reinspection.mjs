// 复验/复检 on its own page: a drug's nonconforming report issued, the laboratory's receiver
// records the pharmacy's application (a name left blank caught in the form), sees the rule
// (7 个工作日, 药品管理法 第一百零二条), the deadline and the original laboratory; hands the
// retained portion over — a seal not in the sampling record refused by the service, then the
// record's seals checked and intact — and sees it in the chain of custody; the re-test and
// its report through the API, the page shows the round-2 report and 符合规定. A device's
// re-inspection laboratory is drawn from the directory: the page shows the candidates, the
// seed and the index, and recounts the draw; the receiver then decides not to accept it
// (不予受理) with its reason, shown on the page, and nothing is handed over after. Read-only
// for the bureau's planner.
import { DESKTOP, logIn } from '../browser.mjs'
import { PASSWORD } from '../service.mjs'
import { nonconformingReport, registeredSample, reviewAndIssue } from '../seed.mjs'

// A second sample of the drug with seals of its own, received and reported nonconforming.
async function secondReport(service, data) {
  const sampler = await service.as('sampler1')
  const sample = await registeredSample(service, data, { batch: 'MH2609018', seals: ['FQ-GS-0101', 'FQ-GS-0102'] })
  const shipment = await sampler.post('/api/v1/shipments', { samples: [sample.number], laboratory_id: data.orgs['SZ-IDC'].id, carrier: '顺丰速运' })
  await sampler.post(`/api/v1/shipments/${shipment.body.number}/dispatch`, {}, { ifMatch: shipment.etag, expect: [200] })
  const receiver = await service.as('receiver')
  const shipmentPath = `/api/v1/shipments/${shipment.body.number}`
  await receiver.post(`${shipmentPath}/arrive`, {}, { ifMatch: await receiver.etag(shipmentPath), expect: [200] })
  const samplePath = `/api/v1/samples/${sample.number}`
  await receiver.post(
    `${samplePath}/receipt`,
    {
      checklist: { seals_intact: true, seal_numbers_match: true, labels_match: true, quantity_matches: true, package_condition: 'good' },
      decision: 'accept',
    },
    { ifMatch: await receiver.etag(samplePath), expect: [200] },
  )
  await reviewAndIssue(service, sample)
  return sample
}

export default async function ({ service, browser, base, data, assert }) {
  const { sample } = await nonconformingReport(service, data)
  await reviewAndIssue(service, sample)
  const device = await secondReport(service, data)
  const receiver = await service.as('receiver')
  const seals = (await receiver.get(`/api/v1/samples/${sample.number}`)).seal_numbers
  assert.ok(seals?.length, 'the sample has no seals')

  const w = await browser.page(DESKTOP, 'receiver reinspection')
  const { page } = w
  w.expect(404, /\/reinspection$/) // no re-inspection yet: the page says so
  await logIn(w, base, 'receiver', PASSWORD)
  await page.locator('[data-test="menu-reinspection"]').click()
  await page.locator('[data-test="reinspection-page"]').waitFor()
  // The reported samples are listed; one is opened from the list.
  await page.locator('[data-test="reinspection-state"]').click()
  await page.getByRole('option', { name: '已出报告' }).click()
  await page.locator('[data-test="reinspection-list"]').getByText(sample.number).click()
  const card = page.locator('[data-test="reinspection-card"]')
  await card.locator('[data-test="reinspection-none"]').waitFor()

  // The application: the applicant's name is required before anything is sent.
  await page.locator('[data-test="reinspection-apply"]').click()
  const dialog = page.getByRole('dialog')
  await dialog.locator('[data-test="apply-confirm"]').click()
  await dialog.locator('.el-form-item__error').first().waitFor()
  await dialog.locator('[data-test="apply-name"]').fill('苏州市姑苏区人民路大药房')
  await dialog.locator('.el-form-item__error').waitFor({ state: 'detached' }) // gone once the name is typed
  await w.shot('reinspection-apply.png', { fullPage: false })
  await dialog.locator('[data-test="apply-confirm"]').click()
  await page.getByText('复验申请已登记').waitFor()
  await dialog.waitFor({ state: 'hidden' })
  await card.locator('[data-test="reinspection-rule"]').getByText('7 个工作日').waitFor()
  await card.locator('[data-test="reinspection-citation"]').getByText('第一百零二条', { exact: false }).waitFor()
  await card.locator('[data-test="reinspection-laboratory"]').getByText('苏州市药品检验检测研究中心').waitFor()
  await card.locator('[data-test="reinspection-basis"]').getByText('原检验机构').waitFor()
  const stored = await receiver.get(`/api/v1/samples/${sample.number}/reinspection`)
  const clock = (await receiver.get(`/api/v1/calendar/clocks?due_at=${stored.deadline_at}`)).items[0]
  assert.equal(await card.locator('[data-test="reinspection-deadline"] .date').innerText(), clock.due_date)
  assert.equal((await card.locator('[data-test="reinspection-report"]').innerText()).trim(), stored.original_report_number)

  // The retained portion: the seals read are checked against the sampling record as typed
  // (one not in the record named, one of the record not read); a broken seal is not handed over.
  await page.locator('[data-test="reinspection-handover-open"]').click()
  await dialog.locator('[data-test="handover-seals"]').fill(`${seals[0]}, FQ-XX-9999`)
  await dialog.locator('[data-test="handover-mismatch"]').getByText('不在抽样记录中：FQ-XX-9999', { exact: false }).waitFor()
  await dialog.locator('[data-test="handover-mismatch"]').getByText('还有 1 个封签未核对', { exact: false }).waitFor()
  await dialog.locator('[data-test="handover-received-by"]').fill('南京复验中心 钱七')
  await dialog.locator('[data-test="handover-confirm"]').click()
  await dialog.getByText('封签不完好的留样不能移交复验', { exact: false }).waitFor()
  await w.shot('reinspection-handover-checked.png', { fullPage: false })
  await dialog.locator('[data-test="handover-seals"]').fill(seals.join(' '))
  await dialog.locator('[data-test="handover-intact"]').click()
  assert.equal(await dialog.locator('[data-test="handover-mismatch"]').count(), 0, 'the record\'s seals shown as a mismatch')
  await dialog.locator('[data-test="handover-confirm"]').click()
  await page.getByText('留样已移交复验机构').waitFor()
  await dialog.waitFor({ state: 'hidden' })
  const handover = card.locator('[data-test="reinspection-handover"]')
  await handover.getByText(seals[0], { exact: false }).waitFor()
  await handover.getByText('接收人 南京复验中心 钱七', { exact: false }).waitFor()
  await handover.getByText('赵敏').waitFor() // who handed it over, by name
  const custody = await receiver.get(`/api/v1/samples/${sample.number}/custody`)
  assert.equal(custody.events.at(-1).action, 'hand_over_retained_portion')
  assert.equal(custody.events.at(-1).holder_organisation_code, 'SZ-IDC')

  // The re-test conforms; its report issued. The page follows it to the end.
  await reviewAndIssue(service, sample, { ASSAY: '99.2', RELATED: '0.2' })
  await page.locator('[data-test="reinspection-open"]').click()
  const result = card.locator('[data-test="reinspection-result"]')
  await result.getByText('符合规定').waitFor()
  const done = await receiver.get(`/api/v1/samples/${sample.number}/reinspection`)
  assert.equal(done.state, 'completed')
  assert.ok(done.result_report_number)
  await result.getByText(done.result_report_number).waitFor()
  await w.shot('reinspection-drug-completed.png')

  // A device: its laboratory is drawn at random from the directory, never the original one.
  const admin = await service.as('admin')
  const lab2 = (
    await admin.post('/api/v1/organisations', { code: 'NJ-IDC', name: '南京市医疗器械检验所', kind: 'inspection_centre', region_code: '320100', parent_id: data.orgs.PROV.id })
  ).body
  await admin.post('/api/v1/reinspection-laboratories', { organisation_code: lab2.code, category: 'device', basis: '复检机构名录（2026年第1号公告）' }, { expect: [201] })
  const productPath = `/api/v1/products/${data.product.id}`
  const product = await admin.get(productPath)
  await admin.call('PUT', productPath, {
    name: product.name, category: 'device', dosage_form: product.dosage_form, specification: product.specification,
    approval_number: product.approval_number, manufacturer_entity_id: product.manufacturer_entity_id,
    manufacturer_name: product.manufacturer_name, storage_class: product.storage_class,
  }, { ifMatch: await admin.etag(productPath), expect: [200] })
  await page.locator('[data-test="reinspection-sample"]').fill(device.number)
  await page.locator('[data-test="reinspection-open"]').click()
  await card.locator('[data-test="reinspection-none"]').waitFor()
  await page.locator('[data-test="reinspection-apply"]').click()
  await dialog.locator('[data-test="apply-applicant"]').click()
  await page.getByRole('option', { name: '标示生产企业' }).click()
  await dialog.locator('[data-test="apply-name"]').fill('江苏吴中制药有限公司')
  await dialog.locator('[data-test="apply-confirm"]').click()
  await page.getByText('复验申请已登记').waitFor()
  await dialog.waitFor({ state: 'hidden' })
  await card.locator('[data-test="reinspection-basis"]').getByText('名录随机抽取').waitFor()
  await card.locator('[data-test="reinspection-citation"]').getByText('第七十五条', { exact: false }).waitFor()
  const drawn = await receiver.get(`/api/v1/samples/${device.number}/reinspection`)
  assert.equal(drawn.laboratory.code, 'NJ-IDC')
  assert.equal(await card.locator('[data-test="reinspection-seed"]').innerText(), drawn.draw.seed)
  await card.locator('[data-test="reinspection-candidates"]').getByText('南京市医疗器械检验所').waitFor()
  await card.locator('[data-test="reinspection-chosen"]').waitFor()
  await card.locator('[data-test="reinspection-recount"]').getByText('与抽取结果一致', { exact: false }).waitFor()
  await w.shot('reinspection-device-drawn.png')

  // 不予受理: the receiver decides not to accept the device's application; the reason is
  // required in the dialog; the decision is shown with who, when and why, the hand-over is
  // then disabled with the reason and refused by the service, a second decision refused.
  await page.locator('[data-test="reinspection-refuse-open"]').click()
  await dialog.locator('[data-test="refusal-confirm"]').click()
  await dialog.getByText('请填写不予受理的理由').waitFor()
  await dialog.locator('[data-test="refusal-reason"]').fill('申请人未提交加盖公章的复验申请书及授权委托书')
  await dialog.getByText('请填写不予受理的理由').waitFor({ state: 'detached' })
  await w.shot('reinspection-refuse-dialog.png', { fullPage: false })
  await dialog.locator('[data-test="refusal-confirm"]').click()
  await page.getByText('已作出不予受理决定').waitFor()
  await dialog.waitFor({ state: 'hidden' })
  const refusedBox = card.locator('[data-test="reinspection-refused"]')
  await refusedBox.getByText('该复验申请不予受理').waitFor()
  await refusedBox.locator('[data-test="reinspection-refusal-reason"]').getByText('授权委托书', { exact: false }).waitFor()
  await refusedBox.getByText('赵敏', { exact: false }).waitFor() // who refused, by name
  assert.equal(await page.locator('[data-test="reinspection-handover-open"]').count(), 0, 'a hand-over offered after the refusal')
  assert.equal(await page.locator('[data-test="reinspection-refuse-open"]').count(), 0, 'a second refusal offered')
  const refusedRead = await receiver.get(`/api/v1/samples/${device.number}/reinspection`)
  assert.equal(refusedRead.state, 'refused')
  assert.equal(refusedRead.sample_state, 'reported')
  const deviceSeals = (await receiver.get(`/api/v1/samples/${device.number}`)).seal_numbers
  const lateHandover = await receiver.post(
    `/api/v1/samples/${device.number}/reinspection/handover`,
    { seal_numbers: deviceSeals, seals_intact: true, received_by: '南京复验中心 钱七' },
    { expect: [409] },
  )
  assert.match(JSON.stringify(lateHandover.body), /not accepted/)
  const twice = await receiver.post(
    `/api/v1/samples/${device.number}/reinspection/refusal`,
    { reason: '再次' },
    { ifMatch: await receiver.etag(`/api/v1/samples/${device.number}/reinspection`), expect: [409] },
  )
  assert.match(JSON.stringify(twice.body), /already/)
  await w.shot('reinspection-device-refused.png')
  w.check()

  // The bureau's planner reads it; recording is the laboratory's, shown disabled.
  const p = await browser.page(DESKTOP, 'planner reads reinspection')
  p.expect(404, /\/reinspection$/)
  await logIn(p, base, 'planner', PASSWORD)
  await p.page.goto(`${base}/reinspection?sample=${encodeURIComponent(device.number)}`)
  await p.page.locator('[data-test="reinspection-seed"]').waitFor()
  assert.equal(await p.page.locator('[data-test="reinspection-handover-open"]').count(), 0, 'the planner is offered the hand-over')
  await p.shot('reinspection-planner-reads.png')
  p.check()
}
