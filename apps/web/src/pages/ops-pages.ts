import type { z } from 'zod'
import { html } from '../html.js'
import type { AuditEntry, OpsStatus, QuarantineEntry, RiskLinks } from '../ops-model.js'
import type { SessionData } from '../session/session-store.js'
import { tierBadge } from './badges.js'
import { csrfField, layout } from './layout.js'
import { signalList } from './link-page.js'

const when = (iso: string | null) => (iso ? `${new Date(iso).toISOString().replace('T', ' ').slice(0, 19)} UTC` : 'never')

export type QuarantinePageData = {
  session: SessionData
  entries: z.infer<typeof QuarantineEntry>[]
  audit: z.infer<typeof AuditEntry>[]
  error?: string
  notice?: string
  prefill?: string
}

export function quarantinePage(d: QuarantinePageData) {
  return layout(
    { title: 'Quarantine', session: d.session, current: 'quarantine', error: d.error, notice: d.notice },
    html`<h1>Quarantine</h1>
<section class="card" aria-labelledby="add-h">
  <h2 id="add-h">Quarantine a code</h2>
  <p>A quarantined code answers 410 at the edge and on every redirect replica, whether or not a link has it.</p>
  <form method="post" action="/app/ops/quarantine" class="inline-form">
    ${csrfField(d.session)}
    <div><label for="code">Short code</label>
    <input id="code" name="code" required maxlength="64" pattern="[A-Za-z0-9_\\-]{1,64}" value="${d.prefill ?? ''}"></div>
    <div class="grow"><label for="reason">Reason</label>
    <input id="reason" name="reason" maxlength="255" placeholder="e.g. phishing report"></div>
    <button type="submit" class="danger">Quarantine</button>
  </form>
</section>
<section class="card" aria-labelledby="list-h">
  <h2 id="list-h">Quarantined codes (${d.entries.length})</h2>
  ${
    d.entries.length === 0
      ? html`<p class="muted">No code is quarantined.</p>`
      : html`<div class="table-wrap"><table>
    <thead><tr><th scope="col">Code</th><th scope="col">Source</th><th scope="col">Reason</th><th scope="col">By</th><th scope="col">Since</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${d.entries.map(
      (e) => html`<tr>
      <td data-label="Code" class="code">${e.short_code}</td><td data-label="Source">${e.source}</td><td data-label="Reason">${e.reason ?? ''}</td>
      <td data-label="By">${e.actor}</td><td data-label="Since">${when(e.created_at)}</td>
      <td><form method="post" action="/app/ops/quarantine/${e.short_code}/release" data-confirm="Release ${e.short_code} from quarantine?">
        ${csrfField(d.session)}<button type="submit" class="secondary small">Release</button></form></td>
    </tr>`,
    )}</tbody></table></div>`
  }
</section>
<section class="card" aria-labelledby="audit-h">
  <h2 id="audit-h">Audit trail</h2>
  ${
    d.audit.length === 0
      ? html`<p class="muted">Nothing recorded yet.</p>`
      : html`<div class="table-wrap"><table>
    <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Code</th><th scope="col">By</th><th scope="col">Reason</th></tr></thead>
    <tbody>${d.audit.map(
      (
        a,
      ) => html`<tr><td data-label="When">${when(a.at)}</td><td data-label="Action">${a.action}</td><td data-label="Code" class="code">${a.short_code}</td>
      <td data-label="By">${a.actor}</td><td data-label="Reason">${a.reason ?? ''}</td></tr>`,
    )}</tbody></table></div>`
  }
</section>`,
  )
}

export function riskPage(session: SessionData, data: z.infer<typeof RiskLinks>) {
  return layout(
    { title: 'Risk', session, current: 'risk' },
    html`<h1>Links by risk tier</h1>
<nav class="tabs" aria-label="Risk tier">${['THREAT', 'WATCHLIST', 'SAFE'].map(
      (t) => html`<a href="/app/ops/risk?tier=${t}"${t === data.tier ? html` aria-current="page"` : ''}>${t} (${data.tiers[t] ?? 0})</a>`,
    )}</nav>
<section class="card">
${
  data.items.length === 0
    ? html`<p class="muted">No link in this tier.</p>`
    : html`<div class="table-wrap"><table>
  <thead><tr><th scope="col">Code</th><th scope="col">Destination</th><th scope="col" class="num">Score</th><th scope="col">Signals</th><th scope="col">Scored</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
  <tbody>${data.items.map(
    (r) => html`<tr>
    <td data-label="Code" class="code">${r.short_code}${r.is_active ? '' : html` <span class="badge state-inactive">Inactive</span>`}</td>
    <td data-label="Destination" class="dest"><span title="${r.original_url}">${r.original_url}</span></td>
    <td data-label="Score" class="num">${r.score} ${tierBadge(r.tier)}</td>
    <td data-label="Signals">${signalList(r.signals)}</td>
    <td data-label="Scored">${when(r.computed_at)}</td>
    <td><a href="/app/ops/quarantine?code=${r.short_code}">Quarantine…</a></td>
  </tr>`,
  )}</tbody></table></div>`
}
</section>`,
  )
}

export function statusPage(session: SessionData, s: OpsStatus) {
  const checks = Object.entries(s.prober.checks)
  const sc = s.suspicious_clients
  return layout(
    { title: 'Status', session, current: 'status' },
    html`<h1>Platform status</h1>
<section class="card" aria-labelledby="canary-h">
  <h2 id="canary-h">Canaries</h2>
  ${
    s.canaries.length === 0
      ? html`<p class="muted">No canary has run yet${s.flags.ENABLE_CANARY_MONITORING === false ? ' (canary monitoring is off)' : ''}.</p>`
      : html`<div class="table-wrap"><table>
    <thead><tr><th scope="col">Canary</th><th scope="col">Last status</th><th scope="col" class="num">Latency</th><th scope="col" class="num">OK / failed</th><th scope="col">Last run</th></tr></thead>
    <tbody>${s.canaries.map(
      (c) => html`<tr><td data-label="Canary">${c.canary}</td>
      <td data-label="Last status"><span class="badge ${c.last_status >= 200 && c.last_status < 400 ? 'state-active' : 'state-quarantined'}">${c.last_status || 'no answer'}</span></td>
      <td data-label="Latency" class="num">${(c.last_latency_seconds * 1000).toFixed(0)} ms</td>
      <td data-label="OK / failed" class="num">${c.success_total} / ${c.failure_total}</td><td data-label="Last run">${when(c.last_run_at)}</td></tr>`,
    )}</tbody></table></div>`
  }
</section>
<section class="card" aria-labelledby="prober-h">
  <h2 id="prober-h">Link-health prober</h2>
  <p>Last check: ${when(s.prober.last_check_at)}.</p>
  ${
    checks.length === 0
      ? html`<p class="muted">No link checked in the last ${s.prober.window_hours} hours.</p>`
      : html`<dl class="figures">${checks.map(([k, n]) => html`<div><dt>${k}</dt><dd>${n}</dd></div>`)}</dl>
      <p class="hint">Results of the last ${s.prober.window_hours} hours.</p>`
  }
</section>
<section class="card" aria-labelledby="clients-h">
  <h2 id="clients-h">Suspicious clients</h2>
  ${
    !sc
      ? html`<p class="muted">Ghost-probe telemetry is off (ENABLE_GHOST_PROBE_ALERTS).</p>`
      : html`<p>${sc.suspicious_clients} suspicious ${sc.suspicious_clients === 1 ? 'client' : 'clients'} in the last 30 minutes.</p>
  <div class="breakdowns">
    <section class="breakdown"><h3>Top IPs</h3>${
      sc.top_ips.length === 0
        ? html`<p class="muted">None.</p>`
        : html`<table><thead><tr><th scope="col">IP</th><th scope="col" class="num">Score</th></tr></thead><tbody>${sc.top_ips.map((r) => html`<tr><td>${r.ip}</td><td class="num">${r.score}</td></tr>`)}</tbody></table>`
    }</section>
    <section class="breakdown"><h3>Top user agents on dead links</h3>${
      sc.top_user_agents.length === 0
        ? html`<p class="muted">None.</p>`
        : html`<table><thead><tr><th scope="col">User agent</th><th scope="col" class="num">Hits</th></tr></thead><tbody>${sc.top_user_agents.map((r) => html`<tr><td class="dest">${r.user_agent}</td><td class="num">${r.hits}</td></tr>`)}</tbody></table>`
    }</section>
    <section class="breakdown"><h3>Most probed codes</h3>${
      sc.top_probed_codes.length === 0
        ? html`<p class="muted">None.</p>`
        : html`<table><thead><tr><th scope="col">Code</th><th scope="col" class="num">Hits</th></tr></thead><tbody>${sc.top_probed_codes.map((r) => html`<tr><td class="code">${r.short_code}</td><td class="num">${r.hits}</td></tr>`)}</tbody></table>`
    }</section>
  </div>`
  }
</section>`,
  )
}
