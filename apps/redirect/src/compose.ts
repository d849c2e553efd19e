// What a composition root needs to run the redirect tier inside another process (apps/standalone, `pnpm start`),
// through `@ghostlink/redirect/compose`: the plugin, its server options and its dependencies.
export { redirectApp } from './app.js'
export { fastifyOptions } from './fastify-options.js'
export { openDeps, openLocalDeps, type OpenedDeps } from './open-deps.js'
