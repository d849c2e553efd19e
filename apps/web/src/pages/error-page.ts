import { html } from '../html.js'
import type { SessionData } from '../session/session-store.js'
import { layout } from './layout.js'

/** A whole page for an error: what happened in plain words and where to go next. Never a blank page or raw JSON. */
export function errorPage(title: string, message: string, session?: SessionData) {
  return layout(
    { title, session },
    html`<section class="card">
  <h1>${title}</h1>
  <p role="alert">${message}</p>
  <p><a href="/app/links">Back to my links</a></p>
</section>`,
  )
}
