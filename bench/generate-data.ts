// Writes users.csv, urls.csv and events.csv with the same columns and value shapes as the reference data
// (docs/CONTRACT.md#c-2-seed), streamed row by row so a million URLs never sit in memory. Deterministic per --seed.
//   pnpm generate-data --users 100000 --urls 1000000 --events 2000000 --out data/generated --seed 42
import { once } from 'node:events'
import { createWriteStream, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { seededRandom } from '@ghostlink/testing'

const WORDS = ['navy', 'dawn', 'ivory', 'vivid', 'amber', 'cobalt', 'ember', 'lunar', 'solar', 'misty', 'rapid', 'quiet', 'bold', 'crisp', 'golden', 'silver']
const NOUNS = ['yard', 'delta', 'valley', 'quartz', 'orbit', 'garden', 'pioneer', 'canyon', 'harbor', 'summit', 'signal', 'engine', 'river', 'forest', 'meadow', 'beacon']
const DOMAINS = ['hackstack.io', 'example.com', 'seeded.app', 'opswise.net', 'acme.dev', 'relay.cloud']
const TITLE_WORDS = ['Launch', 'deck', 'canyon', 'Quarterly', 'brief', 'engine', 'Service', 'guide', 'signal', 'Roadmap', 'notes', 'Team', 'sync', 'Design', 'review']
const UPDATE_FIELDS = ['title', 'original_url', 'is_active']
const UPDATE_VALUES = ['boosted', 'refreshed', 'archived', 'pinned', 'renamed', 'promoted']
const DELETE_REASONS = ['policy_cleanup', 'user_requested', 'expired', 'duplicate']
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

const pad = (n: number) => String(n).padStart(2, '0')
const stamp = (ms: number) => {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}
const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)

/**
 * A 6-character code unique per id: id × an odd multiplier is a bijection modulo 62^6 (62^6 is even, the
 * multiplier is coprime with it), then written in base 62. Same shape as the reference codes.
 */
const CODE_SPACE = 62 ** 6
function shortCode(id: number, salt: number): string {
  let n = Number((BigInt(id) * 1_500_450_271n + BigInt(salt)) % BigInt(CODE_SPACE))
  let s = ''
  for (let i = 0; i < 6; i++) {
    s = ALPHABET[n % 62]! + s
    n = Math.floor(n / 62)
  }
  return s
}

/** The URL of link `id`, a pure function so its `created` event can repeat it without keeping it in memory. */
const originalUrl = (id: number, seed: number) =>
  `https://${DOMAINS[(id * 7 + seed) % DOMAINS.length]}/${WORDS[(id * 13 + seed) % WORDS.length]}/${NOUNS[(id * 31 + seed) % NOUNS.length]}/${id}`

/** A writer that respects backpressure. */
function csvWriter(path: string, header: string) {
  const out = createWriteStream(path)
  out.write(`${header}\n`)
  return {
    async row(cells: unknown[]) {
      if (!out.write(`${cells.map((c) => csvCell(String(c ?? ''))).join(',')}\n`)) await once(out, 'drain')
    },
    async close() {
      out.end()
      await once(out, 'finish')
    },
  }
}

const RANGE_START = Date.UTC(2024, 0, 3)
const RANGE_END = Date.UTC(2026, 0, 29)
const EVENT_START = Date.UTC(2025, 0, 1)
const EVENT_END = Date.UTC(2026, 1, 28)

/** Generates the three files into `out`; returns their paths. Usernames/emails stay unique at any size. */
export async function generate({ users = 400, urls = 2000, events = 3422, out = 'data/generated', seed = 1 } = {}) {
  mkdirSync(out, { recursive: true })
  const rand = seededRandom(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!
  const between = (a: number, b: number) => a + Math.floor(rand() * (b - a))
  const paths = { users: join(out, 'users.csv'), urls: join(out, 'urls.csv'), events: join(out, 'events.csv') }

  const u = csvWriter(paths.users, 'id,username,email,created_at')
  for (let id = 1; id <= users; id++) {
    // <word><noun><id>: the reference uses <word><2 digits>; the id suffix keeps millions of names unique
    const username = `${pick(WORDS)}${pick(NOUNS)}${id}`
    await u.row([id, username, `${username}@${pick(DOMAINS)}`, stamp(between(RANGE_START, RANGE_END))])
  }
  await u.close()

  // Each URL's owner and creation time are needed again by its events; two typed arrays cost 8 bytes per URL.
  const owner = new Int32Array(urls + 1)
  const created = new Float64Array(urls + 1)
  const l = csvWriter(paths.urls, 'id,user_id,short_code,original_url,title,is_active,created_at,updated_at')
  for (let id = 1; id <= urls; id++) {
    owner[id] = users > 0 ? between(1, users + 1) : 0
    created[id] = between(RANGE_START, RANGE_END)
    const first = pick(TITLE_WORDS)
    const title = `${first[0]!.toUpperCase()}${first.slice(1)} ${pick(TITLE_WORDS).toLowerCase()} ${pick(TITLE_WORDS).toLowerCase()}`
    await l.row([
      id,
      owner[id] || '',
      shortCode(id, seed),
      originalUrl(id, seed),
      title,
      rand() < 0.81 ? 'True' : 'False',
      stamp(created[id]!),
      stamp(between(created[id]!, RANGE_END + 30 * 86_400_000)),
    ])
  }
  await l.close()

  // One `created` event per URL first (like the reference), then `updated` (85 %) and `deleted` (15 %).
  const e = csvWriter(paths.events, 'id,url_id,user_id,event_type,timestamp,details')
  for (let id = 1; id <= events && urls > 0; id++) {
    const urlId = id <= urls ? id : between(1, urls + 1)
    const userId = owner[urlId] || ''
    if (id <= urls) {
      const code = shortCode(urlId, seed)
      await e.row([id, urlId, userId, 'created', stamp(created[urlId]!), JSON.stringify({ short_code: code, original_url: originalUrl(urlId, seed) })])
    } else if (rand() < 0.85) {
      const field = pick(UPDATE_FIELDS)
      const value = field === 'original_url' ? `https://${pick(DOMAINS)}/${pick(WORDS)}/${urlId}` : pick(UPDATE_VALUES)
      await e.row([id, urlId, userId, 'updated', stamp(between(EVENT_START, EVENT_END)), JSON.stringify({ field, new_value: value })])
    } else {
      await e.row([id, urlId, userId, 'deleted', stamp(between(EVENT_START, EVENT_END)), JSON.stringify({ reason: pick(DELETE_REASONS) })])
    }
  }
  await e.close()
  return paths
}

async function main() {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '400' },
      urls: { type: 'string', default: '2000' },
      events: { type: 'string', default: '3422' },
      out: { type: 'string', default: 'data/generated' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log('usage: pnpm generate-data [--users N] [--urls M] [--events K] [--out DIR] [--seed S]')
    return
  }
  const num = (name: 'users' | 'urls' | 'events' | 'seed') => {
    const n = Number(values[name])
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${values[name]}`)
    return n
  }
  const started = performance.now()
  const paths = await generate({ users: num('users'), urls: num('urls'), events: num('events'), out: resolve(values.out!), seed: num('seed') })
  console.log(`wrote ${Object.values(paths).join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err.message)
    process.exit(1)
  })
}
