// Runs one browser journey (tests/web/journeys/<name>.mjs) against a fresh service:
//   node tests/web/run.mjs <name>
// Each journey exports `default async function (ctx)` with ctx = { service, browser, data,
// base, assert }, and fails by throwing. ctest registers one test per journey
// (tests/web/CMakeLists.txt).
import assert from 'node:assert/strict'
import path from 'node:path'
import { mkdirSync } from 'node:fs'
import { Service, paths } from './service.mjs'
import { Browser } from './browser.mjs'
import { seed } from './seed.mjs'

const name = process.argv[2]
if (!name) {
  console.error('usage: node tests/web/run.mjs <journey>')
  process.exit(2)
}
const journey = (await import(`./journeys/${name}.mjs`)).default
const started = Date.now()
mkdirSync(paths().screenshots, { recursive: true })
let service, browser
let code = 0
try {
  service = await Service.start()
  const data = await seed(service)
  browser = await Browser.launch()
  await journey({ service, browser, data, base: service.base, assert })
  console.log(`journey ${name}: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
} catch (e) {
  console.error(`journey ${name}: FAILED\n${e.stack ?? e}`)
  if (service) console.error(`--- lims serve stderr ---\n${service.log()}`)
  // What the browser showed when it failed, beside the journey's screenshots.
  const open = browser?.context.pages() ?? []
  for (const [i, page] of open.entries()) {
    const file = path.join(paths().screenshots, `FAILED-${name}-${i}.png`)
    await page.screenshot({ path: file, fullPage: true }).then(() => console.error(`screenshot: ${file}`), () => {})
  }
  code = 1
} finally {
  await browser?.close().catch(() => {})
  await service?.stop().catch(() => {})
}
process.exit(code)
