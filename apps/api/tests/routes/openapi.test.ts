import { readFileSync } from 'node:fs'
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OPERATIONS } from '../../src/openapi/operations.js'
import { ADMIN_KEY, bearer, buildTokenApp } from '../helpers/auth.js'
import type { TestApp } from '../helpers/build-app.js'

type Doc = {
  openapi: string
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema: { type: string } }>; requestBody?: { content: Record<string, { schema: { $ref?: string } }> }; responses: Record<string, unknown>; security?: unknown[] }>>
  components: { schemas: Record<string, { properties?: Record<string, unknown> }>; securitySchemes: Record<string, unknown> }
  security: unknown[]
}
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}')

/** `curl …` lines of docs/API_REFERENCE.md (continuations joined): method, URL, JSON body, multipart. */
function curlExamples(): Array<{ line: string; method: string; url: URL; body?: unknown; multipart: boolean }> {
  const text = readFileSync(new URL('../../../../docs/API_REFERENCE.md', import.meta.url), 'utf8').replace(/\\\n\s*/g, ' ')
  return [...text.matchAll(/curl [^`\n]+/g)].map(([line]) => {
    const url = /'?(http:\/\/localhost:\d+[^\s']*)'?/.exec(line)![1]!
    const body = /-d '([^']*)'/.exec(line)?.[1]
    const explicit = /-X (\w+)/.exec(line)?.[1]
    const multipart = / -F /.test(line)
    const method = explicit ?? (body !== undefined || multipart ? 'POST' : 'GET')
    return { line, method, url: new URL(url), body: body === undefined ? undefined : JSON.parse(body), multipart }
  })
}

/** The documented path a concrete path matches (a literal path wins over a template, as in routing). */
function matchPath(doc: Doc, path: string): string | undefined {
  if (doc.paths[path]) return path
  return Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/\{\w+\}/g, '[^/]+')}$`).test(path))
}

describe('GET /openapi.json and /docs', () => {
  let t: TestApp
  let doc: Doc
  const registered: Array<{ method: string; url: string }> = []

  beforeAll(async () => {
    // token mode: every route exists (open mode has no key routes), and /openapi.json and /docs are public in it
    t = await buildTokenApp({
      onRoute: (r) => {
        for (const m of [r.method].flat()) registered.push({ method: m, url: r.url })
      },
    })
    const res = await t.app.inject('/openapi.json')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    doc = res.json()
  })
  afterAll(() => t.close())

  it('validates against the OpenAPI 3.1 schema', async () => {
    const validator = new Validator()
    const result = await validator.validate(structuredClone(doc) as unknown as Parameters<Validator["validate"]>[0])
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
  })

  it('lists every route the API registered (a method a path lacks is the 405 filler)', async () => {
    const ui = (url: string) => url.startsWith('/docs/') // Swagger UI's own assets, under the documented /docs
    const routes = registered.filter((r) => METHODS.includes(r.method) && !ui(r.url))
    expect(routes.length).toBeGreaterThan(30)
    const undocumented: string[] = []
    for (const r of routes) {
      const path = toOpenApiPath(r.url)
      if (doc.paths[path]?.[r.method.toLowerCase()]) continue
      // not documented: must be the contract's 405 for a known path, never a real handler
      const url = r.url.replace(/:\w+/g, '1')
      const res = await t.app.inject({ method: r.method as 'GET', url })
      // a path the target's front door refuses never reaches the API (the one-process edge, like nginx, keeps
      // /metrics to the scrapers on the tier's own port)
      if (t.hides?.(url) && res.statusCode === 404) continue
      if (res.statusCode !== 405) undocumented.push(`${r.method} ${r.url} → ${res.statusCode}`)
    }
    expect(undocumented).toEqual([])
    // and every documented API operation is a registered route (the redirect tier's are in apps/redirect)
    for (const op of OPERATIONS.filter((o) => !o.redirectTier)) {
      expect(t.app.hasRoute({ method: op.method.toUpperCase() as 'GET', url: op.path.replace(/\{(\w+)\}/g, ':$1') }), `${op.method} ${op.path}`).toBe(true)
    }
    expect(doc.paths['/{code}']?.get?.security).toEqual([])
    expect(doc.paths['/r/{code}']?.get).toBeDefined()
  })

  it('documents every error answer and the bearer authentication', () => {
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }))
    expect(doc.security).toContainEqual({ bearerAuth: [] })
    const flat = JSON.stringify(doc)
    for (const message of ['Invalid redirect_type', 'Invalid max_clicks', 'Link expired', 'Click limit reached', 'Invalid size', 'Short code exists', 'Missing update fields', 'Payload too large', 'Service unavailable', 'Internal server error']) {
      expect(flat).toContain(message)
    }
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        expect(Object.keys(op.responses).some((s) => Number(s) >= 500), `${method} ${path} has a 5xx answer`).toBe(true)
      }
    }
  })

  it('matches every request example in docs/API_REFERENCE.md', () => {
    const examples = curlExamples()
    expect(examples.length).toBeGreaterThan(25)
    for (const ex of examples) {
      const path = matchPath(doc, ex.url.pathname)
      expect(path, ex.line).toBeDefined()
      const op = doc.paths[path!]![ex.method.toLowerCase()]
      expect(op, ex.line).toBeDefined()
      const query = (op!.parameters ?? []).filter((p) => p.in === 'query')
      const anyQuery = query.some((p) => p.schema.type === 'object') // an exploded free-form object takes any name
      const declared = new Set(query.map((p) => p.name))
      for (const name of ex.url.searchParams.keys()) expect(anyQuery || declared.has(name), `${ex.line}: query ${name}`).toBe(true)
      if (ex.multipart) expect(op!.requestBody?.content['multipart/form-data'], ex.line).toBeDefined()
      if (ex.body !== undefined) {
        const ref = op!.requestBody?.content['application/json']?.schema.$ref
        expect(ref, ex.line).toBeDefined()
        const props = doc.components.schemas[ref!.split('/').pop()!]!.properties ?? {}
        for (const key of Object.keys(ex.body as object)) expect(Object.keys(props), `${ex.line}: body key ${key}`).toContain(key)
        // and the body passes the very schema the document was generated from
        const source = OPERATIONS.find((o) => o.path === path && o.method === ex.method.toLowerCase())!.body!
        expect(source.safeParse(ex.body).success, ex.line).toBe(true)
      }
    }
  })

  it('serves the interactive reference locally (no CDN)', async () => {
    const res = await t.app.inject('/docs/')
    const page = res.statusCode === 302 ? await t.app.inject(res.headers.location as string) : res
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(assets.length).toBeGreaterThan(0)
    expect(assets.filter((a) => /^(https?:)?\/\//.test(a))).toEqual([])
    const script = assets.find((a) => a.endsWith('.js'))!
    const js = await t.app.inject(new URL(script, 'http://x/docs/').pathname)
    expect(js.statusCode).toBe(200)
    // the page's CSP lets its own scripts run (the API's JSON answers load nothing at all)
    const docsPage = await t.app.inject('/docs/')
    expect(docsPage.headers['content-security-policy']).toMatch(/script-src 'self'/)
  })

  it('reserves docs and openapi as short codes', async () => {
    for (const code of ['docs', 'Docs', 'openapi']) {
      const res = await t.app.inject({ method: 'POST', url: '/shorten', headers: bearer(ADMIN_KEY), payload: { original_url: 'https://e.com', short_code: code } })
      expect(res.json(), code).toEqual({ error: 'Invalid short_code', code: 422 })
    }
  })
})
