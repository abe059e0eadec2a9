#!/usr/bin/env bash
# Soak test: the release binary on loopback under wrk for a bounded time,
# mixing pages, searches (a third of them never seen before, to fill and
# churn the page cache) and hostile requests. Passes when there is no 5xx, no
# connection error, and resident memory at the end is within 10% of its level
# after warm-up. Needs wrk (Debian package).
# Then a many-connections phase: MANY_RUNS runs of MANY_SECS at MANY
# connections, then MANY_IDLE seconds with no load; it fails if resident
# memory then exceeds MANY_MAX_MB.
# Usage: [KB_BIN=path] scripts/soak.sh [seconds, default 60] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
CONNS=${2:-64}
WARM=${WARM:-15}
MANY=${MANY:-600}
MANY_RUNS=${MANY_RUNS:-4}
MANY_SECS=${MANY_SECS:-8}
MANY_IDLE=${MANY_IDLE:-15}
MANY_MAX_MB=${MANY_MAX_MB:-100}
command -v wrk >/dev/null || { echo "missing wrk (apt-get install wrk)" >&2; exit 1; }

if [ -z "${KB_BIN:-}" ]; then
  cargo build --release --quiet
  KB_BIN=./target/release/summitkb
fi
WORK=$(mktemp -d)
cleanup() {
  [ -n "${KB_PID:-}" ] && kill "$KB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUST_LOG=warn "$KB_BIN" serve --addr "127.0.0.1:$PORT" --db "$WORK/kb.sqlite" >"$WORK/kb.log" 2>&1 &
KB_PID=$!
for _ in $(seq 3000); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.01; done

SRC=wang-yi-2025-china-central-asia-summit
LONG=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("铁路" * 3000))')
cat >"$WORK/mix.lua" <<LUA
-- One in three requests is a page, one a search, one hostile; a third of
-- the searches are new strings, so caches fill and must stay bounded.
local pages = {
  "/", "/projects", "/agreements", "/people", "/countries/kazakhstan",
  "/projects/china-kyrgyzstan-uzbekistan-railway", "/agreements/astana-declaration",
  "/sources/$SRC", "/sources/$SRC/p/10", "/sources/$SRC/p/1?from=astana-declaration",
  "/map", "/map.svg", "/timeline", "/api/records/project", "/api/sources/$SRC",
  "/static/style.css", "/healthz",
}
local searches = {
  "/search?q=%E4%B8%AD%E5%90%89%E4%B9%8C%E9%93%81%E8%B7%AF", "/search?q=%E9%93%81%E8%B7%AF",
  "/search?q=Tokayev", "/search?q=zjwtl", "/api/search?q=astana", "/api/suggest?q=zhong",
  "/search?q=%E9%93%81%E8%B7%AF&kind=project&country=kyrgyzstan",
}
local hostile = {
  "/../../etc/passwd", "/static/../Cargo.toml", "/%00", "/%FF%FE%FD", "/sources/$SRC/p/99999999999999999999",
  "/search?q=%22NEAR(%22", "/search?q=*&kind=%00", "/api/search?q=%27%20OR%201%3D1--",
  "/search?q=$LONG", "/projects/%2e%2e%2f%2e%2e", "/api/records/x/y/z", "/search?q=%E4%B8",
  "/search?" .. string.rep("a=b&", 2000), "/" .. string.rep("x", 60000),
}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  n = 0; fivexx = 0; shed = 0; responses = 0; codes = {}
  math.randomseed(os.time() + math.random(1000))
end
function request()
  n = n + 1
  local k = n % 3
  if k == 0 then return wrk.format(nil, pages[math.random(#pages)]) end
  if k == 1 then
    if math.random(3) == 1 then
      return wrk.format(nil, "/search?q=" .. math.random(1, 1000000000) .. "%E9%93%81")
    end
    return wrk.format(nil, searches[math.random(#searches)])
  end
  -- Wrong methods too (405). Not HEAD: wrk would wait for a body that a
  -- HEAD response never has; HEAD is covered by the integration tests.
  local method = (math.random(5) == 1) and "DELETE" or ((math.random(7) == 1) and "POST" or "GET")
  return wrk.format(method, hostile[math.random(#hostile)])
end
function response(status, headers, body)
  responses = responses + 1
  -- 503 is the overload answer (with Retry-After), counted apart.
  if status == 503 then shed = shed + 1 elseif status >= 500 then fivexx = fivexx + 1 end
end
function done(summary, latency, requests)
  local f, s, r = 0, 0, 0
  for _, t in ipairs(threads) do f = f + t:get("fivexx"); s = s + t:get("shed"); r = r + t:get("responses") end
  local e = summary.errors
  io.write(string.format("RESULT responses=%d fivexx=%d shed=%d connect=%d read=%d write=%d timeout=%d p50_ms=%.2f p99_ms=%.2f rps=%d\n",
    r, f, s, e.connect, e.read, e.write, e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    math.floor(summary.requests / (summary.duration / 1e6))))
end
LUA

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$KB_PID/status"; }
echo "fresh: rss $(($(rss_kb) / 1024)) MB"
echo "warm-up: ${WARM}s at $CONNS connections"
wrk -t2 -c"$CONNS" -d"${WARM}s" -s "$WORK/mix.lua" "http://127.0.0.1:$PORT" | grep RESULT
RSS_WARM=$(rss_kb)
echo "soak: ${SECS}s at $CONNS connections"
OUT=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --timeout 10s -s "$WORK/mix.lua" "http://127.0.0.1:$PORT" | grep RESULT)
RSS_END=$(rss_kb)
echo "$OUT"
echo "rss after warm-up: $((RSS_WARM / 1024)) MB, at the end: $((RSS_END / 1024)) MB"
kill -0 "$KB_PID" || { echo "FAIL: the server died" >&2; exit 1; }
fail=0
check() {  # the RESULT line of a wrk run; then whether overload answers are allowed
  eval "$(echo "$1" | sed 's/^RESULT //; s/ /\n/g' | grep -E '^(fivexx|shed|connect|read|write|timeout)=')"
  [ "$fivexx" -eq 0 ] || { echo "FAIL: $fivexx responses were 5xx" >&2; fail=1; }
  [ "$shed" -eq 0 ] || [ "${2:-}" = shed-ok ] || { echo "FAIL: $shed responses were 503 (overload)" >&2; fail=1; }
  [ $((connect + read + write + timeout)) -eq 0 ] || { echo "FAIL: connection errors" >&2; fail=1; }
}
check "$OUT"
[ $((RSS_END * 10)) -le $((RSS_WARM * 11)) ] || { echo "FAIL: memory grew more than 10%" >&2; fail=1; }

# Many connections at once: each holds hyper's buffers, which the hostile
# requests (54 KB queries, 60 KB paths) make grow.
for i in $(seq "$MANY_RUNS"); do
  OUT=$(wrk -t2 -c"$MANY" -d"${MANY_SECS}s" --timeout 10s -s "$WORK/mix.lua" "http://127.0.0.1:$PORT" | grep RESULT)
  echo "$MANY connections, run $i: $OUT"
  echo "  rss $(($(rss_kb) / 1024)) MB"
  # More connections than requests allowed in flight: some are shed with
  # 503, as they should be; any other 5xx fails.
  check "$OUT" shed-ok
done
RSS_MANY=$(rss_kb)
sleep "$MANY_IDLE"
RSS_IDLE=$(rss_kb)
echo "rss after the $MANY-connection runs: $((RSS_MANY / 1024)) MB, after ${MANY_IDLE}s idle: $((RSS_IDLE / 1024)) MB"
kill -0 "$KB_PID" || { echo "FAIL: the server died" >&2; exit 1; }
# What matters is what stays: with every connection closed, freed memory
# must go back to the system.
[ $((RSS_IDLE / 1024)) -le "$MANY_MAX_MB" ] || { echo "FAIL: more than $MANY_MAX_MB MB ${MANY_IDLE}s after the $MANY-connection runs" >&2; fail=1; }
[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
