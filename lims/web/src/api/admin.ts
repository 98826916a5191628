// The shapes of the administration answers (organisations, users, instruments, loggers,
// products, specification lines, the calendar) and the roles a person may hold.
import type { Role } from '../auth/session'

export const PERSON_ROLES: Role[] = [
  'planner',
  'sampler',
  'receiver',
  'analyst',
  'reviewer',
  'signatory',
  'enforcement_officer',
  'bureau_viewer',
  'administrator',
]

export interface Organisation {
  id: number
  code: string
  name: string
  kind: string
  parent_id: number | null
  region_code: string
  path: string
  active: boolean
  version: number
}

export interface UserRecord {
  id: number
  username: string
  display_name: string
  organisation_id: number
  roles: Role[]
  active: boolean
  version: number
}

export interface Link {
  state: string
  since: string
  last_error: string
  messages?: number
  polls?: number
  failures: number
  connections?: number
}

export interface Instrument {
  id: number
  code: string
  name: string
  family: string
  transport: string
  address?: string
  active: boolean
  organisation_code: string
  link?: Link
  version: number
}

export interface Logger {
  id: number
  serial: string
  model: string
  organisation_code: string
  link?: Link
  placement?: { storage_unit_id?: number; shipment_id?: number; from_utc: string } | null
  polling?: { transport: string; interval_seconds: number } | null
  version: number
}

export interface Product {
  id: number
  name: string
  category: string
  dosage_form: string
  specification: string
  approval_number: string
  manufacturer_name: string
  storage_class: string
  version: number
}

export interface SpecificationLine {
  id: number
  product_id: number | null
  test_code: string
  item: string
  requirement: string
  limit_kind: string
  lower_limit: string | null
  upper_limit: string | null
  unit: string
  precision: number
  basis: string
  version: number
}

export interface CalendarYear {
  year: number
  status: 'official' | 'provisional'
}

export interface CalendarWarning {
  code: string
  year: number
  status: 'provisional' | 'missing'
  message: string
}

export interface CalendarState {
  today: string
  years: CalendarYear[]
  warnings: CalendarWarning[]
}
