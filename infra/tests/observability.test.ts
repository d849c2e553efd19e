// Prometheus, Alertmanager and Grafana configs checked with the real binaries (promtool, amtool), and every
// metric name used in rules and dashboards checked against what packages/metrics really exports.
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createApiMetrics, createProberMetrics, createRedirectMetrics, createRiskMetrics, type ReleaseLabels } from '@ghostlink/metrics'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { INFRA_DIR, REPO_ROOT } from './helpers/paths.js'
import { metricNames } from './helpers/promql.js'

const run = promisify(execFile)
const infra = (p: string) => join(INFRA_DIR, p)
const readYaml = <T>(p: string) => parse(readFileSync(infra(p), 'utf8')) as T
const tmp = mkdtempSync(join(tmpdir(), 'gl-obs-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

type Rule = { alert?: string; record?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }
type RuleFile = { groups: { name: string; rules: Rule[] }[] }
const rules = (file: string) => readYaml<RuleFile>(`prometheus/rules/${file}`).groups.flatMap((g) => g.rules)
const alerts = rules('alerts.yml')
const recordings = rules('recording.yml')

type Panel = { type: string; title: string; datasource?: { uid: string }; targets?: { expr: string }[]; panels?: Panel[] }
const dashboards = readdirSync(infra('grafana/dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(infra(`grafana/dashboards/${f}`), 'utf8')) as { uid: string; panels: Panel[] } }))
const dashboardExprs = dashboards.flatMap(({ json }) =>
  json.panels.flatMap((p) => [p, ...(p.panels ?? [])]).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr }))),
)

describe('prometheus', () => {
  it('promtool check config accepts prometheus.yml (and the rule files it loads)', async () => {
    const { stdout } = await run('promtool', ['check', 'config', infra('prometheus/prometheus.yml')])
    expect(stdout).toMatch(/SUCCESS: 2 rule files found/)
  })

  it('promtool check rules accepts the rule files', async () => {
    const { stdout } = await run('promtool', [
      'check',
      'rules',
      infra('prometheus/rules/recording.yml'),
      infra('prometheus/rules/alerts.yml'),
    ])
    expect(stdout).not.toMatch(/FAILED/)
  })

  it('promtool test rules passes the alert unit tests', async () => {
    const { stdout } = await run('promtool', ['test', 'rules', infra('prometheus/tests/alerts.test.yml')])
    expect(stdout).toMatch(/SUCCESS/)
  })

  it('has a firing and a quiet unit test for every alert', () => {
    type Case = { alertname: string; exp_alerts?: unknown[] }
    const suite = readYaml<{ tests: { alert_rule_test?: Case[] }[] }>('prometheus/tests/alerts.test.yml')
    const cases = suite.tests.flatMap((t) => t.alert_rule_test ?? [])
    for (const { alert } of alerts) {
      const mine = cases.filter((c) => c.alertname === alert)
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} fires somewhere`,
      ).toBe(true)
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} stays quiet somewhere`,
      ).toBe(true)
    }
  })

  it('covers the original alerts and the rewrite additions, each with severity, summary and a runbook section', () => {
    const names = alerts.map((a) => a.alert)
    for (const name of [
      'ServiceDown',
      'HighErrorRate',
      'RedirectLatencySLO',
      'CanaryFailure',
      'SuspiciousClientSpike',
      'GhostProbeSpike',
      'BlockedRequestSpike',
      'ThreatLinkSurge',
      'DeletionSpike',
      'QueueBacklog',
      'WorkerStalled',
      'ClickPipelineDrops',
    ])
      expect(names).toContain(name)
    const runbook = readFileSync(join(REPO_ROOT, 'docs/RUNBOOK.md'), 'utf8')
    for (const a of alerts) {
      expect(['critical', 'warning']).toContain(a.labels?.severity)
      expect(a.annotations?.summary).toBeTruthy()
      expect(a.annotations?.runbook_url).toBe(`docs/RUNBOOK.md#${a.alert?.toLowerCase()}`)
      expect(runbook, `RUNBOOK section for ${a.alert}`).toMatch(new RegExp(`^### ${a.alert}$`, 'm'))
    }
  })

  it('scrapes every service on the ports packages/config uses', () => {
    type Scrape = { job_name: string; static_configs: { targets: string[] }[] }
    const cfg = readYaml<{ scrape_configs: Scrape[] }>('prometheus/prometheus.yml')
    const targets = Object.fromEntries(cfg.scrape_configs.map((s) => [s.job_name, s.static_configs.flatMap((c) => c.targets)]))
    expect(targets).toMatchObject({
      api: ['api:8081'],
      redirect: ['redirect-1:8082', 'redirect-2:8082'],
      prober: ['prober:9101'],
      risk: ['risk:9102'],
      prometheus: ['localhost:9090'],
      alertmanager: ['alertmanager:9093'],
    })
  })
})

describe('alertmanager', () => {
  const render = async (url: string | undefined) => {
    const out = join(tmp, `am-${Math.random().toString(36).slice(2)}.yml`)
    const env = { ...process.env, ALERT_WEBHOOK_URL: url ?? '' }
    await run(infra('alertmanager/render-config.sh'), [infra('alertmanager/alertmanager.yml.template'), out], { env })
    return out
  }

  it('commits no webhook URL', () => {
    const text = readFileSync(infra('alertmanager/alertmanager.yml.template'), 'utf8')
    expect(text).not.toMatch(/https?:\/\//)
    expect(text).toContain('$' + '{ALERT_WEBHOOK_URL}')
  })

  it('renders the URL from the environment into a config amtool accepts', async () => {
    const url = "https://hooks.example.com/services/T0/B0/x?a=1&b=|2#it's"
    const out = await render(url)
    const { stdout } = await run('amtool', ['check-config', out])
    expect(stdout).toMatch(/SUCCESS/)
    const cfg = parse(readFileSync(out, 'utf8')) as { receivers: { webhook_configs: { url: string }[] }[] }
    expect(cfg.receivers.flatMap((r) => r.webhook_configs.map((w) => w.url))).toEqual([url, url])
  })

  it('refuses to start without ALERT_WEBHOOK_URL', async () => {
    await expect(render(undefined)).rejects.toThrow(/ALERT_WEBHOOK_URL/)
  })

  it.each([
    ['severity=critical', 'critical'],
    ['severity=warning', 'warning'],
    ['severity=info', 'warning'],
  ])('routes %s to the %s receiver', async (label, receiver) => {
    const out = await render('https://hooks.example.com/x')
    const { stdout } = await run('amtool', ['config', 'routes', 'test', `--config.file=${out}`, 'alertname=Any', label])
    expect(stdout.trim()).toBe(receiver)
  })

  it('inhibits warnings of the same job and instance while ServiceDown fires', () => {
    type Inhibit = { source_matchers: string[]; target_matchers: string[]; equal: string[] }
    const cfg = parse(readFileSync(infra('alertmanager/alertmanager.yml.template'), 'utf8')) as { inhibit_rules: Inhibit[] }
    expect(cfg.inhibit_rules).toContainEqual({
      source_matchers: ['alertname="ServiceDown"'],
      target_matchers: ['severity="warning"'],
      equal: ['job', 'instance'],
    })
  })
})

describe('grafana', () => {
  it('provisions the Prometheus datasource with uid prometheus and the dashboards folder', () => {
    const ds = readYaml<{ datasources: { uid: string; type: string; url: string }[] }>('grafana/provisioning/datasources/prometheus.yml')
    expect(ds.datasources).toContainEqual(expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' }))
    const prov = readYaml<{ providers: { options: { path: string } }[] }>('grafana/provisioning/dashboards/ghostlink.yml')
    expect(prov.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards')
  })

  it('every panel uses the provisioned datasource', () => {
    for (const { json } of dashboards)
      for (const p of json.panels.filter((p) => p.type !== 'row')) expect(p.datasource?.uid, p.title).toBe('prometheus')
  })

  it('shows the golden signals, caches, queues, link health, risk, canaries, quarantine and releases', () => {
    const all = dashboardExprs.map((e) => e.expr).join('\n')
    for (const needle of [
      'url_redirects_total',
      'job:http_error_ratio:rate5m',
      'redirect_latency_seconds_bucket',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
      'redirect_click_queue_depth',
      'ghostlink:redirect_cache_hit_ratio:rate5m',
      'ghostlink_queue_jobs',
      'link_probes_total',
      'destination_dead_total',
      'ghostlink_threat_links_total',
      'ghostlink_canary_failures_total',
      'ghostlink_quarantined_urls_total',
      'ghostlink_suspicious_clients_total',
      'ghostlink_release_info',
    ])
      expect(all).toContain(needle)
    for (const q of ['0.50', '0.95', '0.99'])
      expect(all).toContain(`histogram_quantile(${q}, sum by (le) (rate(redirect_latency_seconds_bucket`)
  })

  it('every dashboard query is valid PromQL (promtool)', async () => {
    const file = join(tmp, 'dashboard-exprs.yml')
    const asRules = dashboardExprs.map((e, i) => ({ record: `dashboard:expr_${i}`, expr: e.expr }))
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules: asRules }] }))
    const { stdout } = await run('promtool', ['check', 'rules', file])
    expect(stdout).toMatch(new RegExp(`SUCCESS: ${asRules.length} rules found`))
  })
})

describe('metric names used in rules and dashboards', () => {
  const release: ReleaseLabels = { version: 't', git_sha: 't', deployed_at: 't', release_owner: 't', release_notes_url: '' }
  const registries = [createApiMetrics, createRedirectMetrics, createProberMetrics, createRiskMetrics].map((f) => f(release, {}).registry)
  const exported = new Set<string>()
  for (const registry of registries)
    for (const m of registry.getMetricsAsArray()) {
      exported.add(m.name)
      // histograms are scraped as _bucket/_sum/_count; prom-client's type field is a string enum
      if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(m.name + s)
    }
  const standard = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE', ...recordings.map((r) => r.record ?? '')])
  const known = (name: string) => exported.has(name) || standard.has(name)

  it('the tokenizer finds metric names and skips functions, labels and keywords', () => {
    expect(metricNames('sum by (le) (rate(a_bucket{x="y",z=~"5.."}[5m])) / on (job) group_left b:c or vector(0) > 1e3')).toEqual([
      'a_bucket',
      'b:c',
    ])
  })

  it.each([
    ...alerts.map((r) => [`alert ${r.alert}`, r.expr] as const),
    ...recordings.map((r) => [`record ${r.record}`, r.expr] as const),
    ...dashboardExprs.map((e) => [`panel "${e.panel}"`, e.expr] as const),
  ])('%s uses only exported metrics', (_, expr) => {
    const names = metricNames(expr)
    expect(names.length).toBeGreaterThan(0)
    expect(names.filter((n) => !known(n))).toEqual([])
  })
})
