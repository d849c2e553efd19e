import { html } from '../html.js'
import type { LinkFormValues } from '../link-form.js'
import type { SessionData } from '../session/session-store.js'
import { csrfField, layout } from './layout.js'

const REDIRECTS = [
  ['', 'Default (302 Found, temporary)'],
  ['301', '301 Moved Permanently'],
  ['302', '302 Found (temporary)'],
  ['307', '307 Temporary Redirect (keeps the method)'],
  ['308', '308 Permanent Redirect (keeps the method)'],
] as const

export type LinkFormPageData = { session: SessionData; mode: 'create' | 'edit'; id?: number; values: LinkFormValues; error?: string }

export function linkFormPage(d: LinkFormPageData) {
  const v = d.values
  const create = d.mode === 'create'
  return layout(
    { title: create ? 'New link' : `Edit ${v.short_code}`, session: d.session, current: create ? 'new' : 'links', error: d.error },
    html`<section class="card">
<h1>${create ? 'New link' : html`Edit <span class="code">${v.short_code}</span>`}</h1>
<form method="post" action="${create ? '/app/links' : `/app/links/${d.id}`}" class="link-form">
  ${csrfField(d.session)}
  <label for="original_url">Destination address</label>
  <input id="original_url" name="original_url" type="url" required maxlength="2048" value="${v.original_url}" placeholder="https://example.com/page">
  ${
    create
      ? html`<label for="short_code">Short code <span class="hint">(optional; letters and digits, up to 10)</span></label>
  <input id="short_code" name="short_code" maxlength="10" pattern="[A-Za-z0-9]{1,10}" value="${v.short_code}" aria-describedby="short_code_hint">
  <p id="short_code_hint" class="hint">Leave empty for a random code.</p>`
      : html`<input type="hidden" name="short_code" value="${v.short_code}">`
  }
  <label for="title">Title <span class="hint">(optional)</span></label>
  <input id="title" name="title" maxlength="255" value="${v.title}">
  <fieldset>
    <legend>Options</legend>
    <label for="redirect_type">Redirect type</label>
    <select id="redirect_type" name="redirect_type">
      ${REDIRECTS.map(([value, label]) => html`<option value="${value}"${v.redirect_type === value ? html` selected` : ''}>${label}</option>`)}
    </select>
    <div class="check">
      <input id="forward_query" name="forward_query" type="checkbox"${v.forward_query !== undefined ? html` checked` : ''}>
      <label for="forward_query">Forward the query string (<code>?utm_source=…</code>) to the destination</label>
    </div>
    <label for="expires_at">Expires at <span class="hint">(optional, UTC)</span></label>
    <input id="expires_at" name="expires_at" type="datetime-local" value="${v.expires_at}">
    <label for="max_clicks">Click limit <span class="hint">(optional; the link stops after this many clicks)</span></label>
    <input id="max_clicks" name="max_clicks" type="number" min="1" step="1" inputmode="numeric" value="${v.max_clicks}">
  </fieldset>
  <div class="actions">
    <button type="submit">${create ? 'Create link' : 'Save changes'}</button>
    <a href="${create ? '/app/links' : `/app/links/${d.id}`}">Cancel</a>
  </div>
</form>
</section>`,
  )
}
