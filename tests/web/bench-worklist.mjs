// Time from navigation to a usable 检验工作单 with 10,000 samples (20,000 open tests) in the
// laboratory's database (issue 13 "Speed"; BENCHMARKS.md): the real `lims serve` over SQLite,
// the real SPA, headless Chromium on loopback.
//   node tests/web/bench-worklist.mjs [--samples=10000] [--runs=5]
// One sample goes through the API as the journeys make it (registered, shipped, received: its
// tests exist); the rest are copies of it written straight into the database with SQL
// (python3's sqlite3: same office, same shipment to the laboratory, two open tests each),
// which bypasses the audit trail: this is a measuring database, never a real one.
// "Usable" is: the first page of tests (50) is in the table with each test's result column
// filled from /api/v1/worklists/results (the specification shown).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { Service } from './service.mjs'
import { Browser, DESKTOP, logIn } from './browser.mjs'
import { nonconformingReport, seed } from './seed.mjs'
import { PASSWORD } from './service.mjs'

const arg = (name, fallback) => Number((process.argv.find((a) => a.startsWith(`--${name}=`)) ?? `=${fallback}`).split('=')[1])
const SAMPLES = arg('samples', 10000)
const RUNS = arg('runs', 5)

const service = await Service.start()
let browser
try {
  const data = await seed(service)
  const { sample } = await nonconformingReport(service, data)
  const db = path.join(service.dir, 'lims.db')
  const python = `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=60)
n = int(sys.argv[3]) - 1
src = db.execute("SELECT id FROM samples WHERE number = ?", (sys.argv[2],)).fetchone()[0]
ship = db.execute("SELECT shipment_id FROM shipment_items WHERE sample_id = ?", (src,)).fetchone()[0]
cols = [r[1] for r in db.execute("PRAGMA table_info(samples)") if r[1] not in ("id", "number")]
tcols = [r[1] for r in db.execute("PRAGMA table_info(tests)") if r[1] not in ("id", "sample_id")]
with db:
    for i in range(n):
        cur = db.execute("INSERT INTO samples (number, %s) SELECT ?, %s FROM samples WHERE id = ?" % (",".join(cols), ",".join(cols)),
                         (sys.argv[2] + "-B%05d" % i, src))
        new = cur.lastrowid
        db.execute("INSERT INTO shipment_items (shipment_id, sample_id) VALUES (?, ?)", (ship, new))
        db.execute("INSERT INTO tests (sample_id, %s) SELECT ?, %s FROM tests WHERE sample_id = ?" % (",".join(tcols), ",".join(tcols)),
                   (new, src))
print(db.execute("SELECT count(*) FROM samples").fetchone()[0], db.execute("SELECT count(*) FROM tests WHERE state = 'pending'").fetchone()[0])
`
  const started = Date.now()
  const r = spawnSync('python3', ['-c', python, db, sample.number, String(SAMPLES)], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`bulk insert: ${r.stderr}`)
  const [samples, open] = r.stdout.trim().split(' ').map(Number)
  console.log(`database: ${samples} samples, ${open} open tests (copied in ${((Date.now() - started) / 1000).toFixed(1)} s)`)

  browser = await Browser.launch()
  const w = await browser.page(DESKTOP, 'worklist bench')
  const { page } = w
  await logIn(w, service.base, 'analyst', PASSWORD)
  const times = []
  for (let run = 0; run <= RUNS; run++) {
    await page.goto(`${service.base}/`)
    await page.locator('[data-test="who"]').waitFor()
    const t0 = Date.now()
    await page.goto(`${service.base}/analyst/worklist`)
    // A full first page whose rows show the specification the results route returned.
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('[data-test="worklist"] .el-table__body tr')
      return rows.length >= 50 && rows[rows.length - 1].textContent.includes('标准规定')
    }, undefined, { timeout: 60_000 })
    const ms = Date.now() - t0
    const rows = await page.locator('[data-test="worklist"] .el-table__body tr').count()
    const api = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => /\/api\/v1\/worklists\/(tests|results)/.test(e.name))
        .map((e) => `${new URL(e.name).pathname.split('/').pop()} ${Math.round(e.duration)} ms`)
        .join(', '),
    )
    if (run > 0) times.push(ms) // the first run warms the service's caches and the browser's
    console.log(`run ${run}${run === 0 ? ' (warm-up)' : ''}: ${ms} ms to a usable worklist (${rows} rows; ${api})`)
  }
  w.check()
  times.sort((a, b) => a - b)
  console.log(`median ${times[Math.floor(times.length / 2)]} ms, best ${times[0]} ms, worst ${times.at(-1)} ms over ${times.length} runs`)
} finally {
  await browser?.close().catch(() => {})
  await service.stop()
}
