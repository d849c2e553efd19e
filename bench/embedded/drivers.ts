// `pnpm bench:embedded-drivers`: the two ways into the embedded Postgres (issue 11), on the same PGlite data files.
//   socket: PGlite served over the wire protocol in-process (packages/embedded-postgres), postgres.js + drizzle's
//           postgres-js driver: the code paths every service runs (raw queries, unnest array inserts) unchanged
//   direct: drizzle's pglite driver on the PGlite instance, no socket, no protocol round trip
// Each scenario runs on both, one after the other, and prints operations per second and the ratio. The figures and
// the choice are in docs/decisions/2026-11-27-embedded-postgres.md.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { closeDb, createDb, migrateDb, requestFingerprints, urls, users } from '@ghostlink/db'
import { startEmbeddedPostgres } from '@ghostlink/embedded-postgres'
import { eq } from 'drizzle-orm'
import { drizzle as pgliteDrizzle } from 'drizzle-orm/pglite'
import { loadavg } from 'node:os'

const LOOKUPS = Number(process.env.LOOKUPS ?? 3_000)
const BATCHES = Number(process.env.BATCHES ?? 20)
const BATCH = 500
const dir = mkdtempSync(join(tmpdir(), 'gl-bench-drivers-'))

// setup: schema and 1 000 links through the socket (the migrator is postgres-js)
{
  const pg = await startEmbeddedPostgres({ dataDir: dir })
  const db = createDb(pg.url, 1)
  await migrateDb(db)
  const [u] = await db.insert(users).values({ username: 'bench', email: 'bench@example.com' }).returning()
  await db.insert(urls).values(Array.from({ length: 1_000 }, (_, i) => ({ user_id: u!.id, short_code: `b${i}`, original_url: `https://example.com/${i}` })))
  await closeDb(db)
  await pg.close()
}

// the same drizzle statements on both drivers: a select by code, a multi-row insert of fingerprints
const rows = (tag: string) =>
  Array.from({ length: BATCH }, (_, i) => ({ short_code: `${tag}-${i}`, client_ip: '127.0.0.1', user_agent: 'bench', status_code: 302, is_dead_link: false }))

type Scenario = { lookups: (i: number) => Promise<unknown>; batch: (n: number) => Promise<unknown> }
const time = async (n: number, f: (i: number) => Promise<unknown>) => {
  const t = performance.now()
  for (let i = 0; i < n; i++) await f(i)
  return n / ((performance.now() - t) / 1000)
}
const run = async (s: Scenario) => ({ lookups: await time(LOOKUPS, s.lookups), batches: await time(BATCHES, s.batch) })

// socket: what the services run (a drizzle select; the click writer's unnest insert over postgres.js arrays)
const pg = await startEmbeddedPostgres({ dataDir: dir })
const db = createDb(pg.url, 1)
const socket = await run({
  lookups: (i) => db.select().from(urls).where(eq(urls.short_code, `b${i % 1_000}`)),
  batch: (n) => db.insert(requestFingerprints).values(rows(`s${n}`)),
})
await closeDb(db)
await pg.close()

// direct: drizzle's pglite driver (no postgres.js: the services' db.$client tagged templates would not run here)
const lite = await PGlite.create({ dataDir: join(dir, 'pgdata') })
const ldb = pgliteDrizzle({ client: lite })
const direct = await run({
  lookups: (i) => ldb.select().from(urls).where(eq(urls.short_code, `b${i % 1_000}`)),
  batch: (n) => ldb.insert(requestFingerprints).values(rows(`d${n}`)),
})
await lite.close()
rmSync(dir, { recursive: true, force: true })

const row = (name: string, s: number, d: number, unit: string) =>
  console.log(`${name.padEnd(28)} socket ${s.toFixed(0).padStart(7)} ${unit}   direct ${d.toFixed(0).padStart(7)} ${unit}   direct/socket ${(d / s).toFixed(2)}`)
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${LOOKUPS} lookups, ${BATCHES} batches of ${BATCH}`)
row('link lookup (drizzle select)', socket.lookups, direct.lookups, 'q/s')
row(`insert of ${BATCH} rows (drizzle)`, socket.batches, direct.batches, 'batches/s')
