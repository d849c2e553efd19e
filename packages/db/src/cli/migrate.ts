import { loadConfig } from '@ghostlink/config'
import { ensureDatabase, runMigrations } from '../migrate.js'

const config = loadConfig()
if (await ensureDatabase(config.databaseUrl)) console.log('database created')
await runMigrations(config.databaseUrl)
console.log('migrations applied')
