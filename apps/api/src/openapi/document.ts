import { z } from 'zod'
import { type Operation, OPERATIONS } from './operations.js'
import { ErrorBody, ErrorWithoutCode } from './schemas.js'

type Json = Record<string, unknown>
const COMPONENT = (id: string) => `#/components/schemas/${id}`
const toJson = (schema: z.ZodType): Json =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json

/** Every schema with a `meta({ id })` as a component; references between them point into components. */
function components(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', uri: COMPONENT }) as {
    schemas: Record<string, Json>
  }
  for (const s of Object.values(schemas)) {
    delete s.$id
    delete s.$schema
  }
  return schemas
}

/** A reference when the schema (or an array's element) is a component, else the schema inline. */
function schemaOf(schema: z.ZodType): Json {
  const id = z.globalRegistry.get(schema)?.id
  if (id) return { $ref: COMPONENT(id) }
  if (schema instanceof z.ZodArray) return { type: 'array', items: schemaOf(schema.element as z.ZodType) }
  const inline = toJson(schema)
  delete inline.$schema
  return inline
}

const noCode = (message: string) => message.includes('no `code`')

function responses(op: Operation): Json {
  const out: Record<string, { description: string; content?: Json; headers?: Json }> = {}
  for (const s of op.success) {
    const key = String(s.status)
    const existing = out[key]
    const content = { [s.contentType ?? 'application/json']: s.schema ? { schema: schemaOf(s.schema) } : {} }
    if (existing) {
      existing.description += `; ${s.description}`
      existing.content = { ...existing.content, ...content }
      continue
    }
    out[key] = { description: s.description }
    if (s.status < 300 || s.schema) out[key].content = content
    if (s.headers) out[key].headers = Object.fromEntries(Object.entries(s.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }]))
  }
  const errors: Array<[number, string]> = [...op.errors]
  if (op.body) errors.push([413, 'Payload too large'])
  if (!op.noDb && !op.redirectTier) errors.push([503, 'Service unavailable'])
  errors.push([500, 'Internal server error'])
  const byStatus = new Map<number, string[]>()
  for (const [status, message] of errors) byStatus.set(status, [...(byStatus.get(status) ?? []), message])
  for (const [status, messages] of byStatus) {
    const own = op.errorBodies?.[status]
    if (own) {
      out[String(status)] = { description: messages.join(' | '), content: { 'application/json': { schema: schemaOf(own) } } }
      continue
    }
    const schemas = [
      ...(messages.some((m) => !noCode(m)) ? [{ $ref: COMPONENT('Error') }] : []),
      ...(messages.some(noCode) ? [{ $ref: COMPONENT('ErrorWithoutCode') }] : []),
    ]
    out[String(status)] = {
      description: messages.join(' | '),
      content: { 'application/json': { schema: schemas.length === 1 ? schemas[0] : { oneOf: schemas } } },
    }
  }
  return out
}

function operation(op: Operation): Json {
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }))
  const query = (op.query ?? []).map((q) => ({
    name: q.name,
    in: 'query',
    required: false,
    description: q.description,
    ...(q.type === 'object'
      ? { style: 'form', explode: true, schema: { type: 'object', additionalProperties: { type: 'string' } } }
      : { schema: q.enum ? { type: q.type, enum: q.enum } : { type: q.type } }),
  }))
  const out: Json = {
    operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9_]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    tags: [op.tag],
    summary: op.summary,
    responses: responses(op),
  }
  if (op.description) out.description = op.description
  if (pathParams.length + query.length > 0) out.parameters = [...pathParams, ...query]
  if (op.body) {
    const content: Json = { 'application/json': { schema: schemaOf(op.body) } }
    if (op.multipart) {
      content['multipart/form-data'] = {
        schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'text/csv' }, row_count: { type: 'integer' } }, required: ['file'] },
      }
    }
    out.requestBody = { required: !op.multipart, content }
  }
  // the redirects are public; the management API takes a bearer token (API keys: the access-control issue)
  if (op.redirectTier) out.security = []
  return out
}

/** The OpenAPI 3.1 document of GhostLink's HTTP interface, from the zod schemas (issue 14). */
export function buildOpenApiDocument(opts: { version: string; publicBaseUrl: string }): Json {
  // referenced by every error answer: make sure they are registered components even if unused elsewhere
  void ErrorBody
  void ErrorWithoutCode
  const paths: Record<string, Json> = {}
  for (const op of OPERATIONS) {
    paths[op.path] = { ...(paths[op.path] ?? {}), [op.method]: operation(op) }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'GhostLink API',
      version: opts.version,
      description:
        'URL shortener: management API and redirects. Errors are `{"error","code"}`; an unknown route is 404 and a ' +
        'known path with another method 405 `Method not allowed`. See docs/API_REFERENCE.md.',
    },
    servers: [{ url: opts.publicBaseUrl, description: 'The front door (nginx): API and redirects' }],
    tags: ['health', 'urls', 'redirects', 'quarantine', 'users', 'events', 'meta'].map((name) => ({ name })),
    security: [{ bearerAuth: [] }, {}],
    paths,
    components: {
      schemas: components(),
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key as a bearer token.' } },
    },
  }
}
