import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { prepareNginx, nginxArgs } from '../../infra/scripts/render-nginx.mjs'
import { freePort } from '../redirect/load.js'
import { startChild, stopChild, warm } from '../redirect/load.js'
import { importFromRedirect } from '../redirect/resolve.js'
const { createTestDatabase, cleanRedisPrefix, TEST_REDIS_URL } = await importFromRedirect<any>('@ghostlink/testing')
const { createDb, closeDb, urls } = await importFromRedirect<any>('@ghostlink/db')
const tdb = await createTestDatabase(); const db = createDb(tdb.url, 2)
const codes = Array.from({ length: 1000 }, (_, i) => `b${i}`)
await db.insert(urls).values(codes.map((c, j) => ({ short_code: c, original_url: `https://example.com/landing/${j}` })))
const prefix = `glprobe:${process.pid}:`
const r = await startChild('apps/redirect/dist/server.js', { DATABASE_URL: tdb.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', CLICK_CONSUMER: 'off', LOCAL_CACHE_TTL_MS: '600000' })
const c = await startChild('bench/redirect/ceiling-server.ts', {})
await warm(r.base, codes); await warm(c.base, codes)
const ngx: any[] = []
const bases: Record<string,string> = {}
for (const cache of ['off', 'redirect_cache']) {
  const port = await freePort()
  const p = prepareNginx(mkdtempSync('/tmp/glp-'), { NGINX_LISTEN: `127.0.0.1:${port}`, NGINX_WORKER_PROCESSES: 'auto', NGINX_REDIRECT_CACHE: cache, REDIRECT_UPSTREAM_1: r.base.slice(7), REDIRECT_UPSTREAM_2: r.base.slice(7), RATE_LIMIT_REDIRECT: '100000000r/s', RATE_LIMIT_REDIRECT_BURST: '1000000' })
  spawnSync('nginx', nginxArgs(p)); ngx.push(p); bases[cache] = `http://127.0.0.1:${port}`
}
await new Promise((res) => setTimeout(res, 500))
const w = (base: string) => execFileSync('wrk', ['-t1', '-c100', '-d3s', '-s', 'bench/front/codes.lua', base], { encoding: 'utf8', env: { ...process.env, BENCH_UA: 'Mozilla/5.0 x' } }).split('\n').find((l) => l.startsWith('WRK_JSON'))
for (let i = 0; i < 2; i++) { console.log('ceiling', w(c.base)); console.log('replica', w(r.base)); console.log('nginx-nocache', w(bases.off!)); console.log('nginx-cache', w(bases.redirect_cache!)) }
for (const p of ngx) spawnSync('nginx', [...nginxArgs(p), '-s', 'stop'])
await stopChild(r); await stopChild(c); await closeDb(db); await cleanRedisPrefix(prefix); await tdb.drop()
