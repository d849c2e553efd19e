-- wrk script for `pnpm bench:front`: every connection walks the codes /b0../b<N-1> (BENCH_CODES) with a browser's
-- headers; the requests are built once. done() prints one JSON line the bench parses.
local n = tonumber(os.getenv("BENCH_CODES") or "1000")
local ua = os.getenv("BENCH_UA") or "Mozilla/5.0"
local referer = os.getenv("BENCH_REFERER") or ""
local reqs = {}
local i = 0

function init(args)
  wrk.headers["User-Agent"] = ua
  if referer ~= "" then wrk.headers["Referer"] = referer end
  for k = 0, n - 1 do reqs[k + 1] = wrk.format("GET", "/b" .. k) end
end

function request()
  i = i % n + 1
  return reqs[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"status_errors":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
