import type { QuarantinedCode } from '@ghostlink/db'
import { BadRequest, NotFound, optionalJsonObject, Unprocessable } from '@ghostlink/http'
import { enqueueQuarantineSync } from '@ghostlink/jobs'
import { isQuarantinableCode, listQuarantine, quarantineCode, syncQuarantineMap, unquarantineCode } from '@ghostlink/quarantine'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'

const QuarantineBody = z.object({
  reason: z.string().trim().max(255).nullish(),
  actor: z.string().trim().min(1).max(100).optional(),
})

const present = (e: QuarantinedCode) => ({
  short_code: e.short_code,
  quarantined: true,
  source: e.source,
  reason: e.reason,
  actor: e.actor,
  created_at: e.created_at.toISOString(),
})

function parseCode(code: string): string {
  // issue: codes the quarantine tooling accepts, `[A-Za-z0-9_-]{1,64}`
  if (!isQuarantinableCode(code)) throw Unprocessable('Invalid short_code')
  return code
}

/**
 * Actor: in token mode the acting API key, `key:<id>` (docs/SECURITY.md#audit), which the caller cannot forge; in open
 * mode body `actor`, else the X-GhostLink-Actor header (the scripts send $USER), else "api".
 */
function parseInput(req: FastifyRequest) {
  const parsed = QuarantineBody.safeParse(optionalJsonObject(req.body))
  if (!parsed.success) throw BadRequest('Invalid request body')
  const header = req.headers['x-ghostlink-actor']
  const fromHeader = (Array.isArray(header) ? header[0] : header)?.trim().slice(0, 100)
  const actor = req.caller ? `key:${req.caller.keyId}` : (parsed.data.actor ?? (fromHeader || 'api'))
  return { reason: parsed.data.reason ?? null, actor }
}

/**
 * Makes the Nginx map follow a quarantine change: a QuarantineSyncJob for the risk worker, or, with no queue
 * (or Redis refusing the job), an inline render. A failure here never fails the request: Postgres already holds
 * the change, the redirect tier already enforces it, and the risk worker re-syncs the file on a timer.
 */
async function publishQuarantine(app: FastifyInstance, reason: string): Promise<void> {
  if (app.quarantineQueue) {
    try {
      await enqueueQuarantineSync(app.quarantineQueue, reason)
      return
    } catch (err) {
      app.log.warn({ err }, 'quarantine sync job not enqueued; rendering inline')
    }
  }
  try {
    const result = await syncQuarantineMap({
      db: app.db,
      redis: app.redis,
      prefix: app.config.REDIS_PREFIX,
      invalidation: app.invalidation,
      mapFile: app.config.QUARANTINE_MAP_FILE,
      reloadCommand: app.config.NGINX_RELOAD_CMD,
    })
    if (result.reload.ran && !result.reload.ok) app.log.error({ reload: result.reload }, 'nginx reload command failed')
  } catch (err) {
    app.log.error({ err }, 'quarantine map render failed')
  }
}

export default async function quarantineRoutes(app: FastifyInstance) {
  const deps = () => ({ db: app.db, invalidation: app.invalidation, prefix: app.config.REDIS_PREFIX })

  // GET /quarantine — the quarantine list as a bare JSON array (issue: workers and quarantine)
  app.get('/quarantine', { config: { auth: 'admin' } }, async () => (await listQuarantine(app.db)).map(present))

  // POST /quarantine/:code — quarantine a code: 201 when new, 200 when already quarantined; audited
  app.post<{ Params: { code: string } }>('/quarantine/:code', { config: { auth: 'admin' } }, async (req, reply) => {
    const short_code = parseCode(req.params.code)
    const { actor, reason } = parseInput(req)
    const { created, entry } = await quarantineCode(deps(), { short_code, actor, reason, source: 'manual' })
    if (created) await publishQuarantine(app, `quarantine ${short_code}`)
    return reply.code(created ? 201 : 200).send(present(entry))
  })

  // DELETE /quarantine/:code — lift a quarantine; 404 when the code is not quarantined; audited
  app.delete<{ Params: { code: string } }>('/quarantine/:code', { config: { auth: 'admin' } }, async (req) => {
    const short_code = parseCode(req.params.code)
    const { actor, reason } = parseInput(req)
    const removed = await unquarantineCode(deps(), { short_code, actor, reason })
    if (!removed) throw NotFound()
    await publishQuarantine(app, `unquarantine ${short_code}`)
    return { short_code, quarantined: false, actor }
  })
}
