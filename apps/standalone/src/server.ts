import { ensureFirstAdminKey, loggerOptions } from '@ghostlink/api/compose'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, migrateDb } from '@ghostlink/db'
import { DataDirInUseError, openConfiguredDatabase } from '@ghostlink/embedded-postgres'
import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { composeOneProcess } from './one-process.js'
import { oneProcessConfig } from './one-process-config.js'

// `pnpm start`: the whole GhostLink in this process, on PORT, on the configured database or an embedded one.
// Start-up phases are logged (ms since the process started): the target is the first answer within 5 s.
const cpuMs = () => {
  const { user, system } = process.cpuUsage()
  return Math.round((user + system) / 1000)
}
const modulesLoaded = performance.now()
const modulesCpu = cpuMs()
const config = oneProcessConfig(loadConfig())
const log = pino(loggerOptions(config.LOG_LEVEL))

const database = await openConfiguredDatabase(config).catch((err) => {
  if (!(err instanceof DataDirInUseError)) throw err
  log.fatal(err.message)
  process.exit(1)
})
const databaseOpen = performance.now()
const databaseCpu = cpuMs()
const db = createDb(database.url, database.poolMax)
await migrateDb(db)
const migrated = performance.now()
const migratedCpu = cpuMs()
log.info(
  { database: database.description, ...(database.created && { databaseFiles: database.created }), redis: config.configured.redis ? `${new URL(config.REDIS_URL).host} (REDIS_URL)` : 'none: everything in-process' },
  'GhostLink in one process',
)

const app = await composeOneProcess({ config, db, log })
const firstKey = await ensureFirstAdminKey(db, config)
if (firstKey) {
  // stdout, once, not a log line: the logger redacts keys, and this is the only moment the secret exists
  process.stdout.write(`\nFirst start: an admin API key was created. It is shown only now; only its hash is stored.\n\n  ${firstKey}\n\n`)
}

closeWithGrace({ delay: 20_000 }, async ({ signal, err }) => {
  if (err) log.error({ err }, 'shutting down after error')
  else log.info({ signal }, 'shutting down')
  await app.close()
  await closeDb(db)
  await database.close()
  log.info('stopped; the database was closed cleanly')
})

await app.api.listen({ host: config.HOST, port: config.PORT })
const ms = (t: number) => Math.round(t)
const listeningCpu = cpuMs()
log.info(
  {
    startup: { modules: ms(modulesLoaded), database: ms(databaseOpen), migrations: ms(migrated), listening: ms(performance.now()) },
    // on a loaded machine the wall times stretch; CPU time is what the start-up itself costs (at the same marks;
    // it includes V8's background threads)
    startupCpu: { modules: modulesCpu, database: databaseCpu, migrations: migratedCpu, listening: listeningCpu },
    startupCpuMs: listeningCpu,
  },
  `listening on http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`,
)
await app.startJobs()
