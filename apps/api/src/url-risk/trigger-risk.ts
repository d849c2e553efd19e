import type { Db } from '@ghostlink/db'
import { enqueueRisk, type JobProducer, type RiskJob as RiskJobData } from '@ghostlink/jobs'
import { computeRiskView } from '@ghostlink/scoring'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { isReady } from '@ghostlink/redis'

export type RiskReason = RiskJobData['reason']

export type RiskTrigger = {
  /** Recompute a URL's score after a change; never throws (a failed recompute must not fail the request). */
  recompute(urlId: number, reason: RiskReason): Promise<void>
}

export type RiskTriggerOptions = {
  db: Db
  redis: Redis | undefined
  prefix: string
  /** ENABLE_RISK_SCORING (docs/CONTRACT.md#c-8-3) */
  enabled: boolean
  /** Producer for QUEUES.risk (BullMQ or the local queue); absent → compute inline. */
  queue: JobProducer | undefined
  log: FastifyBaseLogger
  /** How long an enqueue may take before we give up and compute inline. */
  enqueueTimeoutMs?: number
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  p.catch(() => {}) // a late rejection after the timeout must not become unhandled
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)
    p.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}

/**
 * docs/CONTRACT.md#c-4-1: the score is recomputed after create, update and delete. With a queue the risk worker does it
 * (docs/decisions/rewrite-decisions.md#d-3); when the queue is unreachable, or there is none, it is computed inline here.
 */
export function createRiskTrigger(opts: RiskTriggerOptions): RiskTrigger {
  const timeoutMs = opts.enqueueTimeoutMs ?? 1_000

  async function enqueue(urlId: number, reason: RiskReason): Promise<boolean> {
    if (!opts.queue) return false
    // same Redis server: when our own client is down, don't wait for the queue's to time out
    if (opts.redis && !isReady(opts.redis)) return false
    try {
      await withTimeout(enqueueRisk(opts.queue, [{ url_id: urlId, reason }]), timeoutMs)
      return true
    } catch (err) {
      opts.log.warn({ err, url_id: urlId }, 'risk enqueue failed, computing inline')
      return false
    }
  }

  return {
    async recompute(urlId, reason) {
      if (!opts.enabled) return
      if (await enqueue(urlId, reason)) return
      try {
        await computeRiskView(opts.db, opts.redis, opts.prefix, urlId)
      } catch (err) {
        opts.log.error({ err, url_id: urlId }, 'inline risk recompute failed')
      }
    },
  }
}
