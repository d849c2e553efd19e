// What a composition root needs to run the risk tier inside another process (apps/standalone, `pnpm start`),
// through `@ghostlink/risk-worker/compose`: the risk and quarantine-sync workers and the click-retention worker.
export { startRetentionWorker } from './retention-worker.js'
export { startRiskWorkers } from './worker.js'
