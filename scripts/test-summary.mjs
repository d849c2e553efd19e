// Sums the vitest JSON reports every workspace package writes (vitest.shared.ts) into one closing line:
// "tests: N passed, N failed, N skipped". `--clean` removes the reports of a previous run first.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const reports = ['apps', 'packages']
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name)))
  .concat([join(root, 'infra')])
  .map((pkg) => join(pkg, '.vitest-report.json'))
  .filter((file) => existsSync(file))

if (process.argv.includes('--clean')) {
  for (const file of reports) rmSync(file)
  process.exit(0)
}

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
