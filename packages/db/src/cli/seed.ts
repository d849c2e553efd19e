import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '@ghostlink/config'
import { DataDirInUseError, openConfiguredDatabase } from '@ghostlink/embedded-postgres'
import { closeDb, createDb } from '../client.js'
import { formatReport } from '../seed/report.js'
import { runSeed } from '../seed/run-seed.js'

// `pnpm seed [dir]`: the directory is the argument, else SEED_DIR, else the reference CSVs in data/reference
// (docs/CONTRACT.md#c-2-seed), else the repository's own data/. The database is the configured one: a server, or
// with nothing configured the embedded database `pnpm start` created (stop it first: one process at a time).
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const config = loadConfig()
const candidates = [process.argv[2], config.SEED_DIR || undefined, resolve(repoRoot, 'data/reference'), resolve(repoRoot, 'data')]
const dir = candidates.filter((d): d is string => Boolean(d)).map((d) => resolve(d)).find((d) => existsSync(resolve(d, 'users.csv')))
if (!dir) {
  console.error(`seed: no users.csv in any of ${candidates.filter(Boolean).join(', ')}`)
  process.exit(1)
}

const database = await openConfiguredDatabase(config, { existingOnly: true }).catch((err) => {
  if (!(err instanceof DataDirInUseError)) throw err
  console.error(`seed: ${err.message} (\`pnpm start\` holds it: stop it, seed, start it again)`)
  process.exit(1)
})
const db = createDb(database.url, Math.min(2, database.poolMax))
try {
  const started = performance.now()
  console.log(`database: ${database.description}`)
  console.log(`seeding from ${dir}`)
  const report = await runSeed(db, dir)
  for (const table of ['users', 'urls', 'events'] as const) console.log(formatReport(table, report[table]))
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(2)} s`)
} finally {
  await closeDb(db)
  await database.close()
}
