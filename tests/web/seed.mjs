// The data the journeys look at, entered through the public API by the users who would
// enter it: a city bureau with a supervision office, a laboratory and an enforcement unit;
// one user per role; a pharmacy and a manufacturer (credit codes valid under GB 32100-2015);
// a drug with its specification lines; this year's plan, published into the office's task.
// nonconformingReport() then takes one sample all the way to an issued report that does not
// conform, which sends the notices and opens the case lead by itself.
import { PASSWORD } from './service.mjs'

export const ORGS = [
  { code: 'SZ-AMR', kind: 'bureau', region: '320500', parent: 'PROV', name: '苏州市市场监督管理局' },
  { code: 'SZ-GS', kind: 'supervision_office', region: '320508', parent: 'SZ-AMR', name: '姑苏区市场监督管理局观前所' },
  { code: 'SZ-IDC', kind: 'inspection_centre', region: '320500', parent: 'SZ-AMR', name: '苏州市药品检验检测研究中心' },
  { code: 'SZ-ENF', kind: 'enforcement_unit', region: '320500', parent: 'SZ-AMR', name: '苏州市药品稽查支队' },
]

// username → organisation, roles, display name
export const USERS = {
  planner: ['SZ-AMR', ['planner'], '王芳'],
  viewer: ['SZ-AMR', ['bureau_viewer'], '李强'],
  sampler1: ['SZ-GS', ['sampler'], '张伟'],
  sampler2: ['SZ-GS', ['sampler'], '刘洋'],
  receiver: ['SZ-IDC', ['receiver'], '赵敏'],
  analyst: ['SZ-IDC', ['analyst'], '孙磊'],
  reviewer: ['SZ-IDC', ['reviewer'], '周婷'],
  signatory: ['SZ-IDC', ['signatory'], '吴建国'],
  officer: ['SZ-ENF', ['enforcement_officer'], '陈静'],
}

export const PHARMACY = {
  name: '苏州市姑苏区人民路大药房',
  kind: 'pharmacy',
  credit_code: '92320508MA1MH2K47H',
  region: '320508',
  address: '苏州市姑苏区人民路88号',
}
export const MAKER = {
  name: '江苏吴中制药有限公司',
  kind: 'manufacturer',
  credit_code: '91320500134771505F',
  region: '320500',
  address: '苏州市吴中区东吴北路12号',
}
export const PRODUCT = {
  name: '盐酸二甲双胍片',
  category: 'drug',
  dosage_form: '片剂',
  specification: '0.5 g',
  approval_number: '国药准字H20023370',
  storage_class: 'ambient',
  lines: [
    { test_code: 'ASSAY', item: '含量测定', requirement: '95.0–105.0', unit: '%', basis: 'ChP 2025 二部' },
    { test_code: 'RELATED', item: '有关物质', requirement: '≤ 0.5', unit: '%', basis: 'ChP 2025 二部' },
  ],
}

const beijingYear = () => new Date(Date.now() + 8 * 3600_000).getUTCFullYear()
const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

export async function seed(service) {
  const admin = await service.as('admin')
  const orgs = { PROV: (await admin.get('/api/v1/organisations')).items.find((o) => o.code === 'PROV') }
  for (const o of ORGS) {
    orgs[o.code] = (
      await admin.post('/api/v1/organisations', {
        code: o.code,
        name: o.name,
        kind: o.kind,
        region_code: o.region,
        parent_id: orgs[o.parent].id,
      })
    ).body
  }
  const users = {}
  for (const [username, [org, roles, name]] of Object.entries(USERS)) {
    users[username] = (
      await admin.post('/api/v1/users', { username, display_name: name, organisation_id: orgs[org].id, roles, password: PASSWORD })
    ).body
  }
  const entity = async (e, office) =>
    (
      await admin.post('/api/v1/regulated-entities', {
        name: e.name,
        kind: e.kind,
        credit_code: e.credit_code,
        jurisdiction_org_id: orgs[office].id,
        region_code: e.region,
        address: e.address,
      })
    ).body
  const pharmacy = await entity(PHARMACY, 'SZ-GS')
  const maker = await entity(MAKER, 'SZ-AMR')
  const { lines, ...productBody } = PRODUCT
  const product = (await admin.post('/api/v1/products', { ...productBody, manufacturer_entity_id: maker.id, manufacturer_name: MAKER.name })).body
  for (const line of lines) await admin.post(`/api/v1/products/${product.id}/specification-lines`, line)

  const planner = await service.as('planner')
  const year = beijingYear()
  const plan = await planner.post('/api/v1/sampling-plans', {
    code: `SZ-YP-${year}`,
    title: `${year}年苏州市药品质量监督抽检计划`,
    year,
    starts_on: `${year}-01-01`,
    ends_on: `${year}-12-31`,
    quotas: [{ office_id: orgs['SZ-GS'].id, category: 'drug', focus: '集采中选药品', quantity: 12, due_on: `${year}-12-31` }],
  })
  const tasks = (await planner.post(`/api/v1/sampling-plans/SZ-YP-${year}/publish`, undefined, { ifMatch: plan.etag, expect: [200] })).body.tasks
  return { orgs, users, pharmacy, maker, product, plan: plan.body, task: tasks[0] }
}

// One sample of the drug registered at the pharmacy by the office's samplers (the task
// started first unless it already is), not yet shipped.
export async function registeredSample(service, data, { storage = 'ambient', batch = 'MH2609017', seals = ['FQ-GS-0001', 'FQ-GS-0002'] } = {}) {
  const sampler = await service.as('sampler1')
  const task = `/api/v1/tasks/${data.task.number}`
  if ((await sampler.get(task)).state !== 'in_progress')
    await sampler.post(`${task}/start`, undefined, { ifMatch: await sampler.etag(task), expect: [200] })
  const now = new Date()
  const sample = (
    await sampler.post('/api/v1/samples', {
      task_number: data.task.number,
      entity: { name: PHARMACY.name, credit_code: PHARMACY.credit_code, kind: PHARMACY.kind, address: PHARMACY.address },
      product: {
        id: data.product.id,
        name: PRODUCT.name,
        category: PRODUCT.category,
        dosage_form: PRODUCT.dosage_form,
        specification: PRODUCT.specification,
        approval_number: PRODUCT.approval_number,
        manufacturer_name: MAKER.name,
        manufacturer_credit_code: MAKER.credit_code,
      },
      batch_number: batch,
      production_date: '2026-09-01',
      expiry_date: '2028-08-31',
      quantity: '6',
      unit: '盒',
      test_quantity: '4',
      retained_quantity: '2',
      storage_condition: storage,
      seal_numbers: seals,
      sampler_user_ids: [data.users.sampler1.id, data.users.sampler2.id],
      sampled_at: iso(new Date(now.getTime() - 4 * 3600_000)),
      sampling_place: '营业厅货架及仓库',
    })
  ).body
  return sample
}

// One sample of the drug registered at the pharmacy and shipped (dispatched) to the
// laboratory, as the office's samplers do.
export async function shippedSample(service, data, { storage = 'ambient' } = {}) {
  const sampler = await service.as('sampler1')
  const sample = await registeredSample(service, data, { storage })
  const shipment = await sampler.post('/api/v1/shipments', { samples: [sample.number], laboratory_id: data.orgs['SZ-IDC'].id, carrier: '顺丰速运' })
  const dispatched = await sampler.post(`/api/v1/shipments/${shipment.body.number}/dispatch`, {}, { ifMatch: shipment.etag, expect: [200] })
  return { sample, shipment: dispatched.body }
}

// That sample through the laboratory's receipt; reviewAndIssue() then takes it through
// results (the assay fails: 88.2 % against 95.0–105.0 %), two-person review and a signed,
// issued report.
export async function nonconformingReport(service, data) {
  const { sample, shipment } = await shippedSample(service, data)
  const receiver = await service.as('receiver')
  const shipmentPath = `/api/v1/shipments/${shipment.number}`
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
  return { sample }
}

// Every test of the sample resulted, accepted by the analyst and verified by the reviewer,
// both signing: the results are final and the report can be drafted.
export async function reviewed(service, values = { ASSAY: '88.2', RELATED: '0.3' }) {
  const analyst = await service.as('analyst')
  const reviewer = await service.as('reviewer')
  const tests = (await analyst.get('/api/v1/worklists/tests?limit=100')).items
  for (const t of tests) {
    const p = `/api/v1/tests/${t.id}`
    await analyst.post(`${p}/results`, { value: values[t.test_code], unit: '%' }, { ifMatch: await analyst.etag(p), expect: [201] })
    await analyst.post(`${p}/review`, { decision: 'accept', password: PASSWORD }, { ifMatch: await analyst.etag(p), expect: [200] })
    await reviewer.post(`${p}/verify`, { password: PASSWORD }, { ifMatch: await reviewer.etag(p), expect: [200] })
  }
}

export async function reviewAndIssue(service, sample, values) {
  await reviewed(service, values)
  const signatory = await service.as('signatory')
  const draft = await signatory.post(`/api/v1/samples/${sample.number}/reports`)
  const approved = await signatory.post(`/api/v1/reports/${draft.body.number}/approve`, { password: PASSWORD }, { ifMatch: draft.etag, expect: [200] })
  const issued = await signatory.post(`/api/v1/reports/${draft.body.number}/issue`, {}, { ifMatch: approved.etag, expect: [200] })
  return issued.body
}

// The laboratory's sample refrigerator with a logger placed in it a day ago, and a day of
// readings sent as its gateway would (an ingest-scoped token, POST /api/v1/ingest/readings):
// 4–6 °C every 10 minutes, with two hours at 9.5 °C four hours ago (out of its 2–8 °C).
export async function refrigeratorWithReadings(service, data) {
  const admin = await service.as('admin')
  const unit = (
    await admin.post('/api/v1/coldchain/storage-units', {
      code: 'IDC-RF-01',
      name: '留样冷藏柜1号',
      kind: 'refrigerator',
      storage_class: 'refrigerated',
      org_id: data.orgs['SZ-IDC'].id,
      min_centi_celsius: 200,
      max_centi_celsius: 800,
    })
  ).body
  // The GSP annex: alarms reach at least three designated people of the site.
  for (const [name, email] of [['样品库值班员', 'duty'], ['质量负责人', 'quality'], ['分管副主任', 'deputy']])
    await admin.post('/api/v1/coldchain/contacts', { org_id: data.orgs['SZ-IDC'].id, name, email: `${email}@idc.example.cn` })
  const logger = (await admin.post('/api/v1/coldchain/loggers', { serial: 'IDC-RF-01-L01', model: 'FL-20', organisation_code: 'SZ-IDC' })).body
  const now = Math.floor(Date.now() / 1000)
  const start = now - 24 * 3600
  await admin.post(`/api/v1/coldchain/loggers/${logger.id}/placements`, { storage_unit_id: unit.id, from_utc: start - 600 })
  const gateway = (
    await admin.post('/api/v1/users', {
      username: 'gateway',
      display_name: '实验室数据网关',
      organisation_id: data.orgs['SZ-IDC'].id,
      roles: ['ingest_service'],
      password: PASSWORD,
    })
  ).body
  const token = (await admin.post('/api/v1/auth/service-tokens', { user_id: gateway.id })).body.token
  const readings = []
  for (let at = start; at <= now - 300; at += 600) {
    const warm = at >= now - 6 * 3600 && at < now - 4 * 3600
    readings.push({ logger: 'IDC-RF-01-L01', at_utc: at, centi_celsius: warm ? 950 : 500 + Math.round(80 * Math.sin(at / 7200)) })
  }
  for (let i = 0; i < readings.length; i += 100) {
    const r = await fetch(`${service.base}/api/v1/ingest/readings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': `seed-${i}` },
      body: JSON.stringify({ readings: readings.slice(i, i + 100) }),
    })
    if (r.status !== 200) throw new Error(`ingest readings: ${r.status} ${await r.text()}`)
  }
  return { unit, logger }
}

// An ingest-scoped account of the laboratory and its token, as a gateway is set up.
export async function gatewayToken(service, data) {
  const admin = await service.as('admin')
  const gateway = (
    await admin.post('/api/v1/users', {
      username: 'lab-gateway',
      display_name: '检验仪器数据网关',
      organisation_id: data.orgs['SZ-IDC'].id,
      roles: ['ingest_service'],
      password: PASSWORD,
    })
  ).body
  return (await admin.post('/api/v1/auth/service-tokens', { user_id: gateway.id })).body.token
}

// The laboratory's HPLC, registered with its test codes mapped (ASSAY-HPLC → ASSAY,
// RS-HPLC → RELATED), and one HL7 ORU^R01 message from it as its gateway forwards it: the
// received sample's assay at `assay` %, a related-substances result for a specimen label
// the service does not know (a typo at the instrument) and a water content the instrument
// is not mapped for (KF-WATER): those two go to quarantine.
export async function hplcMessage(service, data, sample, { assay = '93.0', unknownSpecimen = 'MH2609O17' } = {}) {
  const admin = await service.as('admin')
  await admin.post('/api/v1/instruments', {
    code: 'IDC-HPLC-01',
    organisation_code: 'SZ-IDC',
    name: '高效液相色谱仪（岛津 LC-2030）',
    family: 'hl7',
    transport: 'tcp_listen',
    address: '0.0.0.0:2575',
  })
  for (const [code, test] of [['ASSAY-HPLC', 'ASSAY'], ['RS-HPLC', 'RELATED']])
    await admin.post('/api/v1/instruments/IDC-HPLC-01/mappings', { instrument_test_code: code, test_code: test, result_unit: '%', instrument_unit: '%' })
  const token = await gatewayToken(service, data)
  const at = new Date()
  const stamp = iso(at).replace(/[-:TZ]/g, '').slice(0, 14)
  const segments = [
    `MSH|^~\\&|LC-2030|IDC|LIMS|IDC|${stamp}||ORU^R01|HPLC${stamp}|P|2.5.1`,
    `PID|1||${sample.number}`,
    `OBR|1||${sample.number}|ASSAY-HPLC^含量测定`,
    `OBX|1|NM|ASSAY-HPLC^含量测定||${assay}|%|95.0-105.0|L|||F|||${stamp}`,
    `OBR|2||${unknownSpecimen}|RS-HPLC^有关物质`,
    `OBX|2|NM|RS-HPLC^有关物质||0.21|%|<=0.5|N|||F|||${stamp}`,
    `OBR|3||${sample.number}|KF-WATER^水分`,
    `OBX|3|NM|KF-WATER^水分||2.4|%|<=5.0|N|||F|||${stamp}`,
  ]
  const raw = Buffer.from(`\x0b${segments.join('\r')}\r\x1c\r`, 'utf8').toString('base64')
  const observation = (specimen, code, value, range) => ({
    specimen_id: specimen,
    test_code: code,
    value_type: 'NM',
    value,
    units: '%',
    reference_range: range,
    status: 'F',
    observed_at: iso(at),
  })
  const r = await fetch(`${service.base}/api/v1/ingest/observations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': `hplc-${stamp}` },
    body: JSON.stringify({
      messages: [
        {
          instrument: 'IDC-HPLC-01',
          protocol: 'hl7',
          raw_base64: raw,
          received_at: iso(at),
          terminated_normally: true,
          observations: [
            observation(sample.number, 'ASSAY-HPLC', assay, '95.0-105.0'),
            observation(unknownSpecimen, 'RS-HPLC', '0.21', '<=0.5'),
            observation(sample.number, 'KF-WATER', '2.4', '<=5.0'),
          ],
        },
      ],
    }),
  })
  const text = await r.text()
  if (r.status !== 200) throw new Error(`ingest observations: ${r.status} ${text}`)
  return JSON.parse(text)
}

// A refrigerated sample on its way to the laboratory in a transport cool box (2–8 °C) with a
// logger that has recorded the trip every 5 minutes: 4–6 °C, except `warmHours` at 9.5 °C
// in the middle, which the trip's verdict judges (WHO 30-DTR: above 8 °C for 10 hours is
// a heat excursion).
export async function coldTrip(service, data, { warmHours = 11, tripHours = 14 } = {}) {
  const { sample, shipment } = await shippedSample(service, data, { storage: 'refrigerated' })
  const admin = await service.as('admin')
  const box = (
    await admin.post('/api/v1/coldchain/storage-units', {
      code: 'GS-BOX-07',
      name: '冷藏运输箱7号',
      kind: 'transport_box',
      storage_class: 'refrigerated',
      org_id: data.orgs['SZ-GS'].id,
      min_centi_celsius: 200,
      max_centi_celsius: 800,
    })
  ).body
  // The GSP annex: the box's alarms reach at least three designated people of the office.
  for (const [name, email] of [['抽样组值班员', 'duty'], ['所长', 'head'], ['质量联络员', 'quality']])
    await admin.post('/api/v1/coldchain/contacts', { org_id: data.orgs['SZ-GS'].id, name, email: `${email}@gs.example.cn` })
  const logger = (await admin.post('/api/v1/coldchain/loggers', { serial: 'GS-BOX-07-L01', model: 'TT-4', organisation_code: 'SZ-GS' })).body
  const now = Math.floor(Date.now() / 1000)
  const start = now - tripHours * 3600
  await admin.post(`/api/v1/coldchain/shipments/${shipment.id}/transport-box`, { storage_unit_id: box.id, at_utc: start }, { expect: [204] })
  await admin.post(`/api/v1/coldchain/loggers/${logger.id}/placements`, { shipment_id: shipment.id, from_utc: start })
  const token = await gatewayToken(service, data)
  const warmFrom = start + Math.round(((tripHours - warmHours) / 2) * 3600)
  const warmTo = warmFrom + warmHours * 3600
  const readings = []
  for (let at = start; at <= now - 60; at += 300) {
    const warm = at >= warmFrom && at < warmTo
    readings.push({ logger: 'GS-BOX-07-L01', at_utc: at, centi_celsius: warm ? 950 : 500 + Math.round(60 * Math.sin(at / 5400)) })
  }
  for (let i = 0; i < readings.length; i += 100) {
    const r = await fetch(`${service.base}/api/v1/ingest/readings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': `trip-${i}` },
      body: JSON.stringify({ readings: readings.slice(i, i + 100) }),
    })
    if (r.status !== 200) throw new Error(`ingest readings: ${r.status} ${await r.text()}`)
  }
  return { sample, shipment, box, logger }
}
