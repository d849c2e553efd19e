import { describe, expect, it } from 'vitest'
import { ApiError } from '../src/api-client.js'
import { plainError } from '../src/api-errors.js'
import { clicksChart, niceMax } from '../src/charts/clicks-chart.js'
import { html, raw } from '../src/html.js'
import { fromUrlObject, LinkFormBody, toApiBody } from '../src/link-form.js'
import { linksPage } from '../src/pages/links-page.js'

const session = { key: 'gl_secret', csrf: 'c'.repeat(43), user: { id: 1, username: '<ada>', email: 'a@b.c' }, admin: false, created_at: '' }

describe('html', () => {
  it('escapes every interpolated value unless it is our own markup', () => {
    const evil = `<script>alert("x")</script>&'`
    expect(String(html`<p title="${evil}">${evil}</p>`)).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    )
    expect(String(html`<ul>${['<a>', html`<li>${'<b>'}</li>`, raw('<hr>'), null, false, 0]}</ul>`)).toBe(
      '<ul>&lt;a&gt;<li>&lt;b&gt;</li><hr>0</ul>',
    )
  })

  it('renders a list page with user text escaped and never the key', () => {
    const page = String(
      linksPage({
        session,
        q: '"><img src=x>',
        state: 'all',
        page: 1,
        perPage: 25,
        total: 1,
        baseUrl: 'https://gl.example',
        items: [
          {
            id: 7,
            short_code: 'abc',
            original_url: 'https://e.com/?a=<b>',
            title: '<i>t</i>',
            is_active: true,
            quarantined: false,
            clicks_7d: 3,
            risk_tier: 'WATCHLIST',
            risk_score: 40,
            created_at: '',
          },
        ],
      }),
    )
    expect(page).not.toContain('<img src=x>')
    expect(page).not.toContain('<i>t</i>')
    expect(page).toContain('&lt;i&gt;t&lt;/i&gt;')
    expect(page).toContain('data-copy="https://gl.example/abc"')
    expect(page).toContain('&lt;ada&gt;')
    expect(page).not.toContain('gl_secret')
    expect(page).toContain(`name="_csrf" value="${session.csrf}"`)
  })
})

describe('link form', () => {
  const form = (v: Record<string, string>) => LinkFormBody.parse(v)

  it('sends only the options that were set on create, and clears the empty ones on edit', () => {
    expect(toApiBody(form({ original_url: 'https://e.com', short_code: 'abc', title: '' }), 'create')).toEqual({
      body: { original_url: 'https://e.com', short_code: 'abc', title: null },
    })
    expect(
      toApiBody(
        form({ original_url: 'https://e.com', redirect_type: '308', forward_query: 'on', expires_at: '2030-05-01T10:30', max_clicks: '5' }),
        'create',
      ),
    ).toEqual({
      body: {
        original_url: 'https://e.com',
        title: null,
        redirect_type: 308,
        forward_query: true,
        expires_at: '2030-05-01T10:30:00.000Z',
        max_clicks: 5,
      },
    })
    expect(toApiBody(form({ original_url: 'https://e.com', short_code: 'abc', title: 'T' }), 'edit')).toEqual({
      body: { original_url: 'https://e.com', title: 'T', redirect_type: null, forward_query: false, expires_at: null, max_clicks: null },
    })
  })

  it('refuses what cannot be sent, in plain words, and ignores an unknown redirect type', () => {
    expect(toApiBody(form({ original_url: 'https://e.com', max_clicks: '0' }), 'create')).toEqual({
      problem: expect.stringMatching(/at least 1/),
    })
    expect(toApiBody(form({ original_url: 'https://e.com', max_clicks: '2.5' }), 'create')).toHaveProperty('problem')
    expect(toApiBody(form({ original_url: 'https://e.com', expires_at: 'soon' }), 'create')).toEqual({
      problem: expect.stringMatching(/expiry/),
    })
    expect(form({ redirect_type: '303' }).redirect_type).toBe('')
  })

  it('round-trips a URL object into the edit form', () => {
    const v = fromUrlObject({
      original_url: 'https://e.com',
      short_code: 'abc',
      title: null,
      redirect_type: 301,
      forward_query: true,
      expires_at: '2030-05-01T10:30:00.000Z',
      max_clicks: 9,
    })
    expect(toApiBody(v, 'edit')).toEqual({
      body: {
        original_url: 'https://e.com',
        title: null,
        redirect_type: 301,
        forward_query: true,
        expires_at: '2030-05-01T10:30:00.000Z',
        max_clicks: 9,
      },
    })
  })
})

describe('errors in plain words', () => {
  it('never shows JSON, and says what to do', () => {
    expect(plainError(new ApiError(409, 'Short code exists'))).toMatch(/already taken/)
    expect(plainError(new ApiError(400, 'Invalid max_clicks'))).toBe('Invalid max clicks. Check that field and try again.')
    expect(plainError(new ApiError(0, 'connect ECONNREFUSED'))).toMatch(/cannot be reached/)
    expect(plainError(new ApiError(503, ''))).toMatch(/unavailable/)
    expect(plainError(new ApiError(418, '{"x":1}'))).toBe('The API answered with an error (418). Try again in a moment.')
    expect(plainError(new Error('boom'))).not.toMatch(/boom/)
  })
})

describe('clicks chart', () => {
  it('scales to a round maximum and stacks bots over humans', () => {
    expect([niceMax(0), niceMax(1), niceMax(3), niceMax(7), niceMax(11), niceMax(500)]).toEqual([1, 1, 5, 10, 20, 500])
    const svg = String(
      clicksChart(
        [
          { t: '2026-01-01T00:00:00.000Z', humans: 3, bots: 1 },
          { t: '2026-01-01T01:00:00.000Z', humans: 0, bots: 0 },
        ],
        'hour',
        'Clicks <per hour>',
      ),
    )
    expect(svg.match(/class="humans"/g)).toHaveLength(1)
    expect(svg.match(/class="bots"/g)).toHaveLength(1)
    expect(svg).toContain('Clicks &lt;per hour&gt;')
    expect(svg).toContain('>00:00<')
  })
})
