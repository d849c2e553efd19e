import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { api, fastifyOptions as apiFastifyOptions, openApiDeps } from '@ghostlink/api/compose'
import { EDGE_HEADERS } from '@ghostlink/clicks'
import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import { createLocalJobs, QUEUES } from '@ghostlink/jobs'
import { createApiMetrics, createProberMetrics, createRiskMetrics } from '@ghostlink/metrics'
import { createProbeDeps } from '@ghostlink/prober/probe'
import { startLocalProberWorkers, startProberWorkers } from '@ghostlink/prober/worker'
import { openDeps, openLocalDeps, redirectApp, fastifyOptions as redirectFastifyOptions } from '@ghostlink/redirect/compose'
import { createBlockingRedis, createRedis } from '@ghostlink/redis'
import { startLocalRetentionWorker, startLocalRiskWorkers, startRetentionWorker, startRiskWorkers } from '@ghostlink/risk-worker/compose'
import { openWebDeps, webApp } from '@ghostlink/web/compose'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify'
import { edgeHandler } from './edge-route.js'

export type OneProcessOptions = {
  config: Config
  /** The one pool every part shares (the embedded database serves a single connection). */
  db: Db
  log: FastifyBaseLogger
  /** Sees every API route as it is registered (the contract suite's route-table test). */
  onApiRoute?: (route: RouteOptions) => void
}

export type OneProcess = {
  /** The API instance; it owns the one HTTP server (listen on it), whose requests the edge routing dispatches. */
  api: FastifyInstance
  redirect: FastifyInstance
  /** The dashboard at /app/; it calls the API over HTTP on this process's own port, as the web process calls API_URL. */
  web: FastifyInstance
  /** The edge routing in front of the three routers, for light-my-request (tests) as for the HTTP server. */
  handler: (req: IncomingMessage, res: ServerResponse) => void
  /** Starts the job workers (after listen: the canaries go through this process's port). */
  startJobs(): Promise<void>
  /** Stops accepting, finishes requests, hands every click to the database, stops the workers; the pool stays open. */
  close(): Promise<void>
}

type Workers = { close(): Promise<void> }

/**
 * GhostLink in one process: the API, redirect and dashboard plugins behind the edge's routing on one server, and the workers
 * in-process. Nothing is copied: each tier's own plugin, options, dependency wiring and job handlers, composed.
 * With REDIS_URL set, Redis carries the cache, the click stream, pub/sub and BullMQ, as on the platform; without it
 * (`config.configured.redis` false) nothing connects to Redis: the in-process invalidation bus, the batched click
 * writer and the in-process job queue (docs/ARCHITECTURE.md#without-redis-one-process).
 */
export async function composeOneProcess({ config, db, log, onApiRoute }: OneProcessOptions): Promise<OneProcess> {
  const withRedis = config.configured.redis
  const jobs = withRedis ? undefined : createLocalJobs()
  const redirectDeps = withRedis ? await openDeps(config, log, { db }) : await openLocalDeps(config, log, { db })
  const redirect = Fastify({ ...redirectFastifyOptions(config), loggerInstance: log })
  // the link ids for the edge's click log of its micro-cache hits: nginx strips them, and there is no nginx here
  redirect.addHook('onSend', (_req, reply, _payload, done) => {
    reply.removeHeader(EDGE_HEADERS.urlId)
    reply.removeHeader(EDGE_HEADERS.userId)
    done()
  })
  await redirect.register(redirectApp, redirectDeps)
  await redirect.ready()

  // sessions in Redis where there is one (as the web process keeps them), else in memory
  const webRedis = withRedis && config.WEB_SESSION_STORE === 'redis' ? createRedis(config.REDIS_URL, 'ghostlink-web') : undefined
  const webDeps = openWebDeps(config, ownUrl(config), webRedis)
  const web = Fastify({ loggerInstance: log, trustProxy: config.TRUSTED_PROXIES })
  await web.register(webApp, webDeps)
  await web.ready()

  const apiDeps = jobs
    ? {
        config,
        db,
        metrics: createApiMetrics(config.release, config.flags),
        // a link the API changes is dropped from the redirect plugin's cache through the same in-process bus
        invalidation: redirectDeps.invalidation,
        riskQueue: jobs.queue(QUEUES.risk),
        quarantineQueue: jobs.queue(QUEUES.quarantine),
        close: async () => {},
      }
    : openApiDeps(config, { db })
  const app = Fastify({
    ...apiFastifyOptions(config),
    loggerInstance: log,
    // the API's server is the process's one server; the edge routing picks the router of each request
    serverFactory: (apiRouter) => createServer(edgeHandler({ api: apiRouter, redirect: redirect.routing, web: web.routing })),
  })
  if (onApiRoute) app.addHook('onRoute', onApiRoute)
  await app.register(api, apiDeps)
  await app.ready()

  let workers: Workers | undefined

  return {
    api: app,
    redirect,
    web,
    handler: edgeHandler({ api: app.routing, redirect: redirect.routing, web: web.routing }),
    async startJobs() {
      workers ??= await startWorkers(config, db, log, jobs)
    },
    async close() {
      // in the order that loses nothing: requests first (they record clicks and enqueue jobs), then the clicks they
      // recorded, then the jobs, then the connections those used; the dashboard first (its pages call the API)
      await web.close()
      await webDeps.close()
      webRedis?.disconnect()
      await app.close()
      await redirect.close()
      await redirectDeps.close()
      await workers?.close()
      await jobs?.close()
      await apiDeps.close()
    },
  }
}

/** This process's own address for the dashboard's API calls: loopback when it listens on every interface. */
function ownUrl(config: Config): string {
  const host = ['0.0.0.0', '::', ''].includes(config.HOST) ? '127.0.0.1' : config.HOST
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`
}

const metricsOf = (config: Config) => ({
  prober: createProberMetrics(config.release, config.flags),
  risk: createRiskMetrics(config.release, config.flags),
})

/**
 * The prober, risk and retention workers: on the in-process queue with BullMQ's concurrency and retry rules (`jobs`,
 * no Redis), or on BullMQ as the prober and risk services run them (REDIS_URL set). The same handlers either way.
 */
async function startWorkers(config: Config, db: Db, log: FastifyBaseLogger, jobs?: ReturnType<typeof createLocalJobs>): Promise<Workers> {
  const probe = createProbeDeps(config, log)
  const metrics = metricsOf(config)
  const common = { config, db, logger: log }
  let connection: ReturnType<typeof createBlockingRedis> | undefined
  let started: Workers[]
  if (jobs) {
    started = [
      await startLocalProberWorkers({ ...common, jobs, metrics: metrics.prober, probe }),
      await startLocalRiskWorkers({ ...common, jobs, metrics: metrics.risk }),
      await startLocalRetentionWorker({ ...common, jobs, metrics: metrics.risk }),
    ]
  } else {
    // BullMQ duplicates this connection for each worker's blocking reads
    const redis = createBlockingRedis(config.REDIS_URL, 'ghostlink-standalone-jobs')
    redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'))
    connection = redis
    started = [
      await startProberWorkers({ ...common, connection: redis, metrics: metrics.prober, probe }),
      await startRiskWorkers({ ...common, connection: redis, metrics: metrics.risk }),
      await startRetentionWorker({ ...common, connection: redis, metrics: metrics.risk }),
    ]
  }
  return {
    async close() {
      // the prober first: a finishing probe still adds a rescore; each close() lets its running jobs finish
      for (const w of started) await w.close()
      await probe.close()
      connection?.disconnect()
    },
  }
}
