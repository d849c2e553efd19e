import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { api, fastifyOptions as apiFastifyOptions, openApiDeps } from '@ghostlink/api/compose'
import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import { createProberMetrics, createRiskMetrics } from '@ghostlink/metrics'
import { createProbeDeps } from '@ghostlink/prober/probe'
import { startProberWorkers } from '@ghostlink/prober/worker'
import { openDeps, redirectApp, fastifyOptions as redirectFastifyOptions } from '@ghostlink/redirect/compose'
import { createBlockingRedis } from '@ghostlink/redis'
import { startRetentionWorker, startRiskWorkers } from '@ghostlink/risk-worker/compose'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify'
import { EDGE_HEADERS } from '@ghostlink/clicks'
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
  /** The edge routing in front of both routers, for light-my-request (tests) as for the HTTP server. */
  handler: (req: IncomingMessage, res: ServerResponse) => void
  /** Starts the job workers (after listen: the canaries go through this process's port). */
  startJobs(): Promise<void>
  /** Stops accepting, finishes requests, hands every click to the database, stops the workers; the pool stays open. */
  close(): Promise<void>
}

/**
 * GhostLink in one process: the API and redirect plugins behind the edge's routing on one server, and the workers
 * in-process. Nothing is copied: each tier's own plugin, options and dependency wiring, composed.
 */
export async function composeOneProcess({ config, db, log, onApiRoute }: OneProcessOptions): Promise<OneProcess> {
  const redirectDeps = await openDeps(config, log, { db })
  const redirect = Fastify({ ...redirectFastifyOptions(config), loggerInstance: log })
  // the link ids for the edge's click log of its micro-cache hits: nginx strips them, and there is no nginx here
  redirect.addHook('onSend', async (_req, reply) => {
    reply.removeHeader(EDGE_HEADERS.urlId)
    reply.removeHeader(EDGE_HEADERS.userId)
  })
  await redirect.register(redirectApp, redirectDeps)
  await redirect.ready()

  const apiDeps = openApiDeps(config, { db })
  const app = Fastify({
    ...apiFastifyOptions(config),
    loggerInstance: log,
    // the API's server is the process's one server; the edge routing picks the router of each request
    serverFactory: (apiRouter) => createServer(edgeHandler({ api: apiRouter, redirect: redirect.routing })),
  })
  if (onApiRoute) app.addHook('onRoute', onApiRoute)
  await app.register(api, apiDeps)
  await app.ready()

  let workers: Awaited<ReturnType<typeof startWorkers>> | undefined

  return {
    api: app,
    redirect,
    handler: edgeHandler({ api: app.routing, redirect: redirect.routing }),
    async startJobs() {
      workers ??= await startWorkers(config, db, log)
    },
    async close() {
      // in the order that loses nothing: requests first (they record clicks and enqueue jobs), then the clicks they
      // recorded, then the jobs, then the connections those used
      await app.close()
      await redirect.close()
      await redirectDeps.close()
      await workers?.close()
      await apiDeps.close()
    },
  }
}

async function startWorkers(config: Config, db: Db, log: FastifyBaseLogger) {
  // BullMQ duplicates this connection for each worker's blocking reads
  const connection = createBlockingRedis(config.REDIS_URL, 'ghostlink-standalone-jobs')
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis error'))
  const probe = createProbeDeps(config, log)
  const riskMetrics = createRiskMetrics(config.release, config.flags)
  const prober = await startProberWorkers({ config, db, connection, logger: log, metrics: createProberMetrics(config.release, config.flags), probe })
  const risk = await startRiskWorkers({ config, db, connection, logger: log, metrics: riskMetrics })
  const retention = await startRetentionWorker({ config, db, connection, logger: log, metrics: riskMetrics })
  return {
    async close() {
      // each close() lets its running jobs finish; the queues' connections close before the shared one
      await prober.close()
      await risk.close()
      await retention.close()
      await probe.close()
      connection.disconnect()
    },
  }
}
