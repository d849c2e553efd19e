import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

/**
 * Where the quarantine map goes on Kubernetes: one key of a ConfigMap that the edge pods mount (deploy/k8s). The
 * API server is reached with the pod's service account (a Role allows get and patch of this one ConfigMap).
 */
export type ConfigMapTarget = {
  /** https://<KUBERNETES_SERVICE_HOST>:<port> in a pod; any http(s) base URL in tests */
  apiServer: string
  namespace: string
  name: string
  key: string
  token: string
  /** PEM of the cluster CA (the service account's ca.crt) */
  ca?: string
}

export type PublishResult = 'unchanged' | 'patched'

type Reply = { status: number; body: string }

function call(target: ConfigMapTarget, method: 'GET' | 'PATCH', body?: string): Promise<Reply> {
  const url = new URL(
    `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/configmaps/${encodeURIComponent(target.name)}`,
    target.apiServer,
  )
  const headers: Record<string, string> = { authorization: `Bearer ${target.token}`, accept: 'application/json' }
  if (body !== undefined) {
    headers['content-type'] = 'application/merge-patch+json'
    headers['content-length'] = String(Buffer.byteLength(body))
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, ca: target.ca, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)))
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * Makes the ConfigMap's key hold `text`: reads it, and patches (JSON merge patch of that one key) only when it
 * differs. Level-triggered, so calling it on a timer repairs a failed publish, a restarted pod or a hand edit.
 */
export async function publishToConfigMap(target: ConfigMapTarget, text: string): Promise<PublishResult> {
  const current = await call(target, 'GET')
  if (current.status !== 200) throw new Error(`GET configmap ${target.name}: HTTP ${current.status} ${current.body.slice(0, 200)}`)
  const data = (JSON.parse(current.body) as { data?: Record<string, string> }).data ?? {}
  if (data[target.key] === text) return 'unchanged'
  const patched = await call(target, 'PATCH', JSON.stringify({ data: { [target.key]: text } }))
  if (patched.status !== 200) throw new Error(`PATCH configmap ${target.name}: HTTP ${patched.status} ${patched.body.slice(0, 200)}`)
  return 'patched'
}
