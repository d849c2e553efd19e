// Rendering and schema validation of deploy/k8s, offline (infra/tests/k8s.test.ts;
// docs/decisions/2026-11-27-k8s-render-and-validate.md).
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseAllDocuments } from 'yaml'

export type K8sObject = {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field by the tests
  spec?: any
  data?: Record<string, string>
  [key: string]: unknown
}

/**
 * `kubectl kustomize <dir>`: the kustomize built into kubectl (v5 with kubectl 1.32, on every machine image of
 * this project). Proxies point at a closed port and KUBECONFIG at nothing, so a render that tried the network or
 * a cluster would fail rather than pass by luck.
 */
export function render(dir: string): K8sObject[] {
  const env = { ...process.env, KUBECONFIG: '/dev/null', HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' }
  const out = spawnSync('kubectl', ['kustomize', dir], { env, encoding: 'utf8', timeout: 60_000 })
  if (out.error) throw new Error(`kubectl kustomize ${dir}: ${out.error.message} (kubectl with kustomize v5 is needed on PATH)`)
  if (out.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${out.stderr}`)
  return parseAllDocuments(out.stdout).map((d) => {
    if (d.errors.length > 0) throw new Error(`rendered YAML: ${d.errors[0]!.message}`)
    return d.toJS() as K8sObject
  })
}

type SchemaError = { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }
type ValidateFn = ((data: unknown) => boolean) & { errors?: SchemaError[] | null }

/** The compiled validators carry no messages: say what the keyword means. */
function describeError(e: SchemaError): string {
  const at = e.instancePath || '/'
  if (e.message) return `${at} ${e.message}`
  if (e.keyword === 'type') return `${at} must be ${String(e.params.type)}`
  if (e.keyword === 'required') return `${at} must have required property '${String(e.params.missingProperty)}'`
  if (e.keyword === 'enum') return `${at} must be one of ${JSON.stringify(e.params.allowedValues)}`
  return `${at} ${e.keyword} ${JSON.stringify(e.params)}`
}

const require = createRequire(import.meta.url)
const kedaDir = dirname(require.resolve('@kubernetes-models/keda/package.json'))

/** apiVersion/kind -> the compiled JSON-schema validator shipped by kubernetes-models (Kubernetes API) or its KEDA package. */
const SCHEMAS: Record<string, string> = {
  'v1/Namespace': 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace',
  'v1/ConfigMap': 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap',
  'v1/Service': 'kubernetes-models/_schemas/IoK8sApiCoreV1Service',
  'v1/ServiceAccount': 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount',
  'apps/v1/Deployment': 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment',
  'apps/v1/StatefulSet': 'kubernetes-models/_schemas/IoK8sApiAppsV1StatefulSet',
  'batch/v1/Job': 'kubernetes-models/_schemas/IoK8sApiBatchV1Job',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget',
  'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/_schemas/IoK8sApiAutoscalingV2HorizontalPodAutoscaler',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy',
  'rbac.authorization.k8s.io/v1/Role': 'kubernetes-models/_schemas/IoK8sApiRbacV1Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'kubernetes-models/_schemas/IoK8sApiRbacV1RoleBinding',
  // the KEDA package exports its models only; its schema modules are loaded by path
  'keda.sh/v1alpha1/ScaledObject': pathToFileURL(join(kedaDir, '_schemas/ComGithubKedacoreKedaV2ApisKedaV1alpha1ScaledObject.js')).href,
  'keda.sh/v1alpha1/TriggerAuthentication': pathToFileURL(join(kedaDir, '_schemas/ComGithubKedacoreKedaV2ApisKedaV1alpha1TriggerAuthentication.js'))
    .href,
}

/**
 * Wraps a value so that every property the validator reads is recorded. The schemas do not forbid unknown fields
 * (Kubernetes drops them with a warning), so a misspelt `readinesProbe` would pass them: a field the compiled
 * validator never looked at, in an object whose keys it never enumerated (a map such as labels), is unknown.
 */
type Seen = Map<string, { enumerated: boolean; read: Set<string> }>
function track(value: unknown, path: string, seen: Seen): unknown {
  if (value === null || typeof value !== 'object') return value
  const node = { enumerated: false, read: new Set<string>() }
  seen.set(path, node)
  const copy = Array.isArray(value)
    ? value.map((v, i) => track(v, `${path}/${i}`, seen))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, track(v, `${path}/${k}`, seen)]))
  return new Proxy(copy, {
    get(target, key, receiver) {
      if (typeof key === 'string') node.read.add(key)
      return Reflect.get(target, key, receiver)
    },
    has(target, key) {
      if (typeof key === 'string') node.read.add(key)
      return Reflect.has(target, key)
    },
    ownKeys(target) {
      node.enumerated = true
      return Reflect.ownKeys(target)
    },
  })
}

function unknownFields(value: unknown, path: string, seen: Seen, out: string[]): void {
  if (value === null || typeof value !== 'object') return
  const node = seen.get(path)
  for (const [key, child] of Object.entries(value)) {
    // an unknown field is reported once, not with everything under it
    if (!Array.isArray(value) && node && !node.enumerated && !node.read.has(key)) out.push(`${path}/${key}`)
    else unknownFields(child, `${path}/${key}`, seen, out)
  }
}

/** Problems with one object against its API schema: schema errors, unknown fields, or no schema for its kind. */
export async function validateObject(obj: K8sObject): Promise<string[]> {
  const id = `${obj.apiVersion}/${obj.kind}`
  const module = SCHEMAS[id]
  if (!module) return [`no schema for ${id}: add it to SCHEMAS in infra/tests/helpers/k8s.ts`]
  const { validate } = (await import(module)) as { validate: ValidateFn }
  const seen: Seen = new Map()
  const ok = validate(track(obj, '', seen))
  if (!ok) return (validate.errors ?? []).map(describeError)
  const unknown: string[] = []
  unknownFields(obj, '', seen, unknown)
  return unknown.map((p) => `${p}: unknown field`)
}
