// JavaScript a browser downloads to show a page (gzip, zlib level 9), per route: the entry
// chunk, the route's own chunk and every chunk they import statically, from the build's
// manifest (dist/.vite/manifest.json). `npm run build && node scripts/js-size.mjs`.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import path from 'node:path'

const dist = path.resolve(import.meta.dirname, '../dist')
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'))
const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)
const gz = new Map()
const sizeOf = (file) => {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length)
  return gz.get(file)
}
function closure(keys) {
  const seen = new Set()
  const visit = (k) => {
    if (seen.has(k)) return
    seen.add(k)
    for (const i of manifest[k].imports ?? []) visit(i)
  }
  keys.forEach(visit)
  return [...seen].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'))
}
const kb = (n) => (n / 1024).toFixed(1)
const screens = {
  'login (/login)': ['src/views/LoginView.vue'],
  'sampler home (/)': ['src/layout/AppLayout.vue', 'src/views/HomeView.vue'],
  'sampler tasks (/sampler/tasks)': ['src/layout/AppLayout.vue', 'src/views/sampler/TasksView.vue'],
  'sampler registration (/sampler/register)': ['src/layout/AppLayout.vue', 'src/views/sampler/RegisterView.vue'],
  "sampler's screens together": ['src/views/LoginView.vue', 'src/layout/AppLayout.vue', 'src/views/HomeView.vue', 'src/views/sampler/TasksView.vue', 'src/views/sampler/RegisterView.vue'],
  'case-lead board (/enforcement/leads)': ['src/layout/AppLayout.vue', 'src/views/enforcement/LeadBoardView.vue'],
  'statistics with ECharts (/statistics)': ['src/layout/AppLayout.vue', 'src/views/statistics/StatisticsView.vue'],
  'cold chain with ECharts (/coldchain)': ['src/layout/AppLayout.vue', 'src/views/coldchain/ColdChainView.vue'],
}
console.log('| screen | JS files | JS gzip (KiB) |\n| --- | ---: | ---: |')
for (const [name, routes] of Object.entries(screens)) {
  const files = closure([entry, ...routes])
  console.log(`| ${name} | ${files.length} | ${kb(files.reduce((a, f) => a + sizeOf(f), 0))} |`)
}
const own = (k) => kb(sizeOf(manifest[k].file))
console.log(`\nentry chunk ${manifest[entry].file}: ${own(entry)} KiB gz; route chunks alone: ` +
  Object.keys(manifest).filter((k) => k.startsWith('src/views/')).map((k) => `${path.basename(k, '.vue')} ${own(k)}`).join(', '))
