// The shapes of the /api/v1 answers the pages read (GET /api/v1/openapi.json).
export interface Task {
  number: string
  plan_id: number
  quota_id?: number
  office_id: number
  state: string
  due_on: string
  version: number
  // Focus-variety tag codes from its quota (GET /api/v1/focus-tags names them).
  focus_tags: string[]
}

export interface Quota {
  id: number
  office_id: number
  office_code: string
  category: string
  focus: string
  quantity: number
  due_on: string
  registered?: number
  remaining?: number
  office_name?: string
  office_kind?: 'supervision_office' | 'enforcement_unit' | 'inspection_centre'
  focus_tags?: string[]
  // Batches asked for per month (null: none asked that month) and registered per Beijing month.
  months?: { month: string; quantity: number | null; registered?: number }[]
}

export interface SampleSummary {
  number: string
  organisation_id: number
  product_name: string
  batch_number: string
  storage_condition: string
  sampled_at: string
  state: string
  version: number
}

export interface Notice {
  id: number
  number: string
  sample_id?: number
  report_id?: number
  sample_number?: string
  product_name?: string
  report_number?: string
  recipient: string
  to_org_id?: number
  external: boolean
  serious_risk: boolean
  state: string
  due_at: string
  deadline_provisional?: boolean
  acknowledged_at?: string
  acknowledged_by?: string
  version: number
}

export interface Evidence {
  kind: string
  ref: string
  label: string
}

export interface Finding {
  item: string
  detail: string
}

export interface CaseLead {
  id: number
  number: string
  source: string
  sample_id?: number
  report_id?: number
  entity_id?: number
  logger_id?: number
  manufacturer_name: string
  product_name: string
  batch_number: string
  summary: string
  findings: Finding[]
  evidence: Evidence[]
  assigned_org_id: number
  state: string
  received_at: string
  deadline_at: string
  deadline_provisional?: boolean
  extended: boolean
  extension_approval?: string
  decision?: string
  decision_reason?: string
  receiving_body?: string
  approval?: string
  version: number
}

// A case filed from a lead (GET /api/v1/cases/{number}; lims/store/case_repository.cpp to_json).
export interface CasePause {
  reason: string
  note: string
  started_at: string
  ended_at?: string
  started_by: string
  ended_by?: string
}
export interface CaseMeasure {
  id: number
  kind: string
  started_at: string
  scope: string
  document_number: string
  decision_due_at?: string
  decision_due_provisional?: boolean
  extended_at?: string
  extension_reason?: string
  extension_approver?: string
  ended_at?: string
  end_result?: string
  end_note?: string
  recorded_by: string
  pauses?: CasePause[] // a seizure: the goods out for testing (行政强制法 第二十五条)
}
export interface CaseTransfer {
  proposed_at: string
  grounds: string
  proposed_by: string
  decision_due_at: string
  decision_due_provisional?: boolean
  decided_at?: string
  decision?: string
  approver?: string
  decision_note?: string
  handover_due_at?: string
  handed_over_at?: string
  police_body?: string
  handover_reference?: string
}
export interface CaseOutcome {
  kind: string
  decided_at: string
  decision_number: string
  amount?: string
  legal_basis: string
  reason: string
  persons: { name: string; position: string; penalty: string; amount?: string }[]
  approval: string
  recorded_by: string
}
export interface FiledCase {
  id: number
  number: string
  lead_id: number
  lead_number: string
  assigned_org_id: number
  state: string
  filed_at: string
  filing_approval: string
  deadline_at?: string
  deadline_provisional?: boolean
  paused: boolean
  extended_at?: string
  extension_reason?: string
  extension_approver?: string
  pauses: CasePause[]
  measures: CaseMeasure[]
  transfers: CaseTransfer[]
  outcome?: CaseOutcome
  version: number
  created_at: string
  updated_at: string
}

export interface TestItem {
  id: number
  sample_id: number
  spec_line_id?: number
  test_code: string
  test_name: string
  state: string
  round: number
  assigned_to?: number
  instrument_id?: number
  version: number
}

// GET /api/v1/worklists/results: a test's newest result as the service judged it.
export interface TestResult {
  test_id: number
  sample_id: number
  sample_number: string
  test_code: string
  state: string
  item: string
  requirement: string
  standard: string
  decimal_places: number | null
  result: {
    id: number
    value: string
    unit: string
    source: string
    raw_message_id: number | null
    flags: string
    entered_at: string
  } | null
  rounded: string | null
  verdict: 'conforms' | 'does_not_conform' | 'indeterminate' | null
  warning: boolean
  explanation: string
}

export interface Notification {
  kind: string
  sample_number: string
  message: string
  created_at: string
}
export type { Page } from './client'

// A sampling plan (抽检计划) with its quotas; GET /sampling-plans/{code} adds each quota's
// registered and remaining counts.
export interface SamplingPlan {
  code: string
  title: string
  organisation_id: number
  year: number
  state: string
  starts_on: string
  ends_on: string
  version: number
  quotas: Quota[]
  phases?: { name: string; starts_on: string; ends_on: string; summary_due_on: string | null }[]
}

// A plan in the list (GET /sampling-plans): its quota lines' total and the samples
// registered against them, over the lines the caller may see.
export interface PlanSummary {
  code: string
  title: string
  organisation_id: number
  year: number
  state: string
  starts_on: string
  ends_on: string
  version: number
  quota_lines: number
  quantity: number
  registered: number
}

// GET /api/v1/shipments (the list) and /api/v1/shipments/{number}.
export interface Shipment {
  id: number
  number: string
  from_organisation_id: number
  from_organisation_name?: string // in the list
  laboratory_id: number
  laboratory_name?: string // in the list
  state: string
  carrier: string
  logger_serial: string | null
  departed_at: string | null
  arrived_at: string | null
  samples: { sample_number: string; receipt_condition: string | null }[]
  version: number
  created_at?: string
}

// GET /api/v1/laboratories: where a shipment may go.
export interface Laboratory {
  id: number
  code: string
  name: string
  region_code: string
}

// GET /api/v1/shipments/{number}/transport-box: the box and the trip's logger.
export interface ShipmentTrip {
  shipment_id: number
  shipment_number: string
  state: string
  box: {
    storage_unit_id: number
    code: string
    name: string
    storage_class: string
    min_centi_celsius: number
    max_centi_celsius: number
  } | null
  logger: {
    serial: string
    placed_from_utc: number | null
    placed_to_utc: number | null
    readings: number
    first_reading_utc: number | null
    last_reading_utc: number | null
  } | null
}
