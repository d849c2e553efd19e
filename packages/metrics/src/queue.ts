import { Counter, Gauge, type Registry } from 'prom-client'

/** Queue and worker health, shared by every BullMQ worker (backlog and stall alerts read these). */
export function createQueueMetrics(registry: Registry) {
  return {
    queueJobs: new Gauge({
      name: 'ghostlink_queue_jobs',
      help: 'Jobs in a BullMQ queue by state (sampled at scrape time)',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    jobsProcessed: new Counter({
      name: 'ghostlink_jobs_processed_total',
      help: 'Jobs finished by this worker, by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    }),
    lastJobTimestamp: new Gauge({
      name: 'ghostlink_worker_last_job_timestamp_seconds',
      help: 'Unix time of the last job this worker finished, by queue',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
    // Scheduled sweeps (issue 13): the ScheduleStalled alert compares these two across every replica.
    scheduleLastFired: new Gauge({
      name: 'ghostlink_schedule_last_fired_timestamp_seconds',
      help: 'Unix time a scheduled sweep last fired (shared through Redis, so every replica reports the latest)',
      labelNames: ['schedule'] as const,
      registers: [registry],
    }),
    scheduleInterval: new Gauge({
      name: 'ghostlink_schedule_interval_seconds',
      help: 'Configured interval of a scheduled sweep',
      labelNames: ['schedule'] as const,
      registers: [registry],
    }),
    schedulesReasserted: new Counter({
      name: 'ghostlink_schedule_reasserted_total',
      help: 'Job schedulers found missing in Redis (a restart without data, a flush) and registered again',
      labelNames: ['schedule'] as const,
      registers: [registry],
    }),
  }
}

export type QueueMetrics = ReturnType<typeof createQueueMetrics>
