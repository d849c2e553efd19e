export * from './schema/index.js'
export { createDb, closeDb, pingDb, type Db } from './client.js'
export { runMigrations, migrationsFolder } from './migrate.js'
export * from './queries/index.js'
