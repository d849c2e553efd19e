import { loadConfig } from '@ghostlink/config'
import { runMigrations } from '../migrate.js'

const config = loadConfig()
await runMigrations(config.databaseUrl)
console.log('migrations applied')
