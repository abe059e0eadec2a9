#!/usr/bin/env bash
# Throughput of key pages: summitkb (release build) against nginx serving the
# same bytes as static files, same load tool and connections, on loopback.
# Needs: nginx (Debian nginx-light) and wrk.
# Usage: [ROUNDS=5] scripts/bench.sh [seconds per round, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
ROUNDS=${ROUNDS:-5}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
for tool in nginx wrk curl; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }; done

cargo build --release --quiet
WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx workers run unprivileged
cleanup() {
  [ -n "${KB_PID:-}" ] && kill "$KB_PID" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
KB_PORT=$(free_port); NGX_PORT=$(free_port)

start=$(date +%s%N)
RUST_LOG=${RUST_LOG:-warn} ./target/release/summitkb serve --addr "127.0.0.1:$KB_PORT" --db "$WORK/kb.sqlite" >"$WORK/kb.log" 2>&1 &
KB_PID=$!
for _ in $(seq 3000); do curl -sf "http://127.0.0.1:$KB_PORT/healthz" >/dev/null && break; sleep 0.01; done
cold_ms=$(( ($(date +%s%N) - start) / 1000000 ))

SRC=wang-yi-2025-china-central-asia-summit
PAGES=(
  "home|/"
  "record|/projects/china-kyrgyzstan-uzbekistan-railway"
  "source|/sources/$SRC"
  "paragraph|/sources/$SRC/p/10"
  "search|/search?q=%E4%B8%AD%E5%90%89%E4%B9%8C%E9%93%81%E8%B7%AF"
  # As browsers ask for them: gzip-compressed, against nginx's gzip_static
  # serving the same compressed bytes.
  "home-gzip|/|gzip"
  "source-gzip|/sources/$SRC|gzip"
)
# The file nginx serves for a page: compressed pages are NAME.html.gz.
file_of() { if [ -n "$2" ]; then echo "$WORK/root/$1.html.gz"; else echo "$WORK/root/$1.html"; fi; }
mkdir -p "$WORK/root"
for p in "${PAGES[@]}"; do
  IFS='|' read -r name path enc <<<"$p"
  curl -sf ${enc:+-H "Accept-Encoding: $enc"} "http://127.0.0.1:$KB_PORT$path" -o "$(file_of "$name" "$enc")"
done
cat >"$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  # nginx tuned as one would for static files: no access log (summitkb runs
  # with RUST_LOG=warn), sendfile, cached file handles, and no cap on the
  # requests a kept-alive connection may carry (the default closes it after
  # 1,000, which would cost nginx reconnects that summitkb does not pay).
  access_log off;
  gzip_static on;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=100;
  keepalive_requests 10000000;
  types { text/html html; }
  server { listen 127.0.0.1:$NGX_PORT; root $WORK/root; }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$NGX_PORT/home.html" >/dev/null && break; sleep 0.05; done
curl -sf "http://127.0.0.1:$NGX_PORT/home.html" >/dev/null || { echo "nginx did not serve; see $WORK/nginx-error.log" >&2; cat "$WORK/nginx-error.log" >&2; exit 1; }
# Both servers must send the very same bytes for every page.
for p in "${PAGES[@]}"; do
  IFS='|' read -r name path enc <<<"$p"
  cmp -s <(curl -sf ${enc:+-H "Accept-Encoding: $enc"} "http://127.0.0.1:$NGX_PORT/$name.html") "$(file_of "$name" "$enc")" \
    || { echo "nginx does not send summitkb's bytes for $name" >&2; exit 1; }
done

# CPU time (user + system, in clock ticks) of a set of processes so far.
ticks() { for pid in "$@"; do awk '{print $14 + $15}' "/proc/$pid/stat"; done | awk '{t += $1} END {print t}'; }
HZ=$(getconf CLK_TCK)
NGX_WORKERS=$(pgrep -P "$(cat "$WORK/nginx.pid")" | tr '\n' ' ')
# One round against one server: "requests/s CPU-microseconds-per-request".
round() {
  local url=$1 enc=$2; shift 2
  local t0 out t1
  t0=$(ticks "$@")
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" ${enc:+-H "Accept-Encoding: $enc"} "$url")
  t1=$(ticks "$@")
  echo "$out" | awk -v dt=$((t1 - t0)) -v hz="$HZ" '
    /requests in/ {n = $1} /Requests\/sec/ {r = int($2)}
    END {printf "%d %.1f\n", r, dt * 1e6 / hz / n}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "$ROUNDS rounds of ${SECS}s per page and server, alternating; medians."
echo "req/s: throughput under load; CPU us/req: the server's own CPU time per answer."
printf "%-12s %7s %9s %9s %6s %9s %9s\n" page bytes "kb req/s" "ngx req/s" ratio "kb CPU" "ngx CPU"
for p in "${PAGES[@]}"; do
  IFS='|' read -r name path enc <<<"$p"
  bytes=$(stat -c %s "$(file_of "$name" "$enc")")
  kb_runs=(); ng_runs=()
  for _ in $(seq "$ROUNDS"); do
    kb_runs+=("$(round "http://127.0.0.1:$KB_PORT$path" "$enc" "$KB_PID")")
    # shellcheck disable=SC2086
    ng_runs+=("$(round "http://127.0.0.1:$NGX_PORT/$name.html" "$enc" $NGX_WORKERS)")
  done
  kb=$(printf '%s\n' "${kb_runs[@]}" | cut -d' ' -f1 | median)
  ng=$(printf '%s\n' "${ng_runs[@]}" | cut -d' ' -f1 | median)
  kb_cpu=$(printf '%s\n' "${kb_runs[@]}" | cut -d' ' -f2 | median)
  ng_cpu=$(printf '%s\n' "${ng_runs[@]}" | cut -d' ' -f2 | median)
  printf "%-12s %7s %9.0f %9.0f %6.2f %9.1f %9.1f\n" "$name" "$bytes" "$kb" "$ng" "$(echo "$kb / $ng" | bc -l)" "$kb_cpu" "$ng_cpu"
done
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$KB_PID/status")
echo "cold start (empty database file to /healthz, import included): ${cold_ms} ms"
echo "summitkb resident memory after the load: $((rss_kb / 1024)) MB"
