// Kubernetes only: a sidecar of the risk pod (deploy/k8s/base/risk.yaml), same image, other entry point.
// The risk worker renders the quarantine map to QUARANTINE_MAP_FILE (a volume the two containers share), as it does
// for the nginx container under compose; this process copies that file into the ConfigMap the edge pods mount, every
// QUARANTINE_PUBLISH_INTERVAL_SECONDS, with the pod's service account (a Role allows get/patch of that ConfigMap only).
// Level-triggered: a failed publish, a restarted pod or a hand edit is repaired on the next tick.
// GET /health: the loop is alive (liveness); GET /ready: the last tick published, or found the ConfigMap current.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { loadConfig } from '@ghostlink/config'
import { publishToConfigMap, readTextOrNull } from '@ghostlink/quarantine'

const SERVICE_ACCOUNT = process.env.SERVICE_ACCOUNT_DIR ?? '/var/run/secrets/kubernetes.io/serviceaccount'
const config = loadConfig()
const log = (level: 'info' | 'warn' | 'error', msg: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ level, time: new Date().toISOString(), service: 'quarantine-publisher', msg, ...extra }))

const host = process.env.KUBERNETES_SERVICE_HOST
if (config.QUARANTINE_CONFIGMAP === '' || !host) {
  log('error', 'QUARANTINE_CONFIGMAP and KUBERNETES_SERVICE_HOST are required (this process runs on Kubernetes only)')
  process.exit(1)
}
const apiServer = `https://${host.includes(':') ? `[${host}]` : host}:${process.env.KUBERNETES_SERVICE_PORT ?? '443'}`
const intervalMs = config.QUARANTINE_PUBLISH_INTERVAL_SECONDS * 1000

let lastTick = Date.now()
let ready = false

async function tick(): Promise<void> {
  const text = await readTextOrNull(config.QUARANTINE_MAP_FILE)
  if (text === null) return // the risk worker has not rendered the map yet
  // the token is a projected, rotated file: read it each time
  const [token, ca, namespace] = await Promise.all(
    ['token', 'ca.crt', 'namespace'].map((f) => readFile(`${SERVICE_ACCOUNT}/${f}`, 'utf8').then((s) => s.trim())),
  )
  const target = { apiServer, namespace: namespace!, name: config.QUARANTINE_CONFIGMAP, key: config.QUARANTINE_CONFIGMAP_KEY, token: token!, ca }
  const result = await publishToConfigMap(target, text)
  if (result === 'patched') log('info', 'quarantine map published', { configmap: target.name, bytes: Buffer.byteLength(text) })
  ready = true
}

let running = true
const loop = async () => {
  while (running) {
    try {
      await tick()
    } catch (err) {
      ready = false
      log('error', 'quarantine map publish failed; retrying', { err: (err as Error).message })
    }
    lastTick = Date.now()
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

const server = createServer((req, res) => {
  const alive = Date.now() - lastTick < intervalMs * 3 + 15_000
  const ok = req.url === '/health' ? alive : req.url === '/ready' ? alive && ready : undefined
  res.writeHead(ok === undefined ? 404 : ok ? 200 : 503, { 'content-type': 'application/json' })
  res.end(JSON.stringify(ok === undefined ? { error: 'Not found' } : { status: ok ? 'ok' : 'unavailable' }))
})
server.listen(config.QUARANTINE_PUBLISHER_PORT, config.HOST)
const shutdown = () => {
  running = false
  server.close(() => process.exit(0))
}
process.once('SIGTERM', shutdown)
process.once('SIGINT', shutdown)
void loop()
