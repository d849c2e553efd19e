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

-- BENCH_WRK_TIMELINE=<file>: one line per 10 ms, "<epoch ms> <requests started>". A connection asks for its next
-- request as soon as its answer is in, so this is the completions over time: a stall shows as a gap.
local timeline = os.getenv("BENCH_WRK_TIMELINE")
local now_ms, out, bucket, count
if timeline then
  local ffi = require("ffi")
  ffi.cdef("typedef struct { long tv_sec; long tv_nsec; } gl_timespec; int clock_gettime(int, gl_timespec *);")
  local ts = ffi.new("gl_timespec")
  now_ms = function()
    ffi.C.clock_gettime(0, ts) -- CLOCK_REALTIME, to line up with other samplers
    return tonumber(ts.tv_sec) * 1000 + math.floor(tonumber(ts.tv_nsec) / 1e6)
  end
  out = io.open(timeline, "a")
  bucket, count = 0, 0
end

function request()
  i = i % n + 1
  if out then
    local b = math.floor(now_ms() / 10)
    if b ~= bucket then
      if count > 0 then out:write(bucket * 10, " ", count, "\n") end
      bucket, count = b, 0
    end
    count = count + 1
  end
  return reqs[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  if timeline then
    -- the latency distribution's tail, next to the timeline: which share of the requests is slow, and how slow
    local f = io.open(timeline, "a")
    local ps = {}
    for _, p in ipairs({ 50, 90, 95, 98, 99, 99.5, 99.9, 99.99 }) do ps[#ps + 1] = string.format('"%s":%d', p, latency:percentile(p)) end
    f:write(string.format('SUMMARY {"requests":%d,"max":%d,%s}\n', summary.requests, latency.max, table.concat(ps, ",")))
    f:close()
  end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"status_errors":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
