// The re-inspection (复验/复检) of a sample as GET /api/v1/samples/{number}/reinspection gives
// it (lims/api/routes/reinspection_routes.cpp), and the recount of a laboratory draw that
// anyone can do from what it shows: chosen_index = seed mod count(candidates).

export interface LaboratoryRef {
  id: number
  code: string
  name: string
}

export interface LaboratoryDraw {
  excluded: LaboratoryRef
  candidates: LaboratoryRef[]
  seed: string // 16 hexadecimal digits
  chosen_index: number
  rule: string
}

export interface RetainedPortionHandover {
  action: string
  actor: string
  actor_name: string | null
  holder_organisation_id: number
  holder_organisation_code: string
  note: string
  at: string
}

export interface Reinspection {
  id: number
  deadline_at: string
  deadline_provisional?: boolean
  category: string
  rule_id: string | null
  rule: string | null
  citation: string | null
  laboratory: LaboratoryRef | null
  laboratory_basis: 'original_laboratory' | 'designated_by_higher_bureau' | 'drawn_from_directory' | null
  laboratory_reference: string | null
  draw: LaboratoryDraw | null
  state: string
  sample_state: string
  applicant_kind: 'sampled_unit' | 'manufacturer'
  applicant_name: string
  applied_at: string
  window_from: string
  window_service_number: string | null
  original_report_number: string
  handover: RetainedPortionHandover | null
  result_report_number: string | null
  result_report_state: string | null
  result_conclusion: 'conforms' | 'does_not_conform' | null
  // The sample's version (If-Match of the refusal) and the refusal (不予受理), when refused.
  sample_version: number
  refused_at: string | null
  refused_by: string | null
  refused_by_name: string | null
  refusal_reason: string | null
}

// The index a draw's seed gives over its candidates, counted here as anyone may count it.
export function recountDraw(draw: LaboratoryDraw): number | null {
  if (!/^[0-9a-f]{16}$/i.test(draw.seed) || draw.candidates.length === 0) return null
  return Number(BigInt(`0x${draw.seed}`) % BigInt(draw.candidates.length))
}
