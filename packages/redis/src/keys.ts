/** Every Redis key and channel GhostLink uses, under the deployment's prefix (REDIS_PREFIX). */
export const redisKeys = (prefix: string) => ({
  /** Cached lookup result for a short code (`url:<code>` of docs/CONTRACT.md#c-7, now holding the whole answer). */
  link: (code: string) => `${prefix}url:${code}`,
  /** Cached risk score (`risk:<id>` of docs/CONTRACT.md#c-7). */
  risk: (urlId: number) => `${prefix}risk:${urlId}`,
  /** Pub/sub channel: a message is a short code whose cached answer every replica must drop. */
  invalidations: `${prefix}links:invalidate`,
  /** Set of quarantined codes, mirrored from Postgres for the redirect tier. */
  quarantine: `${prefix}quarantine:codes`,
  /** Redirects served by a click-limited link (`max_clicks`, issue 14): the atomic counter replicas share. */
  linkClicks: (urlId: number) => `${prefix}limit:${urlId}`,
  /** Stream of click and fingerprint records handed off by the redirect tier. */
  clickStream: `${prefix}clicks`,
  /** A web dashboard session (apps/web): the signed-in key and CSRF token, with the session's TTL. */
  webSession: (id: string) => `${prefix}web:session:${id}`,
  /** Prefix of the API's per-key request counters (@fastify/rate-limit's Redis store appends `<key id>:r|w`). */
  keyRateLimit: `${prefix}ratelimit:key:`,
  /** Failed authentications from one client IP in the current window. */
  authFailures: (ip: string) => `${prefix}ratelimit:authfail:${ip}`,
  /** Prefix for BullMQ queues. */
  bull: `${prefix}bull`,
  /** Unix ms a scheduled sweep last fired (any replica), for /health and the schedule gauges. */
  scheduleFired: (scheduleId: string) => `${prefix}schedule:fired:${scheduleId}`,
})

export type RedisKeys = ReturnType<typeof redisKeys>
