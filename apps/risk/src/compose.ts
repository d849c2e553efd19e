// What a composition root needs to run the risk tier inside another process (apps/standalone, `pnpm start`),
// through `@ghostlink/risk-worker/compose`: the risk, quarantine-sync and click-retention workers, on BullMQ (with
// Redis) or on the in-process queue (without).
export { startLocalRetentionWorker, startLocalRiskWorkers } from './local-worker.js'
export { startRetentionWorker } from './retention-worker.js'
export { startRiskWorkers } from './worker.js'
