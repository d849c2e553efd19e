import { z } from 'zod'

// Flags as the original read them (docs/CONTRACT.md#c-8-3): truthy = true|1|yes|on, case-insensitive, trimmed; anything
// else is false; unset or blank takes the flag's default.
const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : /^(true|1|yes|on)$/i.test(v.trim())))

// Blank release variables fall back to their defaults (docs/CONTRACT.md#c-8-2).
const text = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : v.trim()))

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback)
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)
const list = (fallback: string) =>
  text(fallback).transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )

export const EnvSchema = z.object({
  // Access control (docs/SECURITY.md): `token` requires an API key on every management route; `open` keeps the
  // original's open contract exactly (docs/CONTRACT.md#c-1-0), for compatibility runs only.
  AUTH_MODE: text('token').pipe(z.enum(['token', 'open'])),
  // A bootstrap admin key of the built-in `admin` user; only its SHA-256 hash is kept. Blank = none.
  GHOSTLINK_ADMIN_KEY: text('').pipe(z.string().refine((v) => v === '' || v.length >= 32, 'must be at least 32 characters')),
  // POST /shorten without a key creates an ownerless link (as the original); nothing else works without a key
  ANONYMOUS_LINKS: flag(false),
  // Per-key limits, shared by every API replica through Redis; far above what a normal integration sends
  API_KEY_WRITES_PER_MIN: positiveInt(600),
  API_KEY_READS_PER_MIN: positiveInt(6_000),
  // Failed authentications (malformed, unknown or revoked key) per client IP per minute before 429
  AUTH_FAILURES_PER_MIN: positiveInt(30),
  // How long a replica trusts a key lookup; at most 1 s, so a revoked key stops working everywhere within 1 s
  AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).max(1_000).default(500),

  DATABASE_URL: z.string().optional(),
  DATABASE_NAME: text('hackathon_db'),
  DATABASE_HOST: text('localhost'),
  DATABASE_PORT: port(5432),
  DATABASE_USER: text('postgres'),
  DATABASE_PASSWORD: text('postgres'),
  DATABASE_POOL_MAX: positiveInt(10),
  // The one-process mode (apps/standalone, `pnpm start`) keeps its embedded Postgres (PGlite) files here when no
  // database is configured (no DATABASE_URL and no DATABASE_* location variable); relative to the working directory.
  GHOSTLINK_DATA_DIR: text('.ghostlink'),
  REDIS_URL: text('redis://localhost:6379/0').pipe(z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL')),
  REDIS_PREFIX: text('gl:'),

  APP_VERSION: text('v1-dev'),
  GIT_SHA: text('local'),
  DEPLOYED_AT: text('unknown'),
  RELEASE_OWNER: text('platform'),
  RELEASE_NOTES_URL: text(''),

  ENABLE_QUARANTINE_MODE: flag(true),
  ENABLE_RISK_SCORING: flag(true),
  ENABLE_GHOST_PROBE_ALERTS: flag(true),
  ENABLE_CANARY_MONITORING: flag(true),
  ENABLE_AUTO_BLOCKING: flag(false),
  ENABLE_THREAT_HEATMAP: flag(false),

  ROLLBACK_STATE_FILE: text('/var/lib/ghostlink-security/rollback_state.env'),

  HOST: text('0.0.0.0'),
  // the one-process mode's one port (`pnpm start`, apps/standalone): the front door's, edge routing included
  PORT: port(8080),
  API_PORT: port(8081),
  REDIRECT_PORT: port(8082),
  PROBER_PORT: port(9101),
  RISK_PORT: port(9102),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: positiveInt(1_048_576),
  BULK_BODY_LIMIT_BYTES: positiveInt(20 * 1_048_576),
  DATA_DIR: text('data'),
  // The short URL as the public sees it (QR codes, issue 14): the front door by default; no trailing slash
  PUBLIC_BASE_URL: text('http://localhost:8080')
    .pipe(z.string().regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/, 'must be an http(s) URL without query or fragment'))
    .transform((v) => v.replace(/\/+$/, '')),
  // `pnpm seed`: directory of users.csv/urls.csv/events.csv; blank = data/reference, else data/ (packages/db/src/cli/seed.ts)
  SEED_DIR: text(''),

  // Redirect tier
  TRUSTED_PROXIES: list('127.0.0.1,::1,::ffff:127.0.0.1'),
  CACHE_TTL_SECONDS: positiveInt(300),
  NEGATIVE_CACHE_TTL_SECONDS: positiveInt(30),
  LOCAL_CACHE_MAX: z.coerce.number().int().min(0).default(100_000),
  // 30 s: behind the edge's micro-cache a replica sees a hot code only when the edge's entry expires (every 11 s,
  // alternating over the replicas), so a shorter copy sent most of those requests to Redis; changes reach it by invalidation, and a lost message
  // only while the subscriber reconnects, which clears this cache (docs/decisions/2026-11-27-click-writer-priority.md)
  LOCAL_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
  // The edge refresh: on each link invalidation, this replica asks the edge's internal refresh server to re-fetch the
  // code's cached answers (GET <url>/<code> and <url>/r/<code>, apps/redirect/src/edge-refresh/). Blank = off; else an
  // http(s) URL without a trailing slash, query or fragment.
  EDGE_REFRESH_URL: text('').pipe(
    z
      .string()
      .refine(
        (v) => v === '' || /^https?:\/\/[^/?#\s]+(\/[^?#\s]*[^/?#\s])?$/.test(v),
        'must be blank or an http(s) URL without trailing slash, query or fragment',
      ),
  ),
  CLICK_BATCH_SIZE: positiveInt(1_000),
  CLICK_FLUSH_INTERVAL_MS: positiveInt(250),
  CLICK_BUFFER_MAX: positiveInt(200_000),
  // Run the click-stream consumer inside this redirect replica (the simple default), or leave it to the separate
  // click writer process (apps/click-writer) so replicas spend their CPU on redirects only.
  CLICK_CONSUMER: flag(true),
  CLICK_WRITER_PORT: port(9103),
  // Consumers per click writer process, each with its own Redis connection and insert transaction: a writer spends
  // most of its time waiting on Postgres, so two inserts in flight use a second Postgres core (docs/CAPACITY.md)
  CLICK_WRITER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  // The click writer's CPU niceness (0-19; it only lowers itself, which needs no privilege): on a box it shares with
  // nginx and the replicas, the visitors' redirects win the CPU and the clicks wait in the log or the stream for the
  // spare cycles (docs/decisions/2026-11-27-click-writer-priority.md). 0 = as started.
  CLICK_WRITER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  // The edge's click log (nginx NGINX_EDGE_CLICK_LOG: the requests its micro-cache answered): this click writer ships
  // it to the click stream. Blank = no edge log here. The state file holds the shipped offset (blank = <log>.offset);
  // the source names this edge in batch ids (one per edge log shipped into the same database).
  EDGE_CLICK_LOG: text(''),
  EDGE_CLICK_LOG_STATE: text(''),
  EDGE_CLICK_LOG_SOURCE: text('edge'),
  // Raw clicks (redirect events and request fingerprints) are deleted this many days after the click; the statistics
  // rollups stay. 0 keeps them forever (the original's behaviour). Run hourly by the risk worker (click-retention queue).
  CLICK_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  // Stored client IPs (fingerprints, redirect events) are cut to their /24 (IPv4) or /48 (IPv6) this many days after
  // the click. 0 never cuts them.
  IP_ANONYMIZE_AFTER_DAYS: z.coerce.number().int().min(0).default(30),

  // Workers
  PROBE_ALLOW_PRIVATE: flag(false),
  PROBE_INTERVAL_SECONDS: positiveInt(300),
  PROBE_CONCURRENCY: positiveInt(64),
  PROBE_PER_HOST_LIMIT: positiveInt(4),
  PROBE_CONNECT_TIMEOUT_MS: positiveInt(3_000),
  PROBE_TIMEOUT_MS: positiveInt(10_000),
  PROBE_MAX_REDIRECTS: positiveInt(10),
  HEALTH_CHECKS_KEEP: positiveInt(20),
  CANARY_BASE_URL: text('http://127.0.0.1:8080'),
  CANARY_INTERVAL_SECONDS: positiveInt(60),
  CANARY_TIMEOUT_MS: positiveInt(8_000),
  RISK_SCHEDULE_SECONDS: positiveInt(900),
  RISK_CONCURRENCY: positiveInt(8),
  QUARANTINE_MAP_FILE: text('infra/nginx/generated/blocked_codes.conf'),
  NGINX_RELOAD_CMD: text(''),
  // Kubernetes (deploy/k8s): the risk pod's publisher copies QUARANTINE_MAP_FILE into this ConfigMap key, which the
  // edge pods mount (apps/risk/src/quarantine-publisher.ts); blank = not on Kubernetes, the publisher refuses to start
  QUARANTINE_CONFIGMAP: text(''),
  QUARANTINE_CONFIGMAP_KEY: text('blocked_codes.conf'),
  QUARANTINE_PUBLISH_INTERVAL_SECONDS: positiveInt(10),
  QUARANTINE_PUBLISHER_PORT: port(9104),

  // Web dashboard (apps/web, served at /app/ behind the edge): it calls the API over HTTP with the signed-in user's
  // key, kept server-side in a session (Redis under REDIS_PREFIX; `memory` only for a single process without Redis).
  // The short links it shows and copies use PUBLIC_BASE_URL (above).
  WEB_PORT: port(8084),
  API_URL: text('http://127.0.0.1:8081').pipe(z.string().url()),
  WEB_SESSION_STORE: text('redis').pipe(z.enum(['redis', 'memory'])),
  WEB_SESSION_TTL_SECONDS: positiveInt(8 * 3600),
})

export type Env = z.infer<typeof EnvSchema>

export type FeatureFlags = {
  ENABLE_QUARANTINE_MODE: boolean
  ENABLE_RISK_SCORING: boolean
  ENABLE_GHOST_PROBE_ALERTS: boolean
  ENABLE_CANARY_MONITORING: boolean
  ENABLE_AUTO_BLOCKING: boolean
  ENABLE_THREAT_HEATMAP: boolean
}
