import { describe, expect, it } from 'vitest'
import type { ClickRecord } from '../src/click-record.js'
import { buildRollup } from '../src/stats/click-rollup.js'

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
const HOUR = 3_600_000
const t0 = Date.UTC(2026, 10, 27, 9, 5)
const salts = new Map([
  ['2026-11-27', Buffer.from('00112233445566778899aabbccddeeff', 'hex')],
  ['2026-11-26', Buffer.from('ffeeddccbbaa99887766554433221100', 'hex')],
])

// The pending rows of a small known batch, as the writer sent them before session 7's rewrite of buildRollup
// (docs/decisions/2026-11-27-click-stats.md): the visitor hashes are those already stored, so they must not change.
describe('buildRollup', () => {
  it('builds the same pending rows, keys, counts and visitor hashes as before', () => {
    const records: ClickRecord[] = [
      [t0, 'a', 302, '198.51.100.1', CHROME, 'https://www.google.com/search?q=x', 1, 7],
      [t0 + 1000, 'a', 302, '198.51.100.1', CHROME, null, 1, 7], // the same visitor again
      [t0 + HOUR, 'a', 302, '198.51.100.1', CHROME, 'https://t.co/abc', 1, 7], // next hour: counted in its first hour only
      [t0 + HOUR + 1, 'a', 302, '198.51.100.2', IPHONE, 'https://t.co/abc', 1, 7],
      [t0 + 2, 'a', 302, '198.51.100.3', GOOGLEBOT, null, 1, 7], // a bot: no visitor
      [t0 + 3, 'a', 302, '198.51.100.4', null, 'not a url', 1, 7], // no agent: a bot; referrer unknown
      [t0 + 4, 'a', 302, '198.51.100.5', '  ', null, 1, 7], // blank agent: a bot
      [t0 + 5, 'x', 404, '198.51.100.6', CHROME, null, null, null], // no statistics
      [t0 + 6, 'a', 410, '198.51.100.6', CHROME, null, 1, 7], // no statistics
      [t0 + 7, 'b', 302, '198.51.100.1', CHROME, 'https://news.ycombinator.com/item?id=1', 2, null], // same visitor, another link
      [t0 + 8, 'b', 302, '198.51.100.7', 'odd\x1fagent', 'https://www.reddit.com/r/x/', 2, null],
      [t0 - 10 * HOUR, 'a', 302, '198.51.100.1', CHROME, null, 1, 7], // yesterday: that day's salt
      [t0 - 3 * 24 * HOUR, 'a', 302, '198.51.100.1', CHROME, null, 1, 7], // no salt: counted, no visitor
    ]
    expect(buildRollup(records, salts)).toEqual({
      url: [1, 1, 2, 1, 1],
      hour: [1795770000000, 1795773600000, 1795770000000, 1795734000000, 1795510800000],
      clicks: [5, 2, 2, 1, 1],
      humans: [2, 2, 1, 1, 1],
      bots: [3, 0, 1, 0, 0],
      keys: [
        'r:google.com\x1fr:direct\x1fr:unknown\x1fb:Chrome\x1fo:Windows\x1fd:desktop\x1fb:unknown\x1fo:unknown\x1fd:bot',
        'r:t.co\x1fb:Chrome\x1fo:Windows\x1fd:desktop\x1fb:Mobile Safari\x1fo:iOS\x1fd:mobile',
        'r:news.ycombinator.com\x1fr:reddit.com\x1fb:Chrome\x1fo:Windows\x1fd:desktop\x1fb:unknown\x1fo:unknown\x1fd:bot',
        'r:direct\x1fb:Chrome\x1fo:Windows\x1fd:desktop',
        'r:direct\x1fb:Chrome\x1fo:Windows\x1fd:desktop',
      ],
      counts: ['{1,3,1,2,2,2,3,3,3}', '{2,1,1,1,1,1,1}', '{1,1,1,1,1,1,1,1}', '{1,1,1,1}', '{1,1,1,1}'],
      visitors: ['{-1659842741695391356}', '{6278387992383870942}', '{-1659842741695391356}', '{9159674106750702760}', '{}'],
    })
  })
})
