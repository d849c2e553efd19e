import { type Html, html } from '../html.js'
import type { SessionData } from '../session/session-store.js'

export type PageOptions = {
  title: string
  session?: SessionData
  /** The nav entry to mark as the current page. */
  current?: 'links' | 'new' | 'quarantine' | 'risk' | 'status'
  /** A plain-words message shown above the content (role=alert for errors). */
  error?: string
  notice?: string
}

const navLink = (href: string, label: string, here: boolean) =>
  html`<a href="${href}"${here ? html` aria-current="page"` : ''}>${label}</a>`

/** Every page's frame: skip link, header with navigation and sign-out, a main landmark, our CSS and JS only. */
export function layout(opts: PageOptions, body: Html): Html {
  const s = opts.session
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · GhostLink</title>
<link rel="stylesheet" href="/app/static/app.css">
<script src="/app/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/app/">GhostLink</a>
  ${
    s
      ? html`<nav aria-label="Main">
    ${navLink('/app/links', 'My links', opts.current === 'links')}
    ${navLink('/app/links/new', 'New link', opts.current === 'new')}
    ${
      s.admin
        ? [
            navLink('/app/ops/quarantine', 'Quarantine', opts.current === 'quarantine'),
            navLink('/app/ops/risk', 'Risk', opts.current === 'risk'),
            navLink('/app/ops/status', 'Status', opts.current === 'status'),
          ]
        : ''
    }
  </nav>
  <form method="post" action="/app/logout" class="signout">
    <input type="hidden" name="_csrf" value="${s.csrf}">
    <span class="who">${s.user.username}${s.admin ? ' (admin)' : ''}</span>
    <button type="submit" class="link-button">Sign out</button>
  </form>`
      : ''
  }
</header>
<main id="main" tabindex="-1">
${opts.error ? html`<div class="message error" role="alert">${opts.error}</div>` : ''}
${opts.notice ? html`<div class="message notice" role="status">${opts.notice}</div>` : ''}
${body}
</main>
</body>
</html>`
}

/** The hidden CSRF field every form of a signed-in page carries. */
export const csrfField = (s: SessionData) => html`<input type="hidden" name="_csrf" value="${s.csrf}">`
