// deploy/k8s: every overlay rendered with kustomize (kubectl kustomize) and each object validated offline against
// the Kubernetes API schemas (kubernetes-models, @kubernetes-models/keda), then the invariants of issue 17 checked on
// what would be applied. The few facts that depend on code (BullMQ's key layout, the stream's lag after XDEL, the
// migration wait step) are checked against the real Redis and Postgres of this machine.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { EnvSchema } from '@ghostlink/config'
import { pendingMigrations } from '@ghostlink/db'
import { QUEUES } from '@ghostlink/jobs'
import { CLICK_WRITER_GROUP } from '@ghostlink/clicks'
import { redisKeys } from '@ghostlink/redis'
import { cleanRedisPrefix, createTestDatabase, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import { Queue, QueueKeys } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { type K8sObject, render, validateObject } from './helpers/k8s.js'
import { REPO_ROOT } from './helpers/paths.js'

const root = (p: string) => join(REPO_ROOT, p)
const K8S = root('deploy/k8s')
const overlays = readdirSync(join(K8S, 'overlays'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()

// ---- what CI builds: .github/workflows/images.yml ----
const workflow = parse(readFileSync(root('.github/workflows/images.yml'), 'utf8')) as {
  jobs: { build: { strategy: { matrix: { app: string[] } }; steps: { uses?: string; with?: Record<string, string> }[] } }
}
const matrix = workflow.jobs.build.strategy.matrix.app
const meta = workflow.jobs.build.steps.find((s) => s.uses?.startsWith('docker/metadata-action'))!.with!
/** ghcr.io/${{ github.repository_owner }}/ghostlink-${{ matrix.app }} -> /^ghcr\.io\/[^/]+\/ghostlink-(app)$/ */
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const imageRepo = new RegExp(
  `^${meta
    .images!.split(/(\$\{\{ [a-z_.]+ \}\})/)
    .map((part) => (part === `$\{{ github.repository_owner }}` ? '[a-z0-9_.-]+' : part === `$\{{ matrix.app }}` ? '([a-z0-9-]+)' : escapeRegex(part)))
    .join('')}$`,
)
/** the tags CI pushes (on a v* tag): type=semver,pattern=v{{version}} and type=sha,format=short */
const pushedTags = [/^v\d+\.\d+\.\d+$/, /^sha-[0-9a-f]{7,40}$/]
const THIRD_PARTY = ['nginxinc/nginx-unprivileged', 'postgres', 'redis']

// ---- the apps, as deploy/k8s runs them ----
type AppSpec = { image: string; port: number; portVar: string; ready: string; db?: false }
const APPS: Record<string, AppSpec> = {
  redirect: { image: 'redirect', port: 8082, portVar: 'REDIRECT_PORT', ready: '/ready' },
  api: { image: 'api', port: 8081, portVar: 'API_PORT', ready: '/ready' },
  'click-writer': { image: 'click-writer', port: 9103, portVar: 'CLICK_WRITER_PORT', ready: '/ready' },
  // the workers serve /health and /metrics only (packages/worker-kit)
  prober: { image: 'prober', port: 9101, portVar: 'PROBER_PORT', ready: '/health' },
  risk: { image: 'risk', port: 9102, portVar: 'RISK_PORT', ready: '/health' },
  // the dashboard reads no database (it calls the API), so it neither waits for the migration nor may reach Postgres
  web: { image: 'web', port: 8084, portVar: 'WEB_PORT', ready: '/ready', db: false },
}
const DB_APPS = Object.keys(APPS).filter((name) => APPS[name]!.db !== false)

type Container = {
  name: string
  image: string
  command?: string[]
  workingDir?: string
  ports?: { name?: string; containerPort: number }[]
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]
  envFrom?: { configMapRef?: { name: string } }[]
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  readinessProbe?: { httpGet?: { path: string; port: string | number }; exec?: unknown }
  livenessProbe?: { httpGet?: { path: string; port: string | number }; exec?: unknown }
  securityContext?: {
    runAsNonRoot?: boolean
    runAsUser?: number
    allowPrivilegeEscalation?: boolean
    readOnlyRootFilesystem?: boolean
    capabilities?: { drop?: string[]; add?: string[] }
  }
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[]
}
// biome-ignore lint/suspicious/noExplicitAny: pod specs are read field by field
type PodSpec = { containers: Container[]; initContainers?: Container[]; securityContext?: any; volumes?: any[] }

const rendered = new Map<string, K8sObject[]>()
for (const overlay of overlays) rendered.set(overlay, render(join(K8S, 'overlays', overlay)))

const workloads = (objs: K8sObject[]) => objs.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
const podSpec = (o: K8sObject): PodSpec => o.spec.template.spec
const podLabels = (o: K8sObject): Record<string, string> => o.spec.template.metadata.labels
const find = (objs: K8sObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name)
  if (!o) throw new Error(`no ${kind} ${name}`)
  return o
}
const matches = (selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string>) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v)
const envOf = (c: Container, name: string) => c.env?.find((e) => e.name === name)
/** The merged ghostlink-env ConfigMap (its name carries kustomize's content hash). */
const sharedEnv = (objs: K8sObject[]) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('ghostlink-env-'))!.data!

it('renders the overlays dev and prod', () => {
  expect(overlays).toEqual(['dev', 'prod'])
  for (const objs of rendered.values()) expect(objs.length).toBeGreaterThan(30)
})

describe.each(overlays)('overlay %s', (overlay) => {
  const objs = rendered.get(overlay)!
  const deployments = objs.filter((o) => o.kind === 'Deployment')

  it('every object is valid against its Kubernetes (or KEDA) API schema, with no unknown field', async () => {
    const problems: string[] = []
    for (const obj of objs) for (const p of await validateObject(obj)) problems.push(`${obj.kind}/${obj.metadata.name}: ${p}`)
    expect(problems).toEqual([])
    for (const obj of objs) if (obj.kind !== 'Namespace') expect(obj.metadata.namespace, `${obj.kind}/${obj.metadata.name}`).toBe('ghostlink')
  })

  it('has a Deployment per app and the edge, a migration Job, Services, and a PodDisruptionBudget for each Deployment', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...Object.keys(APPS), 'edge'].sort())
    expect(find(objs, 'Job', 'migrate')).toBeTruthy()
    for (const d of deployments) {
      const pdbs = objs.filter((o) => o.kind === 'PodDisruptionBudget' && matches(o.spec.selector, podLabels(d)))
      expect(pdbs.length, `PodDisruptionBudget for ${d.metadata.name}`).toBe(1)
      // maxUnavailable never blocks a drain of a tier running a single pod (minAvailable: 1 would)
      expect(pdbs[0]!.spec.maxUnavailable, d.metadata.name).toBeTruthy()
    }
    for (const svc of objs.filter((o) => o.kind === 'Service')) {
      const targets = workloads(objs).filter((w) => w.kind !== 'Job' && matches({ matchLabels: svc.spec.selector }, podLabels(w)))
      expect(targets.length, `Service ${svc.metadata.name} selects a workload`).toBeGreaterThan(0)
      for (const port of svc.spec.ports as { targetPort: string | number }[]) {
        const named = targets.flatMap((t) => podSpec(t).containers.flatMap((c) => c.ports ?? []))
        expect(
          named.some((p) => p.name === port.targetPort || p.containerPort === port.targetPort),
          `${svc.metadata.name} targetPort`,
        ).toBe(true)
      }
    }
  })

  it('every container has requests and limits, runs as non-root with a read-only root filesystem and no capabilities', () => {
    for (const w of workloads(objs)) {
      const pod = podSpec(w)
      expect(pod.securityContext?.runAsNonRoot, `${w.metadata.name} runAsNonRoot`).toBe(true)
      // a numeric user: the kubelet cannot verify runAsNonRoot for an image whose USER is a name (ours: `node`)
      expect(pod.securityContext?.runAsUser, `${w.metadata.name} runAsUser`).toBeGreaterThan(0)
      expect(pod.securityContext?.seccompProfile?.type, w.metadata.name).toBe('RuntimeDefault')
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const where = `${w.metadata.name}/${c.name}`
        expect(c.resources?.limits?.cpu, `${where} cpu limit`).toBeTruthy()
        expect(c.resources?.limits?.memory, `${where} memory limit`).toBeTruthy()
        expect(c.resources?.requests?.cpu, `${where} cpu request`).toBeTruthy()
        expect(c.resources?.requests?.memory, `${where} memory request`).toBeTruthy()
        expect(c.securityContext?.allowPrivilegeEscalation, where).toBe(false)
        expect(c.securityContext?.readOnlyRootFilesystem, where).toBe(true)
        expect(c.securityContext?.capabilities?.drop, where).toEqual(['ALL'])
        expect(c.securityContext?.capabilities?.add, where).toBeUndefined()
        if (c.securityContext?.runAsUser !== undefined) expect(c.securityContext.runAsUser, where).toBeGreaterThan(0)
      }
    }
  })

  it('every long-running container has liveness and readiness probes; the apps use /health and /ready on their port', () => {
    for (const w of workloads(objs).filter((o) => o.kind !== 'Job')) {
      for (const c of podSpec(w).containers) {
        expect(c.livenessProbe, `${w.metadata.name}/${c.name} liveness`).toBeTruthy()
        expect(c.readinessProbe, `${w.metadata.name}/${c.name} readiness`).toBeTruthy()
      }
    }
    for (const [name, app] of Object.entries(APPS)) {
      const c = podSpec(find(objs, 'Deployment', name)).containers.find((x) => x.name === name)!
      const port = c.ports!.find((p) => p.name === 'http')!
      expect(port.containerPort, name).toBe(app.port)
      expect(envOf(c, app.portVar)?.value, name).toBe(String(app.port))
      expect(c.livenessProbe!.httpGet, name).toEqual({ path: '/health', port: 'http' })
      expect(c.readinessProbe!.httpGet, name).toEqual({ path: app.ready, port: 'http' })
    }
  })

  it('runs only images CI builds (the images.yml matrix), at a tag CI pushes, and deploys every image CI builds', () => {
    const deployed = new Set<string>()
    for (const w of workloads(objs)) {
      for (const c of [...podSpec(w).containers, ...(podSpec(w).initContainers ?? [])]) {
        const [repo, tag, ...rest] = c.image.split(':')
        expect(rest, c.image).toEqual([])
        const ours = imageRepo.exec(repo!)
        if (ours) {
          expect(matrix, `${c.image} is built by .github/workflows/images.yml`).toContain(ours[1])
          expect(
            pushedTags.some((t) => t.test(tag ?? '')),
            `${c.image}: a tag CI pushes`,
          ).toBe(true)
          deployed.add(ours[1]!)
        } else {
          // the edge and the dev datastores: official images, pinned
          expect(THIRD_PARTY, `${w.metadata.name}/${c.name}: ${c.image}`).toContain(repo)
          expect(tag && tag !== 'latest', c.image).toBe(true)
        }
      }
    }
    expect([...deployed].sort()).toEqual([...matrix].sort())
    // each app runs its own image; its wait step runs the same one
    for (const [name, app] of Object.entries(APPS)) {
      const pod = podSpec(find(objs, 'Deployment', name))
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) expect(imageRepo.exec(c.image.split(':')[0]!)?.[1], `${name}/${c.name}`).toBe(app.image)
    }
    const tags = new Set(workloads(objs).flatMap((w) => podSpec(w).containers.filter((c) => imageRepo.test(c.image.split(':')[0]!)).map((c) => c.image.split(':')[1])))
    expect(tags.size, 'one release tag for every image').toBe(1)
  })

  it('migrates in a Job before the apps: every app pod waits in an init container until the schema is current', () => {
    const job = find(objs, 'Job', 'migrate')
    const migrate = podSpec(job).containers[0]!
    expect(imageRepo.exec(migrate.image.split(':')[0]!)?.[1]).toBe('api')
    expect([migrate.workingDir, ...migrate.command!]).toEqual(['/app/packages/db', 'node', 'dist/cli/migrate.js'])
    expect(existsSync(root('packages/db/src/cli/migrate.ts'))).toBe(true)
    for (const name of DB_APPS) {
      const wait = podSpec(find(objs, 'Deployment', name)).initContainers?.find((c) => c.name === 'wait-migrated')
      expect(wait, name).toBeTruthy()
      expect([wait!.workingDir, ...wait!.command!], name).toEqual(['/app/packages/db', 'node', 'dist/cli/wait-migrated.js'])
      expect(envOf(wait!, 'DATABASE_URL')?.valueFrom?.secretKeyRef, name).toEqual({ name: 'ghostlink-db', key: 'DATABASE_URL' })
    }
    expect(existsSync(root('packages/db/src/cli/wait-migrated.ts'))).toBe(true)
  })

  it('references Secrets and never inlines one; every Secret key is documented in deploy/k8s/README.md', () => {
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([])
    const readme = readFileSync(join(K8S, 'README.md'), 'utf8')
    const secretish = /PASSWORD|SECRET|TOKEN|^DATABASE_URL$|^REDIS_URL$/
    for (const cm of objs.filter((o) => o.kind === 'ConfigMap'))
      for (const key of Object.keys(cm.data ?? {})) expect(key, `ConfigMap ${cm.metadata.name}`).not.toMatch(secretish)
    const refs = new Set<string>()
    for (const w of workloads(objs)) {
      for (const c of [...podSpec(w).containers, ...(podSpec(w).initContainers ?? [])]) {
        for (const e of c.env ?? []) {
          if (secretish.test(e.name)) expect(e.valueFrom?.secretKeyRef, `${w.metadata.name}/${c.name} ${e.name}`).toBeTruthy()
          const ref = e.valueFrom?.secretKeyRef
          if (ref) refs.add(`${ref.name} ${ref.key}`)
        }
      }
    }
    for (const auth of objs.filter((o) => o.kind === 'TriggerAuthentication'))
      for (const r of auth.spec.secretTargetRef as { name: string; key: string }[]) refs.add(`${r.name} ${r.key}`)
    for (const ref of refs) {
      const [name, key] = ref.split(' ')
      expect(readme, `README documents Secret ${name} key ${key}`).toMatch(new RegExp(`${name}[^\\n]*${key}`))
    }
  })

  it('sets only variables the apps read (packages/config), and clicks go to the click writer', () => {
    const known = new Set([...Object.keys(EnvSchema.shape), 'NODE_ENV', 'NODE_OPTIONS'])
    for (const key of Object.keys(sharedEnv(objs))) expect(known, `ghostlink-env ${key}`).toContain(key)
    for (const name of Object.keys(APPS)) {
      const pod = podSpec(find(objs, 'Deployment', name))
      for (const c of pod.containers) for (const e of c.env ?? []) expect(known, `${name}/${c.name} ${e.name}`).toContain(e.name)
    }
    const redirect = podSpec(find(objs, 'Deployment', 'redirect')).containers[0]!
    expect(envOf(redirect, 'CLICK_CONSUMER')?.value).toBe('off')
    expect(sharedEnv(objs).CANARY_BASE_URL).toBe('http://edge:8080')
    find(objs, 'Service', 'edge')
  })

  it('scales the redirect tier on CPU (HPA autoscaling/v2), the workers on their queues and the click writer on stream lag (KEDA)', () => {
    const hpa = find(objs, 'HorizontalPodAutoscaler', 'redirect')
    expect(hpa.apiVersion).toBe('autoscaling/v2')
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'redirect' })
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }])

    const prefix = sharedEnv(objs).REDIS_PREFIX!
    const bull = new QueueKeys(redisKeys(prefix).bull)
    const waitKeys: Record<string, string> = { prober: bull.toKey(QUEUES.linkHealth, 'wait'), risk: bull.toKey(QUEUES.risk, 'wait') }
    for (const [name, key] of Object.entries(waitKeys)) {
      const so = find(objs, 'ScaledObject', name)
      expect(so.spec.scaleTargetRef.name).toBe(name)
      expect(so.spec.triggers.map((t: { type: string; metadata: { listName: string } }) => [t.type, t.metadata.listName])).toEqual([['redis', key]])
      expect(Number(so.spec.triggers[0].metadata.listLength)).toBeGreaterThan(0)
    }
    const writer = find(objs, 'ScaledObject', 'click-writer')
    expect(writer.spec.triggers).toHaveLength(1)
    const t = writer.spec.triggers[0]
    expect(t.type).toBe('redis-streams')
    expect(t.metadata.stream).toBe(redisKeys(prefix).clickStream)
    expect(Number(t.metadata.lagCount)).toBeGreaterThan(0)
    // the consumer group the click writer joins
    expect(t.metadata.consumerGroup).toBe(CLICK_WRITER_GROUP)

    for (const so of objs.filter((o) => o.kind === 'ScaledObject')) {
      expect(so.spec.triggers.every((x: { authenticationRef?: { name: string } }) => x.authenticationRef?.name === 'ghostlink-redis')).toBe(true)
      // workers keep their schedules and timers running: never scaled to zero
      expect(so.spec.minReplicaCount, so.metadata.name).toBeGreaterThanOrEqual(1)
      expect(so.spec.maxReplicaCount, so.metadata.name).toBeGreaterThanOrEqual(so.spec.minReplicaCount)
    }
    find(objs, 'TriggerAuthentication', 'ghostlink-redis')
    // a Deployment under an autoscaler has no replicas field (an apply would reset the autoscaler's choice)
    const scaled = [
      ...objs.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.spec.scaleTargetRef.name),
      ...objs.filter((o) => o.kind === 'ScaledObject').map((o) => o.spec.scaleTargetRef.name),
    ]
    expect(new Set(scaled).size, 'one autoscaler per Deployment').toBe(scaled.length)
    expect([...scaled].sort()).toEqual(deployments.map((d) => d.metadata.name).sort())
    for (const d of deployments) expect(d.spec.replicas, d.metadata.name).toBeUndefined()
    for (const h of objs.filter((o) => o.kind === 'HorizontalPodAutoscaler')) expect(h.spec.maxReplicas).toBeGreaterThanOrEqual(h.spec.minReplicas)
  })

  it("sets every autoscaler's minimum and maximum in the overlay itself", () => {
    const patches = parseAll(readFileSync(join(K8S, 'overlays', overlay, 'scaling.yaml'), 'utf8'))
    const named = (kind: string) => patches.filter((p) => p.kind === kind).map((p) => p.metadata.name).sort()
    expect(named('HorizontalPodAutoscaler')).toEqual(objs.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.metadata.name).sort())
    expect(named('ScaledObject')).toEqual(objs.filter((o) => o.kind === 'ScaledObject').map((o) => o.metadata.name).sort())
    for (const p of patches) {
      const [min, max] = p.kind === 'ScaledObject' ? ['minReplicaCount', 'maxReplicaCount'] : ['minReplicas', 'maxReplicas']
      expect(find(objs, p.kind, p.metadata.name).spec[min!]).toBe(p.spec[min!])
      expect(find(objs, p.kind, p.metadata.name).spec[max!]).toBe(p.spec[max!])
    }
  })

  it('lets only the edge reach the redirect, API and web pods (plus Prometheus on the metrics port, and the web on the API), and keeps the edge away from the datastores', () => {
    const policies = objs.filter((o) => o.kind === 'NetworkPolicy')
    const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0 && p.spec.policyTypes.includes('Ingress') && !p.spec.ingress)
    expect(deny, 'default-deny ingress').toBeTruthy()
    const edgeLabels = podLabels(find(objs, 'Deployment', 'edge'))
    type Peer = { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: { matchLabels?: Record<string, string> } }
    const isEdge = (peer: Peer) => !peer.namespaceSelector && matches(peer.podSelector, edgeLabels) && !!peer.podSelector?.matchLabels
    const isPrometheus = (peer: Peer) =>
      peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring' &&
      peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus'
    const selects = (p: K8sObject, labels: Record<string, string>) => {
      const sel = p.spec.podSelector as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] }
      return matches(sel, labels) && (sel.matchExpressions ?? []).every((e) => e.operator === 'In' && e.values.includes(labels[e.key] ?? ''))
    }
    const webLabels = podLabels(find(objs, 'Deployment', 'web'))
    const isWeb = (peer: Peer) => !peer.namespaceSelector && matches(peer.podSelector, webLabels) && !!peer.podSelector?.matchLabels
    for (const name of ['redirect', 'api', 'web']) {
      const labels = podLabels(find(objs, 'Deployment', name))
      const rules = policies.filter((p) => p.spec.policyTypes.includes('Ingress') && selects(p, labels)).flatMap((p) => p.spec.ingress ?? [])
      expect(rules.length, name).toBeGreaterThan(0)
      let fromEdge = false
      for (const rule of rules as { from?: Peer[] }[]) {
        expect(rule.from, `${name}: a rule without 'from' admits everyone`).toBeTruthy()
        for (const peer of rule.from!) {
          expect(isEdge(peer) || isPrometheus(peer) || (name === 'api' && isWeb(peer)), `${name} admits ${JSON.stringify(peer)}`).toBe(true)
          fromEdge ||= isEdge(peer)
        }
      }
      expect(fromEdge, `${name} admits the edge`).toBe(true)
    }
    // the edge may open connections to the redirect and API pods and DNS only
    const egress = policies.filter((p) => p.spec.policyTypes.includes('Egress') && selects(p, edgeLabels)).flatMap((p) => p.spec.egress)
    expect(egress.length).toBeGreaterThan(0)
    const reachable = egress.flatMap((r: { to: Peer[] }) => r.to.map((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']))
    expect(reachable.sort()).toEqual(['api', 'kube-system', 'redirect', 'web'])
    // the edge carries no datastore-client label, every app and the migration do
    expect(edgeLabels['ghostlink.io/db-client']).toBeUndefined()
    expect(edgeLabels['ghostlink.io/redis-client']).toBeUndefined()
    expect(podLabels(find(objs, 'Deployment', 'web'))['ghostlink.io/db-client']).toBeUndefined()
    for (const name of DB_APPS) {
      expect(podLabels(find(objs, 'Deployment', name))['ghostlink.io/db-client'], name).toBe('true')
      expect(podLabels(find(objs, 'Deployment', name))['ghostlink.io/redis-client'], name).toBe('true')
    }
    expect(podLabels(find(objs, 'Job', 'migrate'))['ghostlink.io/db-client']).toBe('true')
    // where Postgres and Redis run in the namespace (dev), only those labels get in
    for (const [store, label, port] of [
      ['postgres', 'ghostlink.io/db-client', 5432],
      ['redis', 'ghostlink.io/redis-client', 6379],
    ] as const) {
      const sts = objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === store)
      if (!sts) continue
      const rules = policies.filter((p) => p.spec.policyTypes.includes('Ingress') && selects(p, podLabels(sts))).flatMap((p) => p.spec.ingress ?? [])
      expect(rules.length, store).toBeGreaterThan(0)
      for (const rule of rules as { from: Peer[]; ports: { port: number }[] }[]) {
        expect(rule.ports.map((p) => p.port)).toEqual([port])
        for (const peer of rule.from) {
          // KEDA's operator reads queue lengths and stream lag from Redis
          const keda = store === 'redis' && peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'keda' && !peer.podSelector
          expect(keda || (!peer.namespaceSelector && peer.podSelector?.matchLabels?.[label] === 'true'), `${store} admits ${JSON.stringify(peer)}`).toBe(true)
        }
      }
    }
  })

  it('publishes the quarantine map from the risk pod to a ConfigMap the edge mounts, with a Role for that ConfigMap only', () => {
    const cm = find(objs, 'ConfigMap', 'quarantine-map')
    // no data: `kubectl apply` must never reset what the publisher wrote
    expect(cm.data).toBeUndefined()
    const role = find(objs, 'Role', 'quarantine-map-publisher')
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['quarantine-map'], verbs: ['get', 'patch'] }])
    const binding = find(objs, 'RoleBinding', 'quarantine-map-publisher')
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'risk', namespace: 'ghostlink' }])
    const risk = podSpec(find(objs, 'Deployment', 'risk')) as PodSpec & { serviceAccountName: string; automountServiceAccountToken: boolean }
    expect(risk.serviceAccountName).toBe('risk')
    expect(risk.automountServiceAccountToken).toBe(false)
    const worker = risk.containers.find((c) => c.name === 'risk')!
    const publisher = risk.containers.find((c) => c.name === 'quarantine-publisher')!
    expect(publisher.command).toEqual(['node', 'dist/quarantine-publisher.js'])
    expect(existsSync(root('apps/risk/src/quarantine-publisher.ts'))).toBe(true)
    expect(envOf(publisher, 'QUARANTINE_CONFIGMAP')?.value).toBe('quarantine-map')
    // only the publisher holds an API token, and the worker's map file is on a volume both containers mount
    expect(publisher.volumeMounts?.find((m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount')).toBeTruthy()
    expect(worker.volumeMounts?.find((m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount')).toBeUndefined()
    const mapFile = sharedEnv(objs).QUARANTINE_MAP_FILE!
    const dir = mapFile.slice(0, mapFile.lastIndexOf('/'))
    const vol = (c: Container) => c.volumeMounts?.find((m) => m.mountPath === dir)?.name
    expect(vol(worker)).toBeTruthy()
    expect(vol(publisher)).toBe(vol(worker))
    expect(risk.volumes!.find((v: { name: string }) => v.name === vol(worker)).emptyDir).toBeTruthy()

    // the edge: QUARANTINE_MAP_SOURCE is the key of that ConfigMap, mounted (optional until the first publish)
    const edge = podSpec(find(objs, 'Deployment', 'edge'))
    const nginx = edge.containers[0]!
    const source = envOf(nginx, 'QUARANTINE_MAP_SOURCE')!.value!
    const mount = nginx.volumeMounts!.find((m) => source.startsWith(`${m.mountPath}/`))!
    const volume = edge.volumes!.find((v: { name: string }) => v.name === mount.name)
    expect(volume.configMap).toEqual({ name: 'quarantine-map', optional: true })
    expect(source.slice(mount.mountPath.length + 1)).toBe(envOf(publisher, 'QUARANTINE_CONFIGMAP_KEY')?.value)
  })

  it('runs the edge from the same nginx template and quarantine hook as compose and pnpm dev', () => {
    for (const [copy, original] of [
      ['base/edge/nginx.conf.template', 'infra/nginx/nginx.conf.template'],
      ['base/edge/05-quarantine-map.sh', 'infra/nginx/entrypoint.d/05-quarantine-map.sh'],
    ]) {
      expect(readFileSync(join(K8S, copy!), 'utf8'), `${copy} must equal ${original} (cp ${original} deploy/k8s/${copy})`).toBe(
        readFileSync(root(original!), 'utf8'),
      )
    }
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('edge-nginx-'))!
    expect(cm.data!['nginx.conf.template']).toBe(readFileSync(root('infra/nginx/nginx.conf.template'), 'utf8'))
    const nginx = podSpec(find(objs, 'Deployment', 'edge')).containers[0]!
    expect(envOf(nginx, 'API_UPSTREAM')?.value).toBe(`api:${APPS.api!.port}`)
    expect(envOf(nginx, 'REDIRECT_UPSTREAM_1')?.value).toBe(`redirect:${APPS.redirect!.port}`)
    expect(envOf(nginx, 'REDIRECT_UPSTREAM_2')?.value).toBe(`redirect:${APPS.redirect!.port}`)
    expect(envOf(nginx, 'WEB_UPSTREAM')?.value).toBe(`web:${APPS.web!.port}`)
    // every template variable is set (the image's envsubst would leave an unset one in the config)
    const vars = [...cm.data!['nginx.conf.template']!.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!)
    for (const v of new Set(vars)) expect(envOf(nginx, v), v).toBeTruthy()
  })
})

it('the prod overlay uses external Postgres and Redis, and a public load balancer that keeps client addresses', () => {
  const objs = rendered.get('prod')!
  expect(objs.filter((o) => o.kind === 'StatefulSet')).toEqual([])
  const lb = find(objs, 'Service', 'edge-public')
  expect(lb.spec.type).toBe('LoadBalancer')
  expect(lb.spec.externalTrafficPolicy).toBe('Local')
  for (const so of objs.filter((o) => o.kind === 'ScaledObject')) expect(so.spec.triggers[0].metadata.enableTLS).toBe('true')
})

it('the schema check catches a wrong type, a missing field and a misspelt field', async () => {
  const deployment = structuredClone(find(rendered.get('prod')!, 'Deployment', 'redirect'))
  const c = deployment.spec.template.spec.containers[0]
  c.ports[0].containerPort = '8082'
  c.readinesProbe = c.readinessProbe
  delete deployment.spec.selector
  const problems = (await validateObject(deployment)).join('\n')
  // the validator stops at type errors; the unknown field is reported once the types are right
  expect(problems).toMatch(/containerPort must be integer|selector/)
  c.ports[0].containerPort = 8082
  deployment.spec.selector = { matchLabels: { 'app.kubernetes.io/name': 'redirect' } }
  expect(await validateObject(deployment)).toEqual(['/spec/template/spec/containers/0/readinesProbe: unknown field'])
  const so = structuredClone(find(rendered.get('prod')!, 'ScaledObject', 'click-writer'))
  so.spec.minReplicaCount = 'two'
  expect((await validateObject(so)).join()).toMatch(/minReplicaCount must be integer/)
})

// ---- the facts the scalers and the wait step rely on, on the real Redis and Postgres ----
describe('against the real Redis and Postgres', () => {
  const prefix = testRedisPrefix()
  let redis: Redis
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null })
  })
  afterAll(async () => {
    redis.disconnect()
    await cleanRedisPrefix(prefix)
  })

  it("a waiting BullMQ job is one entry of the list the prober's ScaledObject measures", async () => {
    const so = find(rendered.get('prod')!, 'ScaledObject', 'prober')
    const manifestPrefix = sharedEnv(rendered.get('prod')!).REDIS_PREFIX!
    const listName: string = so.spec.triggers[0].metadata.listName
    expect(listName.startsWith(manifestPrefix)).toBe(true)
    const queue = new Queue(QUEUES.linkHealth, { connection: redis, prefix: redisKeys(prefix).bull })
    try {
      await queue.add('probe', { url_id: 1 })
      await queue.add('probe', { url_id: 2 })
      expect(await redis.llen(prefix + listName.slice(manifestPrefix.length))).toBe(2)
    } finally {
      await queue.close()
    }
  })

  it("the stream's consumer-group lag stays defined when the writer XDELs what it acked (the click writer's pattern)", async () => {
    const stream = redisKeys(prefix).clickStream
    await redis.xgroup('CREATE', stream, 'click-writers', '$', 'MKSTREAM')
    for (let i = 0; i < 5; i++) await redis.xadd(stream, '*', 'b', `batch-${i}`)
    const read = (await redis.xreadgroup('GROUP', 'click-writers', 'w1', 'COUNT', 3, 'STREAMS', stream, '>')) as [string, [string, string[]][]][]
    const ids = read[0]![1].map(([id]) => id)
    await redis.xack(stream, 'click-writers', ...ids)
    await redis.xdel(stream, ...ids)
    await redis.xadd(stream, '*', 'b', 'batch-5')
    const groups = (await redis.xinfo('GROUPS', stream)) as (string | number | null)[][]
    const fields = groups[0]!
    const info = Object.fromEntries(fields.flatMap((v, i) => (i % 2 === 0 ? [[String(v), fields[i + 1]]] : [])))
    // KEDA's lagCount reads this field; null would mean "cannot tell"
    expect(info.lag).toBe(3)
  })

  it('the wait step sees every migration applied on a migrated database and all pending where there is none', async () => {
    const tdb = await createTestDatabase()
    try {
      expect(await pendingMigrations(tdb.url)).toBe(0)
      const journal = JSON.parse(readFileSync(root('packages/db/drizzle/meta/_journal.json'), 'utf8')) as { entries: unknown[] }
      const missing = new URL(tdb.url)
      missing.pathname = `/${tdb.name}_absent`
      expect(await pendingMigrations(missing.toString())).toBe(journal.entries.length)
    } finally {
      await tdb.drop()
    }
  })
})

function parseAll(text: string): K8sObject[] {
  return text
    .split(/^---$/m)
    .map((d) => parse(d) as K8sObject | null)
    .filter((d): d is K8sObject => d !== null)
}
