// The web dashboard driven by a real Chromium through the real platform (api, redirect, click writer, web, nginx;
// real Postgres and Redis): sign in, create a link with options, follow the short link, see the click in the chart,
// quarantine the code as an admin and see it answer 410. Screenshots of each page go to apps/web/screenshots/.
import { redisKeys } from '@ghostlink/redis'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, screenshot } from './helpers/browser.js'
import { apiCall, type Platform, startPlatform } from './helpers/platform.js'

type User = { id: number; username: string }
type Key = { key: string }

let platform: Platform
let browser: Browser
let userKey: string
let user: User

beforeAll(async () => {
  platform = await startPlatform('web-browser')
  browser = await launchChromium()
  user = await apiCall<User>(platform, platform.adminKey, 'POST', '/users', { username: 'ada', email: 'ada@example.com' })
  userKey = (await apiCall<Key>(platform, platform.adminKey, 'POST', `/users/${user.id}/keys`, { name: 'dashboard' })).key
})

afterAll(async () => {
  if (process.env.WEB_E2E_LOGS) for (const app of platform?.apps ?? []) console.log(`--- ${app.name}\n${app.output()}`)
  await browser?.close()
  await platform?.stop()
})

async function signIn(context: BrowserContext, key: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${platform.edge}/app/`)
  await page.getByLabel('API key').fill(key)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(/\/app\/links$/)
  return page
}

describe('web dashboard in Chromium', () => {
  let owner: BrowserContext
  let page: Page
  let linkUrl: string
  let code: string

  it('signs in with an API key: the cookie holds a random session id (httpOnly, SameSite=Strict), the key stays in Redis', async () => {
    owner = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const login = await owner.newPage()
    await login.goto(`${platform.edge}/app/`)
    await expect.poll(() => login.url()).toMatch(/\/app\/login$/)
    await screenshot(login, '01-sign-in')

    // a wrong key is refused in plain words
    await login.getByLabel('API key').fill('gl_notakey000000000000000000000000000')
    await login.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => login.getByRole('alert').textContent()).toMatch(/not valid/)
    await login.close()

    page = await signIn(owner, userKey)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('My links')
    await screenshot(page, '02-links-empty')

    const cookie = (await owner.cookies()).find((c) => c.name === 'gl_session')!
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/app', secure: false })
    expect(cookie.value).not.toContain(userKey)
    const stored = await platform.env.redis.get(redisKeys(platform.env.prefix).webSession(cookie.value))
    expect(JSON.parse(stored!)).toMatchObject({ key: userKey, user: { id: user.id }, admin: false })
    expect(await platform.env.redis.ttl(redisKeys(platform.env.prefix).webSession(cookie.value))).toBeGreaterThan(0)
  })

  it('marks the session cookie Secure when the browser came over https (X-Forwarded-Proto from the trusted edge)', async () => {
    const https = { 'x-forwarded-proto': 'https' }
    const form = await fetch(`${platform.web}/app/login`, { headers: https })
    const loginCookie = form.headers.getSetCookie().find((c) => c.startsWith('gl_login_csrf='))!
    expect(loginCookie).toMatch(/; Secure/)
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!
    const res = await fetch(`${platform.web}/app/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...https, 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie.split(';')[0]! },
      body: new URLSearchParams({ _csrf: csrf, key: userKey }),
    })
    expect(res.status).toBe(303)
    const session = res.headers.getSetCookie().find((c) => c.startsWith('gl_session='))!
    expect(session).toMatch(/; HttpOnly/)
    expect(session).toMatch(/; SameSite=Strict/)
    expect(session).toMatch(/; Secure/)
    // a sign-in form posted without its token is refused
    const forged = await fetch(`${platform.web}/app/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: userKey }),
    })
    expect(forged.status).toBe(403)
  })

  it('ends the session when its key is revoked', async () => {
    const spare = await apiCall<{ id: number; key: string }>(platform, platform.adminKey, 'POST', `/users/${user.id}/keys`, {
      name: 'spare',
    })
    const context = await browser.newContext()
    const p = await signIn(context, spare.key)
    await apiCall(platform, platform.adminKey, 'DELETE', `/keys/${spare.id}`)
    await new Promise((r) => setTimeout(r, 1_100)) // AUTH_CACHE_TTL_MS: a revoked key stops working within 1 s
    const res = await p.goto(`${platform.edge}/app/links`)
    expect(res?.status()).toBe(401)
    expect(await p.locator('main').textContent()).toMatch(/no longer accepted/)
    await p.goto(`${platform.edge}/app/links`)
    expect(p.url()).toMatch(/\/app\/login$/)
    await context.close()
  })

  it('refuses a POST without the session CSRF token', async () => {
    const res = await owner.request.post(`${platform.edge}/app/links`, { form: { original_url: 'https://example.com/x' }, maxRedirects: 0 })
    expect(res.status()).toBe(403)
    expect(await res.text()).toMatch(/This form is out of date/)
    const links = await apiCall<unknown[]>(platform, userKey, 'GET', '/urls')
    expect(links).toEqual([])
  })

  it('creates a link with every option and shows it', async () => {
    await page.getByRole('link', { name: 'New link' }).first().click()
    await page.getByLabel('Destination address').fill(`${platform.destination}/landing`)
    await page.getByLabel('Title').fill('Spring <sale> & more')
    await page.getByLabel('Redirect type').selectOption('307')
    await page.getByLabel(/Forward the query string/).check()
    await page.getByLabel(/Expires at/).fill('2099-01-01T12:00')
    await page.getByLabel(/Click limit/).fill('50')
    await screenshot(page, '03-new-link')
    await page.getByRole('button', { name: 'Create link' }).click()
    await page.waitForURL(/\/app\/links\/\d+\?done=created$/)
    linkUrl = page.url().replace(/\?.*$/, '')
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Link created.')
    code = (await page.getByTestId('short-url').textContent())!.split('/').pop()!
    expect(code).toMatch(/^[A-Za-z0-9]+$/)

    // the API holds what the form said (issue 14's options), and the title's markup was escaped on the page
    const id = Number(linkUrl.split('/').pop())
    const link = await apiCall<Record<string, unknown>>(platform, userKey, 'GET', `/urls/${id}`)
    expect(link).toMatchObject({
      redirect_type: 307,
      forward_query: true,
      max_clicks: 50,
      expires_at: '2099-01-01T12:00:00.000Z',
      title: 'Spring <sale> & more',
    })
    expect(await page.locator('main strong').first().textContent()).toBe('Spring <sale> & more')
    const options = await page.locator('dl.options').textContent()
    expect(options).toMatch(/307/)
    expect(options).toMatch(/50/)
    await screenshot(page, '04-link-created')
  })

  it('follows the short link through the edge to the destination, with the query forwarded', async () => {
    const visitor = await browser.newContext()
    const tab = await visitor.newPage()
    const res = await tab.goto(`${platform.edge}/${code}?utm_source=browser-test`)
    expect(res?.status()).toBe(200)
    expect(tab.url()).toBe(`${platform.destination}/landing?utm_source=browser-test`)
    expect(await tab.locator('h1').textContent()).toBe('Landing page')
    // the first hop was the edge's 307 (issue 14's redirect_type)
    expect((await res!.request().redirectedFrom()?.response())?.status()).toBe(307)
    await screenshot(tab, '05-destination')
    await visitor.close()
  })

  it('shows the click in the chart of the link page', async () => {
    await expect
      .poll(
        async () => {
          await page.goto(`${linkUrl}?range=24h`)
          return page.getByTestId('total-clicks').textContent()
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('1')
    expect(await page.locator('figure.chart svg rect.humans, figure.chart svg rect.bots').count()).toBe(1)
    expect(await page.locator('section.breakdown').count()).toBe(4)
    await screenshot(page, '06-link-stats')

    await page.goto(`${platform.edge}/app/links`)
    const row = page.locator('tbody tr', { hasText: code })
    expect(await row.locator('td[data-label="Clicks (7 days)"]').textContent()).toBe('1')
    await screenshot(page, '07-links-list')
  })

  it('edits, deactivates and reactivates the link', async () => {
    await page.goto(`${linkUrl}/edit`)
    await page.getByLabel('Title').fill('Spring sale')
    await page.getByLabel(/Click limit/).fill('')
    await screenshot(page, '08-edit-link')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.waitForURL(/done=saved/)
    const id = Number(linkUrl.split('/').pop())
    const edited = await apiCall<Record<string, unknown>>(platform, userKey, 'GET', `/urls/${id}`)
    expect(edited.title).toBe('Spring sale')
    expect(edited).not.toHaveProperty('max_clicks')

    await page.getByRole('button', { name: 'Deactivate' }).click()
    await page.waitForURL(/done=deactivated/)
    expect(await page.locator('h1 .badge').textContent()).toBe('Inactive')
    expect((await fetch(`${platform.edge}/${code}`, { redirect: 'manual' })).status).toBe(410)
    await page.getByRole('button', { name: 'Reactivate' }).click()
    await page.waitForURL(/done=reactivated/)
    expect(await page.locator('h1 .badge').textContent()).toBe('Active')
  })

  it('explains errors in plain words: a refused form keeps what was typed, an unknown link is a 404 page', async () => {
    await page.goto(`${platform.edge}/app/links/new`)
    await page.getByLabel('Destination address').fill(`${platform.destination}/other`)
    await page.getByLabel(/Short code/).fill(code)
    await page.getByRole('button', { name: 'Create link' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/already taken/)
    expect(await page.getByLabel('Destination address').inputValue()).toBe(`${platform.destination}/other`)
    await screenshot(page, '09-form-error')

    const res = await page.goto(`${platform.edge}/app/links/999999`)
    expect(res?.status()).toBe(404)
    const text = await page.locator('main').textContent()
    expect(text).toMatch(/does not exist, or it is not yours/)
    expect(text).not.toMatch(/[{}]/)
    await screenshot(page, '10-not-found')
  })

  it('keeps operator pages for admin keys', async () => {
    const res = await page.goto(`${platform.edge}/app/ops/quarantine`)
    expect(res?.status()).toBe(403)
    expect(await page.locator('main').textContent()).toMatch(/needs an admin key/)
  })

  it('fits a phone-sized screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true })
    const p = await signIn(phone, userKey)
    const width = await p.evaluate('document.documentElement.scrollWidth')
    expect(width).toBeLessThanOrEqual(375)
    await screenshot(p, '11-phone-links')
    await p.goto(linkUrl)
    expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375)
    await screenshot(p, '12-phone-link')
    await phone.close()
  })

  it('signs out: the session is gone from Redis, the key still works', async () => {
    const cookie = (await owner.cookies()).find((c) => c.name === 'gl_session')!
    await page.goto(`${platform.edge}/app/links`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/app\/login\?done=signedout$/)
    expect(await platform.env.redis.exists(redisKeys(platform.env.prefix).webSession(cookie.value))).toBe(0)
    await page.goto(`${platform.edge}/app/links`)
    expect(page.url()).toMatch(/\/app\/login$/)
    await apiCall(platform, userKey, 'GET', '/users/me')
    await owner.close()
  })

  it('lets an admin quarantine the code, with the audit trail, and the short link then answers 410', async () => {
    const ops = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const admin = await signIn(ops, platform.adminKey)
    await admin.getByRole('link', { name: 'Quarantine' }).click()
    await admin.getByLabel('Short code').fill(code)
    await admin.getByLabel('Reason').fill('phishing report')
    await admin.getByRole('button', { name: 'Quarantine' }).click()
    await admin.waitForURL(/done=quarantined/)
    const listed = admin.locator('section', { has: admin.getByRole('heading', { name: /Quarantined codes/ }) })
    expect(await listed.locator('tbody tr').first().textContent()).toMatch(new RegExp(`${code}.*phishing report`, 's'))
    const audit = admin.locator('section', { has: admin.getByRole('heading', { name: 'Audit trail' }) })
    expect(await audit.locator('tbody tr').first().textContent()).toMatch(new RegExp(`quarantine.*${code}`, 's'))
    await screenshot(admin, '13-quarantine')

    const visitor = await browser.newContext()
    const tab = await visitor.newPage()
    await expect.poll(async () => (await tab.goto(`${platform.edge}/${code}`))?.status(), { timeout: 15_000, interval: 300 }).toBe(410)
    expect(await tab.locator('body').textContent()).toMatch(/quarantined/)
    await screenshot(tab, '14-quarantined-410')
    await visitor.close()

    // the owner's list shows the state; the operator pages render
    const row = await apiCall<{ items: { quarantined: boolean }[] }>(platform, platform.adminKey, 'GET', `/dashboard/links?q=${code}`)
    expect(row.items[0]?.quarantined).toBe(true)
    await admin.getByRole('link', { name: 'Risk' }).click()
    expect(await admin.getByRole('heading', { level: 1 }).textContent()).toBe('Links by risk tier')
    await admin.getByRole('link', { name: /^SAFE/ }).click()
    await screenshot(admin, '15-risk')
    await admin.getByRole('link', { name: 'Status' }).click()
    expect(await admin.getByRole('heading', { name: 'Suspicious clients' }).count()).toBe(1)
    await screenshot(admin, '16-status')

    // release, from the same page
    await admin.goto(`${platform.edge}/app/ops/quarantine`)
    admin.once('dialog', (d) => void d.accept())
    await admin.getByRole('button', { name: 'Release' }).click()
    await admin.waitForURL(/done=released/)
    expect(await admin.locator('main').textContent()).toMatch(/No code is quarantined/)
    await ops.close()
  })
})
