import { html } from '../html.js'
import type { DashboardLink } from '../links-model.js'
import type { SessionData } from '../session/session-store.js'
import { layout } from './layout.js'
import { stateBadge, tierBadge } from './badges.js'

export type LinksPageData = {
  session: SessionData
  q: string
  state: string
  page: number
  perPage: number
  total: number
  items: DashboardLink[]
  baseUrl: string
  error?: string
  notice?: string
}

const STATES = [
  ['all', 'All'],
  ['active', 'Active'],
  ['inactive', 'Inactive'],
  ['expired', 'Expired'],
  ['quarantined', 'Quarantined'],
] as const

const pageHref = (d: LinksPageData, page: number) => {
  const p = new URLSearchParams()
  if (d.q) p.set('q', d.q)
  if (d.state !== 'all') p.set('state', d.state)
  if (page > 1) p.set('page', String(page))
  const s = p.toString()
  return `/app/links${s ? `?${s}` : ''}`
}

export function linksPage(d: LinksPageData) {
  const pages = Math.max(1, Math.ceil(d.total / d.perPage))
  const shortUrl = (code: string) => `${d.baseUrl}/${code}`
  return layout(
    { title: 'My links', session: d.session, current: 'links', error: d.error, notice: d.notice },
    html`<div class="heading-row">
  <h1>My links</h1>
  <a class="button" href="/app/links/new">New link</a>
</div>
<form method="get" action="/app/links" class="search" role="search">
  <label for="q">Search</label>
  <input id="q" name="q" type="search" value="${d.q}" placeholder="code, destination or title">
  <label for="state">State</label>
  <select id="state" name="state">
    ${STATES.map(([v, label]) => html`<option value="${v}"${d.state === v ? html` selected` : ''}>${label}</option>`)}
  </select>
  <button type="submit">Search</button>
</form>
<p class="count" aria-live="polite">${d.total} ${d.total === 1 ? 'link' : 'links'}${d.q ? html` matching “${d.q}”` : ''}</p>
${
  d.items.length === 0
    ? html`<p class="empty">No links here yet. <a href="/app/links/new">Create one</a>.</p>`
    : html`<div class="table-wrap"><table class="links">
  <caption class="visually-hidden">Your links, newest first</caption>
  <thead><tr><th scope="col">Code</th><th scope="col">Destination</th><th scope="col">State</th><th scope="col" class="num">Clicks (7 days)</th><th scope="col">Risk</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
  <tbody>
  ${d.items.map(
    (l) => html`<tr>
    <td data-label="Code"><a href="/app/links/${l.id}" class="code">${l.short_code}</a>${l.title ? html`<div class="sub">${l.title}</div>` : ''}</td>
    <td data-label="Destination" class="dest"><span title="${l.original_url}">${l.original_url}</span></td>
    <td data-label="State">${stateBadge(l)}</td>
    <td data-label="Clicks (7 days)" class="num">${l.clicks_7d}</td>
    <td data-label="Risk">${tierBadge(l.risk_tier)}</td>
    <td data-label="Actions"><button type="button" class="copy small" data-copy="${shortUrl(l.short_code)}" aria-label="Copy short link ${shortUrl(l.short_code)}">Copy</button></td>
  </tr>`,
  )}
  </tbody>
</table></div>`
}
<nav class="pager" aria-label="Pages">
  ${d.page > 1 ? html`<a href="${pageHref(d, d.page - 1)}" rel="prev">← Previous</a>` : html`<span></span>`}
  <span>Page ${d.page} of ${pages}</span>
  ${d.page < pages ? html`<a href="${pageHref(d, d.page + 1)}" rel="next">Next →</a>` : html`<span></span>`}
</nav>`,
  )
}
