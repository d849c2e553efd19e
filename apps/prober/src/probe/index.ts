// What the probe benchmark (bench/probe/run.ts) drives: the prober's own probe path, through `@ghostlink/prober/probe`.
export { allowAll } from './address-policy.js'
export type { Resolver } from './guarded-lookup.js'
export { HostLimiter } from './host-limiter.js'
export { createProbeAgent } from './probe-agent.js'
// and what the one-process entry (apps/standalone) runs the prober's workers with
export { createProbeDeps } from './probe-deps.js'
