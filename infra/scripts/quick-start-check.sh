#!/usr/bin/env bash
# The README's quick start on a fresh clone, as a new user runs it (issue 11): install from the lockfile, `pnpm start`
# with no DATABASE_* and no REDIS_URL (the embedded database in the clone's .ghostlink/), then create one link with
# the admin key the first start printed, follow it, and see its click. Called by .ci/run before `pnpm test`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/gl-quick-start-XXXXXX")"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
say() { echo "[quick-start] $*"; }

say "fresh clone of $(git -C "$repo" rev-parse --short HEAD)"
git clone --quiet --no-hardlinks "$repo" "$work/ghostlink"
cd "$work/ghostlink"
# the store is warm after the CI's own install: offline first, the registry only if something is missing
pnpm install --frozen-lockfile --offline --reporter=silent || pnpm install --frozen-lockfile --reporter=silent

port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
for v in $(env | grep -oE '^(DATABASE_[A-Z_]*|REDIS_URL|GHOSTLINK_[A-Z_]*)=' | tr -d =); do unset "$v"; done
export PORT="$port" HOST=127.0.0.1
started=$(date +%s%N)
# its own process group: pnpm does not pass SIGTERM on to the node process it runs, so the group is signalled
setsid pnpm start >"$work/out.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "$base/health" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/out.log"; say "pnpm start exited"; exit 1; }
  sleep 0.2
done
curl -fs -o /dev/null "$base/health" || { cat "$work/out.log"; say "no answer from $base/health"; exit 1; }
say "first answer after $(( ($(date +%s%N) - started) / 1000000 )) ms, load average $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)"
grep -q 'embedded Postgres (PGlite)' "$work/out.log" || { cat "$work/out.log"; say "not on the embedded database"; exit 1; }
grep -q 'none: everything in-process' "$work/out.log" || { cat "$work/out.log"; say "not without Redis"; exit 1; }

key="$(grep -oE '^  gl_[A-Za-z0-9_-]{43}$' "$work/out.log" | tr -d ' ' | head -n1)"
[ -n "$key" ] || { cat "$work/out.log"; say "no admin key printed"; exit 1; }
link="$(curl -fs -XPOST "$base/shorten" -H "Authorization: Bearer $key" -H 'content-type: application/json' \
  -d '{"original_url":"https://example.com/quick-start"}')"
code="$(echo "$link" | node -pe 'JSON.parse(require("fs").readFileSync(0)).short_code')"
id="$(echo "$link" | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')"
location="$(curl -fs -o /dev/null -w '%{http_code} %{redirect_url}' "$base/$code")"
[ "$location" = "302 https://example.com/quick-start" ] || { say "GET /$code answered: $location"; exit 1; }
for _ in $(seq 1 100); do
  clicks="$(curl -fs "$base/events?url_id=$id&event_type=redirect" -H "Authorization: Bearer $key" | node -pe 'JSON.parse(require("fs").readFileSync(0)).length')"
  [ "$clicks" = "1" ] && break
  sleep 0.2
done
[ "$clicks" = "1" ] || { say "the click was not recorded ($clicks events)"; exit 1; }

kill -TERM -- "-$pid"
for _ in $(seq 1 150); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
grep -q 'the database was closed cleanly' "$work/out.log" || { cat "$work/out.log"; say "pnpm start did not stop cleanly"; exit 1; }
pid=""
# how the start went (printed, not checked: the time says as much about the machine's other work):
# the phases and CPU it logged, the database files' origin (the install's initdb template), and whether the bundle
# made at install was used (a start that bundles again or falls back to tsx says so on stderr)
say "start log: $(grep -oE '"databaseFiles":"[a-z]+"' "$work/out.log" | head -n1) $(grep -oE '"startup":\{[^}]*\},"startupCpu":\{[^}]*\}' "$work/out.log" | head -n1)"
grep -E '^pnpm start: ' "$work/out.log" | sed 's/^/[quick-start] /' || true
say "ok: /$code redirected, its click recorded, stopped cleanly"
