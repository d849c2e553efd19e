import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { buildOpenApiDocument } from '../openapi/document.js'

/**
 * GET /openapi.json — the OpenAPI 3.1 document (built once from the zod schemas, apps/api/src/openapi);
 * GET /docs — Swagger UI on it, its assets served from the package (no CDN).
 */
const DOCS_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  frameAncestors: ["'none'"],
}

export default async function openApiRoutes(app: FastifyInstance) {
  const document = buildOpenApiDocument({ version: app.config.APP_VERSION, publicBaseUrl: app.config.PUBLIC_BASE_URL })
  const body = JSON.stringify(document)
  // public: the document describes the API, it holds no data (docs/SECURITY.md#declaring-access)
  app.addHook('onRoute', (route) => {
    // Swagger UI is a page: its own scripts, styles and data: images, still nothing from another origin
    const helmet = route.url.startsWith('/docs') ? { contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } } : undefined
    route.config = { ...(route.config as object), auth: 'public', ...(helmet ? { helmet } : {}) }
  })
  // static mode: the document is ours; the plugin only hands it to the UI
  // biome-ignore lint/suspicious/noExplicitAny: @fastify/swagger types the static document as OpenAPIV3 (3.0)
  await app.register(swagger, { mode: 'static', specification: { document: document as any } })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', async (_req, reply) => reply.type('application/json; charset=utf-8').send(body))
}
