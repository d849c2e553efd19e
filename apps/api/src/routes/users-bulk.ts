import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import { bulkStatus, toBulkResponse } from '../users/bulk-response.js'
import { importFromDataDir, importFromUpload } from '../users/import-users-request.js'

/**
 * POST /users/bulk — CSV import (docs/CONTRACT.md#c-1-12, docs/decisions/rewrite-decisions.md#d-2): a multipart upload
 * (field `file`) or the JSON form `{file, row_count}` naming a file in DATA_DIR. Encapsulated so multipart parsing applies
 * to this route only.
 */
export default async function usersBulkRoutes(app: FastifyInstance) {
  await app.register(multipart, {
    limits: { fileSize: app.config.BULK_BODY_LIMIT_BYTES, files: 1, fields: 10, fieldSize: 1024, parts: 12 },
  })

  app.post('/users/bulk', { config: { auth: 'admin' } }, async (req, reply) => {
    const { file, result } = req.isMultipart()
      ? await importFromUpload(app.db, req, app.config.BULK_BODY_LIMIT_BYTES)
      : await importFromDataDir(app.db, app.config.DATA_DIR, req.body)
    return reply.code(bulkStatus(result)).send(toBulkResponse(file, result))
  })
}
