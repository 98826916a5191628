// Where deadlines stand today, as the service counts them on its working-day calendar
// (GET /api/v1/calendar/clocks): the local due date, working days left or overdue, and
// whether a provisional calendar year was used. The page never counts days itself. Every
// deadline asked for in the same tick goes in one request (at most 200 per request), and
// an answer is kept for the page's life (a reload asks again).
import { reactive } from 'vue'
import { api } from './client'

export interface Clock {
  due_at: string
  due_date: string
  overdue: boolean
  working_days_left: number
  working_days_overdue: number
  provisional: boolean
}

const MAX_PER_REQUEST = 200
const known = reactive(new Map<string, Clock>())
const failed = reactive(new Map<string, string>())
let pending = new Set<string>()
let scheduled = false

async function flush() {
  scheduled = false
  const wanted = [...pending]
  pending = new Set()
  for (let i = 0; i < wanted.length; i += MAX_PER_REQUEST) {
    const chunk = wanted.slice(i, i + MAX_PER_REQUEST)
    try {
      const reply = await api.get<{ items: Clock[] }>('/api/v1/calendar/clocks', { due_at: chunk.join(',') })
      for (const c of reply.items) known.set(c.due_at, c)
    } catch (e) {
      for (const d of chunk) failed.set(d, (e as Error).message)
    }
  }
}

// The clock of a deadline instant ("2026-02-14T16:00:00Z"); undefined until the answer is in.
export function clockOf(dueAt: string): Clock | undefined {
  const c = known.get(dueAt)
  if (c || failed.has(dueAt)) return c
  if (!pending.has(dueAt)) {
    pending.add(dueAt)
    if (!scheduled) {
      scheduled = true
      queueMicrotask(() => void flush())
    }
  }
  return undefined
}

export function clockError(dueAt: string): string | undefined {
  return failed.get(dueAt)
}

// A due day (YYYY-MM-DD, a task's due_on) is due by its end in Beijing: 16:00 UTC.
export function endOfBeijingDay(day: string): string {
  return `${day}T16:00:00Z`
}

// After a change that moves deadlines (an extension), ask again.
export function forgetClocks() {
  known.clear()
  failed.clear()
}
