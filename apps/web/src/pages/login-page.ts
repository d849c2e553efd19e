import { html } from '../html.js'
import { layout } from './layout.js'

export function loginPage(csrf: string, error?: string, notice?: string) {
  return layout(
    { title: 'Sign in', error, notice },
    html`<section class="card narrow">
  <h1>Sign in</h1>
  <p>Sign in with your GhostLink API key. It stays on our server for this session only; it is never stored in your browser.</p>
  <form method="post" action="/app/login">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label for="key">API key</label>
    <input id="key" name="key" type="password" autocomplete="off" required spellcheck="false" placeholder="gl_…">
    <button type="submit">Sign in</button>
  </form>
</section>`,
  )
}
