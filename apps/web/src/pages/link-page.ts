import { clicksChart } from '../charts/clicks-chart.js'
import { type Html, html } from '../html.js'
import type { LinkStats, RiskView, UrlObject } from '../links-model.js'
import type { SessionData } from '../session/session-store.js'
import { stateBadge, tierBadge } from './badges.js'
import { csrfField, layout } from './layout.js'

export const RANGES = {
  '24h': { label: 'Last 24 hours', hours: 24, interval: 'hour' },
  '7d': { label: 'Last 7 days', hours: 24 * 7, interval: 'day' },
  '30d': { label: 'Last 30 days', hours: 24 * 30, interval: 'day' },
} as const
export type RangeName = keyof typeof RANGES

export type LinkPageData = {
  session: SessionData
  link: UrlObject & { quarantined: boolean }
  shortUrl: string
  range: RangeName
  stats?: LinkStats
  statsError?: string
  risk?: RiskView
  notice?: string
  error?: string
}

const breakdown = (title: string, column: string, rows: Array<{ label: string | null; clicks: number }>) => html`<section class="breakdown">
  <h3>${title}</h3>
  ${
    rows.length === 0
      ? html`<p class="muted">None yet.</p>`
      : html`<table><thead><tr><th scope="col">${column}</th><th scope="col" class="num">Clicks</th></tr></thead><tbody>
      ${rows.map((r) => html`<tr><td>${r.label ?? '(none)'}</td><td class="num">${r.clicks}</td></tr>`)}
    </tbody></table>`
  }
</section>`

function statsSection(d: LinkPageData): Html {
  const tabs = html`<nav class="tabs" aria-label="Period">${(Object.keys(RANGES) as RangeName[]).map(
    (r) => html`<a href="/app/links/${d.link.id}?range=${r}"${r === d.range ? html` aria-current="page"` : ''}>${RANGES[r].label}</a>`,
  )}</nav>`
  if (!d.stats)
    return html`<section class="card"><h2>Clicks</h2>${tabs}<p class="message error" role="alert">${d.statsError ?? 'No statistics.'}</p></section>`
  const s = d.stats
  return html`<section class="card" aria-labelledby="stats-h">
<h2 id="stats-h">Clicks</h2>
${tabs}
<dl class="figures">
  <div><dt>Clicks</dt><dd data-testid="total-clicks">${s.total}</dd></div>
  <div><dt>Humans</dt><dd>${s.humans}</dd></div>
  <div><dt>Bots</dt><dd>${s.bots}</dd></div>
  <div><dt>Unique visitors</dt><dd>${s.unique_visitors}</dd></div>
</dl>
${clicksChart(s.series, s.interval, `Clicks per ${s.interval}, ${RANGES[d.range].label.toLowerCase()} (UTC).`)}
<div class="breakdowns">
  ${breakdown(
    'Referrers',
    'Source',
    s.referrers.map((r) => ({ label: r.host, clicks: r.clicks })),
  )}
  ${breakdown(
    'Browsers',
    'Browser',
    s.browsers.map((r) => ({ label: r.name, clicks: r.clicks })),
  )}
  ${breakdown(
    'Operating systems',
    'System',
    s.os.map((r) => ({ label: r.name, clicks: r.clicks })),
  )}
  ${breakdown(
    'Devices',
    'Device',
    s.devices.map((r) => ({ label: r.type, clicks: r.clicks })),
  )}
</div>
</section>`
}

const describeOptions = (l: UrlObject) => [
  html`<div><dt>Redirect</dt><dd>${l.redirect_type ?? 302}${l.redirect_type ? '' : ' (default)'}</dd></div>`,
  html`<div><dt>Query forwarding</dt><dd>${l.forward_query ? 'on' : 'off'}</dd></div>`,
  html`<div><dt>Expires</dt><dd>${l.expires_at ? new Date(l.expires_at).toUTCString() : 'never'}</dd></div>`,
  html`<div><dt>Click limit</dt><dd>${l.max_clicks ?? 'none'}</dd></div>`,
]

export function linkPage(d: LinkPageData) {
  const l = d.link
  return layout(
    { title: `Link ${l.short_code}`, session: d.session, current: 'links', notice: d.notice, error: d.error },
    html`<div class="heading-row">
  <h1>Link <span class="code">${l.short_code}</span> ${stateBadge(l)}</h1>
</div>
<div class="grid-2">
<section class="card" aria-labelledby="link-h">
  <h2 id="link-h" class="visually-hidden">Details</h2>
  <p class="short-url"><a href="${d.shortUrl}" data-testid="short-url">${d.shortUrl}</a>
    <button type="button" class="copy" data-copy="${d.shortUrl}">Copy short link</button></p>
  ${l.title ? html`<p><strong>${l.title}</strong></p>` : ''}
  <p class="dest">→ <a href="${l.original_url}" rel="noopener noreferrer">${l.original_url}</a></p>
  <dl class="options">${describeOptions(l)}</dl>
  <div class="actions">
    <a class="button" href="/app/links/${l.id}/edit">Edit</a>
    <form method="post" action="/app/links/${l.id}/${l.is_active ? 'deactivate' : 'reactivate'}">
      ${csrfField(d.session)}<button type="submit" class="secondary">${l.is_active ? 'Deactivate' : 'Reactivate'}</button>
    </form>
    <a class="button danger" href="/app/links/${l.id}/delete">Delete…</a>
  </div>
</section>
<section class="card qr" aria-labelledby="qr-h">
  <h2 id="qr-h">QR code</h2>
  <img src="/app/links/${l.id}/qr.svg" alt="QR code for ${d.shortUrl}" width="180" height="180">
  <p><a href="/app/links/${l.id}/qr.svg" download="${l.short_code}.svg">Download SVG</a></p>
</section>
</div>
${statsSection(d)}
<section class="card" aria-labelledby="risk-h">
  <h2 id="risk-h">Risk</h2>
  ${
    d.risk
      ? html`<p>${tierBadge(d.risk.tier)} score ${d.risk.score} / 100</p>${signalList(d.risk.signals)}`
      : html`<p class="muted">No risk score available.</p>`
  }
</section>`,
  )
}

export const signalList = (signals: Record<string, unknown>) => {
  const entries = Object.entries(signals)
  if (entries.length === 0) return html`<p class="muted">No risk signals.</p>`
  return html`<ul class="signals">${entries.map(([k, v]) => html`<li><code>${k.replace(/_/g, ' ')}</code>: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}</li>`)}</ul>`
}

export function deletePage(session: SessionData, link: UrlObject, shortUrl: string) {
  return layout(
    { title: `Delete ${link.short_code}`, session, current: 'links' },
    html`<section class="card narrow">
<h1>Delete <span class="code">${link.short_code}</span>?</h1>
<p>${shortUrl} will stop redirecting to <span class="dest">${link.original_url}</span>. Its statistics are kept.</p>
<form method="post" action="/app/links/${link.id}/delete" class="actions">
  ${csrfField(session)}
  <button type="submit" class="danger">Yes, delete this link</button>
  <a href="/app/links/${link.id}">Cancel</a>
</form>
</section>`,
  )
}
