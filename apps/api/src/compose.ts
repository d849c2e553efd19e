// What a composition root needs to run the API inside another process (apps/standalone, `pnpm start`), through
// `@ghostlink/api/compose`: the plugin, its server and logger options, its dependencies, the first-start admin key.
export { api } from './app.js'
export { ensureFirstAdminKey } from './auth/first-admin-key.js'
export { fastifyOptions } from './fastify-options.js'
export { loggerOptions } from './logger-options.js'
export { openApiDeps } from './open-deps.js'
