#!/usr/bin/env bash
# Soak test: the release binary on loopback under wrk for a bounded time,
# mixing pages, searches (a third of them never seen before, to fill and
# churn the page cache) and hostile requests. Passes when there is no 5xx, no
# connection error, and resident memory at the end is within 10% of its level
# after warm-up. Needs wrk (Debian package).
# Usage: scripts/soak.sh [seconds, default 60] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
CONNS=${2:-64}
WARM=${WARM:-15}
command -v wrk >/dev/null || { echo "missing wrk (apt-get install wrk)" >&2; exit 1; }

cargo build --release --quiet
WORK=$(mktemp -d)
cleanup() {
  [ -n "${KB_PID:-}" ] && kill "$KB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUST_LOG=warn ./target/release/summitkb serve --addr "127.0.0.1:$PORT" --db "$WORK/kb.sqlite" >"$WORK/kb.log" 2>&1 &
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
  n = 0; fivexx = 0; responses = 0; codes = {}
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
  if status >= 500 then fivexx = fivexx + 1 end
end
function done(summary, latency, requests)
  local f, r = 0, 0
  for _, t in ipairs(threads) do f = f + t:get("fivexx"); r = r + t:get("responses") end
  local e = summary.errors
  io.write(string.format("RESULT responses=%d fivexx=%d connect=%d read=%d write=%d timeout=%d p50_ms=%.2f p99_ms=%.2f rps=%d\n",
    r, f, e.connect, e.read, e.write, e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    math.floor(summary.requests / (summary.duration / 1e6))))
end
LUA

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$KB_PID/status"; }
echo "warm-up: ${WARM}s at $CONNS connections"
wrk -t2 -c"$CONNS" -d"${WARM}s" -s "$WORK/mix.lua" "http://127.0.0.1:$PORT" | grep RESULT
RSS_WARM=$(rss_kb)
echo "soak: ${SECS}s at $CONNS connections"
OUT=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --timeout 10s -s "$WORK/mix.lua" "http://127.0.0.1:$PORT" | grep RESULT)
RSS_END=$(rss_kb)
echo "$OUT"
echo "rss after warm-up: $((RSS_WARM / 1024)) MB, at the end: $((RSS_END / 1024)) MB"
kill -0 "$KB_PID" || { echo "FAIL: the server died" >&2; exit 1; }
eval "$(echo "$OUT" | sed 's/^RESULT //; s/ /\n/g' | grep -E '^(fivexx|connect|read|write|timeout)=')"
fail=0
[ "$fivexx" -eq 0 ] || { echo "FAIL: $fivexx responses were 5xx" >&2; fail=1; }
[ $((connect + read + write + timeout)) -eq 0 ] || { echo "FAIL: connection errors" >&2; fail=1; }
[ $((RSS_END * 10)) -le $((RSS_WARM * 11)) ] || { echo "FAIL: memory grew more than 10%" >&2; fail=1; }
[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
