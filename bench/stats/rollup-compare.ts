// node --conditions=development --import tsx bench/stats/rollup-compare.ts [calls]
// buildRollup before session 7 (old-rollup.ts) and the current one on the same traffic (the bench's, spread over three
// days, with blank, missing and odd agents and referrers): the outputs must be identical.
import { randomBytes } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { clickTraffic } from './traffic.js'
import { seededRandom } from '@ghostlink/testing'
import { buildRollup, countedDays } from '@ghostlink/clicks/stats-parts'
import { buildRollup as oldBuild } from './old-rollup.js'
const random = seededRandom(7)
const traffic = clickTraffic(random, 'c')
const salts = new Map(countedDays().map((d) => [d, randomBytes(16)] as const))
const DAY = 86_400_000
let n = 0
for (let i = 0; i < Number(process.argv[2] ?? 300); i++) {
  const recs = traffic(4, 250).flatMap((b) => b.records)
  // spread some over yesterday, three days ago (no salt), and odd agents and referrers
  for (const r of recs) {
    const x = random()
    if (x < 0.2) r[0] -= DAY * (random() < 0.5 ? 1 : 3) + Math.floor(random() * DAY)
    const y = random()
    if (y < 0.02) r[4] = null
    else if (y < 0.04) r[4] = '  '
    else if (y < 0.05) r[4] = `Mozilla/5.0 odd\x1f${Math.floor(random() * 5)}`
    if (random() < 0.02 && r[5] !== null) r[5] = random() < 0.5 ? 'not a url' : `https://www.${'x'.repeat(300)}.example/`
  }
  const a = oldBuild(recs, salts)
  const b = buildRollup(recs, salts)
  if (!isDeepStrictEqual({ ...a }, { ...b })) {
    console.log('DIFFERENT at call', i)
    process.exit(1)
  }
  n += recs.length
}
console.log(`identical on ${n} records`)
