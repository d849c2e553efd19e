// What a composition root needs to run the dashboard inside another process (apps/standalone, `pnpm start`), through
// `@ghostlink/web/compose`: the plugin and its dependencies, as server.ts builds them.
export { webApp } from './app.js'
export { openWebDeps } from './open-web-deps.js'
