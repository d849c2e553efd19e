import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishToConfigMap, renderNginxMap } from '../src/index.js'

// A fake API server holding one ConfigMap: what the risk pod's publisher talks to on Kubernetes (deploy/k8s).
type Seen = { method: string; path: string; auth: string | undefined; type: string | undefined; body: string }
let server: Server
let base: string
let data: Record<string, string> = {}
let seen: Seen[] = []
let failPatch = false

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await read(req)
    seen.push({ method: req.method!, path: req.url!, auth: req.headers.authorization, type: req.headers['content-type'], body })
    if (req.url !== '/api/v1/namespaces/ghostlink/configmaps/quarantine-map') return res.writeHead(404).end('{}')
    if (req.method === 'PATCH') {
      if (failPatch) return res.writeHead(403).end('{"reason":"Forbidden"}')
      data = { ...data, ...(JSON.parse(body) as { data: Record<string, string> }).data }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ metadata: { name: 'quarantine-map' }, data }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const target = () => ({ apiServer: base, namespace: 'ghostlink', name: 'quarantine-map', key: 'blocked_codes.conf', token: 't0k' })

describe('publishToConfigMap', () => {
  it('patches only the map key, with a merge patch and the service account token, and only when it differs', async () => {
    data = { 'blocked_codes.conf': '# empty\n', other: 'kept' }
    seen = []
    const text = renderNginxMap(['abc123'])
    expect(await publishToConfigMap(target(), text)).toBe('patched')
    expect(data).toEqual({ 'blocked_codes.conf': text, other: 'kept' })
    const patch = seen.find((s) => s.method === 'PATCH')!
    expect(patch.type).toBe('application/merge-patch+json')
    expect(patch.auth).toBe('Bearer t0k')
    expect(JSON.parse(patch.body)).toEqual({ data: { 'blocked_codes.conf': text } })

    seen = []
    expect(await publishToConfigMap(target(), text)).toBe('unchanged')
    expect(seen.map((s) => s.method)).toEqual(['GET'])
  })

  it('throws on a refused patch or a missing ConfigMap, so the caller retries on its next tick', async () => {
    data = {}
    failPatch = true
    await expect(publishToConfigMap(target(), 'x')).rejects.toThrow(/PATCH configmap quarantine-map: HTTP 403/)
    failPatch = false
    await expect(publishToConfigMap({ ...target(), name: 'nope' }, 'x')).rejects.toThrow(/GET configmap nope: HTTP 404/)
  })
})
