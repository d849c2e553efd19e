import { defineConfig } from 'vitest/config'

/**
 * One test configuration for every workspace package. Tests talk to real Postgres, Redis, Nginx and child
 * processes on a 2-core machine where turbo runs two packages at once, so time limits are generous:
 * a slow test is reported by vitest, speed itself is measured by the benchmarks under bench/, never here.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // the JSON report feeds the one closing line of `pnpm test` (scripts/test-summary.mjs)
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
})
