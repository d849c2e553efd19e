export { DataDirInUseError } from './data-dir-lock.js'
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres.js'
export { openConfiguredDatabase, type OpenedDatabase } from './open-database.js'
