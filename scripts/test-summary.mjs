// Sums the vitest JSON reports every workspace package writes (vitest.shared.ts) into one closing line:
// "tests: N passed, N failed, N skipped", after listing the screenshots the browser tests saved (apps/web/screenshots).
// `--clean` removes the reports and screenshots of a previous run first.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const reports = ['apps', 'packages']
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name)))
  .concat([join(root, 'infra')])
  .map((pkg) => join(pkg, '.vitest-report.json'))
  .filter((file) => existsSync(file))

const screenshots = join(root, 'apps/web/screenshots')

if (process.argv.includes('--clean')) {
  for (const file of reports) rmSync(file)
  rmSync(screenshots, { recursive: true, force: true })
  process.exit(0)
}

const shots = existsSync(screenshots) ? readdirSync(screenshots).filter((f) => f.endsWith('.png')).sort() : []
console.log(`screenshots of the web dashboard (${shots.length}) in apps/web/screenshots/:`)
for (const shot of shots) console.log(`  apps/web/screenshots/${shot}`)

let passed = 0
let failed = 0
let skipped = 0
for (const file of reports) {
  const r = JSON.parse(readFileSync(file, 'utf8'))
  passed += r.numPassedTests
  failed += r.numFailedTests
  skipped += r.numPendingTests + r.numTodoTests
}
console.log(`vitest reports read: ${reports.length} packages`)
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
