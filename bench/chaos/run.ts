// pnpm chaos [--only redis-down,postgres-down] [--connections 32] [--codes 200] [--log]
// Runs outage scenarios through the nginx edge under load, each bounded in time, on a platform of its own (throwaway
// Postgres and Redis on free ports, services supervised as `pnpm dev` does). Per scenario: failed requests, 302s
// served, clicks recorded in Postgres, and the difference. docs/RELIABILITY.md holds the results and what they mean.
import { parseArgs } from 'node:util'
import { importFromRedirect } from '../redirect/resolve.js'
import { startLoad } from './load.js'
import { type Platform, startPlatform, waitUntil } from './platform.js'
import { SCENARIOS } from './scenarios.js'

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    connections: { type: 'string', default: '32' },
    codes: { type: 'string', default: '200' },
    log: { type: 'boolean', default: false },
  },
})
const chosen = args.only ? SCENARIOS.filter((s) => args.only!.split(',').includes(s.name)) : SCENARIOS
if (chosen.length === 0) throw new Error(`--only: one of ${SCENARIOS.map((s) => s.name).join(', ')}`)
const codes = Array.from({ length: Number(args.codes) }, (_, i) => `chaos${i}`)

const { createDb, closeDb } = await importFromRedirect<typeof import('@ghostlink/db')>('@ghostlink/db')
const { Redis } = await importFromRedirect<typeof import('ioredis')>('ioredis')

/** Clicks in Postgres, or undefined while it is unreachable. */
async function recordedClicks(p: Platform): Promise<number | undefined> {
  const db = createDb(p.pg.url, 1)
  try {
    const [row] = await db.$client<{ n: number }[]>`select count(*)::int as n from events where event_type = 'redirect'`
    return row?.n
  } catch {
    return undefined
  } finally {
    await closeDb(db).catch(() => {})
  }
}

/** Waits (at most 60 s) until the click stream is empty and the count in Postgres stopped moving. */
async function settledClicks(p: Platform): Promise<number> {
  const redis = new Redis(p.redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 200, lazyConnect: true })
  redis.on('error', () => {})
  let last = -1
  let stableSince = Date.now()
  const until = Date.now() + 60_000
  try {
    while (Date.now() < until) {
      const backlog = await redis.xlen(`${p.prefix}clicks`).catch(() => -1)
      const n = (await recordedClicks(p)) ?? -1
      if (n !== last) {
        last = n
        stableSince = Date.now()
      }
      if (backlog === 0 && n >= 0 && Date.now() - stableSince > 3_000) return n
      await new Promise((r) => setTimeout(r, 250))
    }
    console.warn('[chaos] clicks did not settle within 60 s')
    return last
  } finally {
    redis.disconnect()
  }
}

type Row = { scenario: string; seconds: number; failed: number; served: number; recorded: number; difference: number; failures: string }
const rows: Row[] = []

console.log(`[chaos] starting the platform (own Postgres, Redis, nginx, ${codes.length} codes)…`)
const platform = await startPlatform({ codes, log: args.log })
try {
  // warm-up, not counted: JIT, pools and caches as a running system has them
  const warm = startLoad(platform.edge, codes, Number(args.connections))
  await new Promise((r) => setTimeout(r, 8_000))
  await warm.stop()
  for (const sc of chosen) {
    console.log(`[chaos] ${sc.name}: ${sc.what}`)
    await waitUntil('healthy before the scenario', platform.healthy, 60_000)
    const before = await settledClicks(platform)
    const t0 = performance.now()
    const load = startLoad(platform.edge, codes, Number(args.connections))
    await new Promise((r) => setTimeout(r, 2_000))
    await sc.run(platform)
    await new Promise((r) => setTimeout(r, 3_000))
    const counts = await load.stop()
    const seconds = Math.round((performance.now() - t0) / 100) / 10
    await waitUntil('healthy after the scenario', platform.healthy, 60_000)
    const recorded = (await settledClicks(platform)) - before
    const row = {
      scenario: sc.name,
      seconds,
      failed: counts.failed,
      served: counts.served302,
      recorded,
      difference: counts.served302 - recorded,
      failures: Object.entries(counts.statuses)
        .map(([k, v]) => `${k}×${v}`)
        .join(' '),
    }
    rows.push(row)
    console.log(`[chaos]   ${JSON.stringify(row)}`)
    if (args.log) console.log(`[chaos] nginx error log:\n${platform.edgeErrors().split('\n').slice(-40).join('\n')}`)
  }
} finally {
  await platform.stop()
}

const header = '| scenario | seconds | failed requests | 302s served | clicks recorded | difference | failures seen |'
console.log(`\n${header}\n|---|---:|---:|---:|---:|---:|---|`)
for (const r of rows) {
  console.log(`| ${r.scenario} | ${r.seconds} | ${r.failed} | ${r.served} | ${r.recorded} | ${r.difference} | ${r.failures || '–'} |`)
}
process.exit(0)
