// Bulk user import benchmark (task: 100,000 generated users in under 10 s through POST /users/bulk).
//   pnpm bench:bulk            (node --conditions=development --import tsx bench/bulk-import.ts [users])
// Starts the API on a fresh database (port 0), uploads the generated file as multipart, prints elapsed time
// and rows/s, then imports the 400-row reference file and prints its honest counts.
import { existsSync, mkdirSync, openAsBlob, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { api } from '@ghostlink/api/app'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb } from '@ghostlink/db'
import { createApiMetrics } from '@ghostlink/metrics'
import { createTestDatabase } from '@ghostlink/testing'
import Fastify from 'fastify'
import { generate } from './generate-data.js'

const USERS = Number(process.argv[2] ?? 100_000)
const WORK_DIR = fileURLToPath(new URL('../.tmp/bench-bulk', import.meta.url))
const REFERENCE = fileURLToPath(new URL('../data/reference/users.csv', import.meta.url))

async function upload(base: string, path: string, name: string) {
  const form = new FormData()
  form.append('file', await openAsBlob(path, { type: 'text/csv' }), name)
  const started = performance.now()
  const res = await fetch(`${base}/users/bulk`, { method: 'POST', body: form })
  const seconds = (performance.now() - started) / 1000
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, seconds }
}

rmSync(WORK_DIR, { recursive: true, force: true })
mkdirSync(WORK_DIR, { recursive: true })
const genStart = performance.now()
const files = await generate({ users: USERS, urls: 0, events: 0, out: WORK_DIR, seed: 42 })
console.log(`generated ${USERS} users in ${((performance.now() - genStart) / 1000).toFixed(2)} s`)

const tdb = await createTestDatabase()
const config = loadConfig({ ...process.env, DATABASE_URL: tdb.url, LOG_LEVEL: 'silent', BULK_BODY_LIMIT_BYTES: String(200 * 1024 * 1024) })
const db = createDb(config.databaseUrl, 4)
const app = Fastify({ logger: false, bodyLimit: config.BODY_LIMIT_BYTES })
try {
  await app.register(api, { config, db, metrics: createApiMetrics(config.release, config.flags) })
  const base = await app.listen({ host: '127.0.0.1', port: 0 })

  const big = await upload(base, files.users, 'users.csv')
  const imported = Number(big.body.imported)
  console.log(`POST /users/bulk (multipart, ${USERS} rows): HTTP ${big.status} in ${big.seconds.toFixed(2)} s, ${Math.round(imported / big.seconds)} rows/s`)
  console.log(`  ${JSON.stringify(big.body)}`)

  if (existsSync(REFERENCE)) {
    await db.$client`truncate users restart identity cascade`
    const ref = await upload(base, REFERENCE, 'users.csv')
    console.log(`reference users.csv: HTTP ${ref.status} in ${ref.seconds.toFixed(3)} s`)
    console.log(`  ${JSON.stringify(ref.body)}`)
  } else {
    console.log(`reference file not found at ${REFERENCE}; skipped`)
  }
} finally {
  await app.close()
  await closeDb(db)
  await tdb.drop()
  rmSync(WORK_DIR, { recursive: true, force: true })
}
