// Dates as users read them: Beijing time (UTC+8, no daylight saving), YYYY-MM-DD and
// 24-hour clock, whatever the browser's own time zone.
const BEIJING_OFFSET_MS = 8 * 3600_000

export function beijingDate(instant: string | Date): string {
  const t = typeof instant === 'string' ? Date.parse(instant) : instant.getTime()
  return new Date(t + BEIJING_OFFSET_MS).toISOString().slice(0, 10)
}

export function beijingDateTime(instant: string | Date): string {
  const t = typeof instant === 'string' ? Date.parse(instant) : instant.getTime()
  return new Date(t + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

// A deadline instant is the end of its last day ("2026-02-14T16:00:00Z" is "by the end of
// 14 February" in Beijing): the due date is the Beijing day of the second before it.
export function dueDateOf(deadlineInstant: string): string {
  return beijingDate(new Date(Date.parse(deadlineInstant) - 1000))
}

// Working days left are the service's to count (api/clocks.ts, GET /api/v1/calendar/clocks).

// <input type="datetime-local"> value (Beijing wall clock) ↔ UTC instant text.
export function beijingLocalInput(instant: Date): string {
  return new Date(instant.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16)
}

export function instantFromBeijingLocal(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null
  const t = Date.parse(`${value}:00Z`) - BEIJING_OFFSET_MS
  return Number.isNaN(t) ? null : new Date(t)
}

export function utcText(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
