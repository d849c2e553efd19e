// node --conditions=development --import tsx bench/stats/rollup-js.ts [--calls 300] [--rounds 8]
// The writer's JS of the rollups alone: buildRollup before session 7 (old-rollup.ts) and the current one, alternating
// in one process (CPU per 1 000 records of the bench's traffic, medians of the rounds).
import { parseArgs } from 'node:util'
import { randomBytes } from 'node:crypto'
import { clickTraffic } from './traffic.js'
import { seededRandom } from '@ghostlink/testing'
import { buildRollup, countedDays } from '@ghostlink/clicks/stats-parts'
import { buildRollup as oldBuild } from './old-rollup.js'

const { values } = parseArgs({ options: { calls: { type: 'string', default: '300' }, rounds: { type: 'string', default: '8' } } })
const traffic = clickTraffic(seededRandom(15), 'p')
const salts = new Map(countedDays().map((d) => [d, randomBytes(16)] as const))
const calls = Array.from({ length: Number(values.calls) }, () => traffic(4, 250).flatMap((b) => b.records))
const fns = { old: oldBuild, new: buildRollup }
for (const f of Object.values(fns)) for (let i = 0; i < 100; i++) f(calls[i]!, salts)
const res: Record<string, number[]> = { old: [], new: [] }
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [name, f] of Object.entries(fns)) {
    const t0 = process.cpuUsage()
    let n = 0
    for (const c of calls) { f(c, salts); n += c.length }
    const u = process.cpuUsage(t0)
    res[name]!.push(((u.user + u.system) / 1000 / n) * 1000)
  }
}
for (const [name, xs] of Object.entries(res)) {
  const s = [...xs].sort((a, b) => a - b)
  console.log(`${name}: median ${s[s.length >> 1]!.toFixed(2)} ms per 1000 records (${s.map((x) => x.toFixed(2)).join(' ')})`)
}
