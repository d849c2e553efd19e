import { EnvSchema, type Env, type FeatureFlags } from './env.js'

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** DATABASE_URL wins when it is a valid postgres URL; otherwise the DATABASE_* parts build one (docs/CONTRACT.md#c-8-3). */
function databaseUrlFrom(env: Env): string {
  if (env.DATABASE_URL && /^postgres(ql)?:\/\/.+/.test(env.DATABASE_URL)) return env.DATABASE_URL
  const user = encodeURIComponent(env.DATABASE_USER)
  const pass = encodeURIComponent(env.DATABASE_PASSWORD)
  return `postgres://${user}:${pass}@${env.DATABASE_HOST}:${env.DATABASE_PORT}/${encodeURIComponent(env.DATABASE_NAME)}`
}

/** The variables that say where a Postgres server is; DATABASE_POOL_MAX says nothing about that. */
const DATABASE_LOCATION = ['DATABASE_URL', 'DATABASE_NAME', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_USER', 'DATABASE_PASSWORD']
const isSet = (source: NodeJS.ProcessEnv, name: string) => (source[name] ?? '').trim() !== ''

/**
 * What the environment configured, as opposed to what the defaults fill in. The platform services always use a
 * Postgres server and the REDIS_URL default; the one-process mode (`pnpm start`) uses an embedded Postgres when no
 * database is configured at all, and runs without Redis when REDIS_URL is not set.
 */
export type Configured = { database: 'server' | 'embedded'; redis: boolean }

const configuredFrom = (source: NodeJS.ProcessEnv): Configured => ({
  database: DATABASE_LOCATION.some((name) => isSet(source, name)) ? 'server' : 'embedded',
  redis: isSet(source, 'REDIS_URL'),
})

// Never echo these back in an error message: a too-short admin key is still a secret (docs/SECURITY.md).
const SECRET_VARIABLES = new Set(['GHOSTLINK_ADMIN_KEY', 'DATABASE_PASSWORD', 'DATABASE_URL'])
const shown = (name: string, value: string | undefined) => (SECRET_VARIABLES.has(name) ? '[redacted]' : JSON.stringify(value))

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  const parsed = EnvSchema.safeParse(source)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${shown(String(i.path[0]), source[String(i.path[0])])})`)
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`)
  }
  const env = parsed.data
  const flags: FeatureFlags = {
    ENABLE_AUTO_BLOCKING: env.ENABLE_AUTO_BLOCKING,
    ENABLE_CANARY_MONITORING: env.ENABLE_CANARY_MONITORING,
    ENABLE_GHOST_PROBE_ALERTS: env.ENABLE_GHOST_PROBE_ALERTS,
    ENABLE_QUARANTINE_MODE: env.ENABLE_QUARANTINE_MODE,
    ENABLE_RISK_SCORING: env.ENABLE_RISK_SCORING,
    ENABLE_THREAT_HEATMAP: env.ENABLE_THREAT_HEATMAP,
  }
  return {
    ...env,
    databaseUrl: databaseUrlFrom(env),
    configured: configuredFrom(source),
    flags,
    release: {
      version: env.APP_VERSION,
      git_sha: env.GIT_SHA,
      deployed_at: env.DEPLOYED_AT,
      release_owner: env.RELEASE_OWNER,
      release_notes_url: env.RELEASE_NOTES_URL,
    },
  }
}

export type Config = ReturnType<typeof loadConfig>
