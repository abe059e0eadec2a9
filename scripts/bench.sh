#!/usr/bin/env bash
# Throughput of key pages: summitkb (release build) against nginx serving the
# same bytes as static files, twice: tuned for static files, and as Debian
# ships it. Same load tool, same connections, loopback only, bounded time.
# Needs: nginx (Debian nginx-light), wrk and GNU time (/usr/bin/time).
# Usage: [ROUNDS=5] [SHAPES="2x64 1x32"] [BEFORE=path/to/older/summitkb]
#        [KB_BIN=path] scripts/bench.sh [seconds per round, default 5]
# BEFORE adds a second summitkb (an older build) to every round, so a change
# is measured before and after in the same run, under the same neighbours.
# KB_BIN benches a given binary instead of building this tree.
# BEFORE_SEEDS gives the older build the seeds it was written for, when the
# seed format has changed since (`git archive OLD seeds | tar -x -C DIR`).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
ROUNDS=${ROUNDS:-5}
# Load shapes, THREADSxCONNECTIONS.
SHAPES=${SHAPES:-"2x64 1x32"}
for tool in nginx wrk curl; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time (Debian package time)" >&2; exit 1; }

if [ -z "${KB_BIN:-}" ]; then
  cargo build --release --quiet
  KB_BIN=./target/release/summitkb
fi
WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx workers run unprivileged
KB_PIDS=()
cleanup() {
  for pid in "${KB_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for conf in tuned stock; do
    [ -f "$WORK/$conf.pid" ] && kill "$(cat "$WORK/$conf.pid")" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
await_ok() { for _ in $(seq 3000); do curl -sf "$1" >/dev/null && return 0; sleep 0.01; done; return 1; }

# Servers in the order each round visits them: NAME, port, then PIDs.
SERVERS=(kb)
start_kb() {  # name binary [seeds dir]
  local port; port=$(free_port)
  local start; start=$(date +%s%N)
  RUST_LOG=${RUST_LOG:-warn} "$2" serve --addr "127.0.0.1:$port" --db "$WORK/$1.sqlite" \
    --seeds "${3:-seeds}" >"$WORK/$1.log" 2>&1 &
  KB_PIDS+=($!)
  eval "PORT_$1=$port PIDS_$1=$!"
  await_ok "http://127.0.0.1:$port/healthz" || { echo "$1 did not start; see its log:" >&2; cat "$WORK/$1.log" >&2; exit 1; }
  eval "COLD_$1=$(( ($(date +%s%N) - start) / 1000000 ))"
}
start_kb kb "$KB_BIN"
if [ -n "${BEFORE:-}" ]; then
  start_kb before "$BEFORE" "${BEFORE_SEEDS:-seeds}"
  SERVERS+=(before)
fi

SRC=wang-yi-2025-china-central-asia-summit
PAGES=(
  "home|/"
  "record|/projects/china-kyrgyzstan-uzbekistan-railway"
  "source|/sources/$SRC"
  "paragraph|/sources/$SRC/p/10"
  "search|/search?q=%E4%B8%AD%E5%90%89%E4%B9%8C%E9%93%81%E8%B7%AF"
  # The English edition's pages, held to the same targets in the same run.
  "home-en|/en/"
  "record-en|/en/projects/china-kyrgyzstan-uzbekistan-railway"
  "source-en|/en/sources/$SRC"
  "paragraph-en|/en/sources/$SRC/p/10"
  "search-en|/en/search?q=China-Kyrgyzstan-Uzbekistan+railway"
  # As browsers ask for them: gzip-compressed, against nginx's gzip_static
  # serving the same compressed bytes.
  "home-gzip|/|gzip"
  "source-gzip|/sources/$SRC|gzip"
  "home-en-gzip|/en/|gzip"
  "source-en-gzip|/en/sources/$SRC|gzip"
)
# The file nginx serves for a page: compressed pages are NAME.html.gz.
file_of() { if [ -n "$2" ]; then echo "$WORK/root/$1.html.gz"; else echo "$WORK/root/$1.html"; fi; }
mkdir -p "$WORK/root"
for p in "${PAGES[@]}"; do
  IFS='|' read -r name path enc <<<"$p"
  curl -sf ${enc:+-H "Accept-Encoding: $enc"} "http://127.0.0.1:$PORT_kb$path" -o "$(file_of "$name" "$enc")"
done

PORT_tuned=$(free_port); PORT_stock=$(free_port)
cat >"$WORK/tuned.conf" <<CONF
worker_processes auto;
pid $WORK/tuned.pid;
error_log $WORK/tuned-error.log;
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
  server { listen 127.0.0.1:$PORT_tuned; root $WORK/root; }
}
CONF
# Debian's /etc/nginx/nginx.conf as shipped, less its includes (sites-enabled
# would listen on port 80, and TLS settings do not apply), with three
# changes: the files live in this temporary directory, no access log (as
# for summitkb, whose request log is off at RUST_LOG=warn), and gzip_static
# so that the gzip rows send the same precompressed bytes.
cat >"$WORK/stock.conf" <<CONF
user www-data;
worker_processes auto;
pid $WORK/stock.pid;
error_log $WORK/stock-error.log;
events { worker_connections 768; }
http {
  sendfile on;
  tcp_nopush on;
  types_hash_max_size 2048;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  gzip on;
  gzip_static on;
  server { listen 127.0.0.1:$PORT_stock; root $WORK/root; }
}
CONF
for conf in tuned stock; do
  nginx -c "$WORK/$conf.conf" -p "$WORK" 2>"$WORK/$conf-start.log" \
    || { echo "nginx ($conf) did not start:" >&2; cat "$WORK/$conf-start.log" >&2; exit 1; }
  eval "port=\$PORT_$conf"
  # shellcheck disable=SC2154
  await_ok "http://127.0.0.1:$port/home.html" || { echo "nginx ($conf) did not serve; see $WORK/$conf-error.log" >&2; exit 1; }
  eval "PIDS_$conf=\"$(pgrep -P "$(cat "$WORK/$conf.pid")" | tr '\n' ' ')\""
  # Both must send the very same bytes as summitkb for every page.
  for p in "${PAGES[@]}"; do
    IFS='|' read -r name path enc <<<"$p"
    cmp -s <(curl -sf ${enc:+-H "Accept-Encoding: $enc"} "http://127.0.0.1:$port/$name.html") "$(file_of "$name" "$enc")" \
      || { echo "nginx ($conf) does not send summitkb's bytes for $name" >&2; exit 1; }
  done
done
SERVERS+=(tuned stock)
url_of() {  # server path name
  eval "local port=\$PORT_$1"
  case $1 in tuned | stock) echo "http://127.0.0.1:$port/$3.html" ;; *) echo "http://127.0.0.1:$port$2" ;; esac
}

# CPU time (user + system, in clock ticks) of a set of processes so far.
ticks() { for pid in "$@"; do awk '{print $14 + $15}' "/proc/$pid/stat"; done | awk '{t += $1} END {print t}'; }
HZ=$(getconf CLK_TCK)
# One round against one server: "requests/s server-CPU-µs-per-request
# client-CPU-µs-per-request". The client's CPU (wrk's user + system time)
# tells whether the load tool itself works harder against one server than
# against another, which at 1 thread is what bounds the throughput.
round() {
  local url=$1 enc=$2 threads=$3 conns=$4; shift 4
  local t0 out t1
  t0=$(ticks "$@")
  out=$(/usr/bin/time -f "CLIENT-CPU %U %S" wrk -t"$threads" -c"$conns" -d"${SECS}s" \
    ${enc:+-H "Accept-Encoding: $enc"} "$url" 2>&1)
  t1=$(ticks "$@")
  echo "$out" | awk -v dt=$((t1 - t0)) -v hz="$HZ" '
    /requests in/ {n = $1} /Requests\/sec/ {r = int($2)} /CLIENT-CPU/ {c = $2 + $3}
    END {printf "%d %.1f %.1f\n", r, dt * 1e6 / hz / n, c * 1e6 / n}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "$ROUNDS rounds of ${SECS}s per page, shape and server, the servers alternating; medians."
echo "servers: ${SERVERS[*]} (kb: this build${BEFORE:+, before: $BEFORE}; tuned and stock: nginx)"
echo "req/s: throughput under load; ratio: kb's req/s over the other's; CPU: each server's own"
echo "CPU time per answer in microseconds (nginx's workers summed); wrk@: the load tool's"
echo "own CPU time per answer against each server."
for shape in $SHAPES; do
  threads=${shape%x*}; conns=${shape#*x}
  echo
  echo "== $threads thread(s), $conns connections"
  header="page bytes"
  for s in "${SERVERS[@]}"; do header+=" $s-req/s"; done
  for s in "${SERVERS[@]}"; do [ "$s" = kb ] || header+=" kb/$s"; done
  for s in "${SERVERS[@]}"; do header+=" $s-CPU"; done
  for s in "${SERVERS[@]}"; do header+=" wrk@$s"; done
  echo "$header" | awk '{printf "%-12s", $1; for (i = 2; i <= NF; i++) printf " %12s", $i; print ""}'
  for p in "${PAGES[@]}"; do
    IFS='|' read -r name path enc <<<"$p"
    bytes=$(stat -c %s "$(file_of "$name" "$enc")")
    for s in "${SERVERS[@]}"; do : >"$WORK/runs-$s"; done
    for _ in $(seq "$ROUNDS"); do
      for s in "${SERVERS[@]}"; do
        eval "pids=\$PIDS_$s"
        # shellcheck disable=SC2086,SC2154
        round "$(url_of "$s" "$path" "$name")" "$enc" "$threads" "$conns" $pids >>"$WORK/runs-$s"
      done
    done
    line="$name $bytes"
    for s in "${SERVERS[@]}"; do eval "rps_$s=$(cut -d' ' -f1 "$WORK/runs-$s" | median)"; eval "line+=\" \$rps_$s\""; done
    for s in "${SERVERS[@]}"; do [ "$s" = kb ] || { eval "other=\$rps_$s"; line+=" $(echo "$rps_kb / $other" | bc -l)"; }; done
    # Each server's own CPU (field 2 of its rounds), then wrk's against it (3).
    for f in 2 3; do
      for s in "${SERVERS[@]}"; do line+=" $(cut -d' ' -f$f "$WORK/runs-$s" | median)"; done
    done
    echo "$line" | awk -v n=${#SERVERS[@]} '{
      printf "%-12s %12s", $1, $2
      for (i = 3; i < 3 + n; i++) printf " %12.0f", $i
      for (; i < 2 + 2 * n; i++) printf " %12.2f", $i
      for (; i <= NF; i++) printf " %12.1f", $i
      print ""}'
  done
done
echo
for s in "${SERVERS[@]}"; do
  case $s in tuned | stock) continue ;; esac
  eval "pid=\$PIDS_$s cold=\$COLD_$s"
  # shellcheck disable=SC2154
  echo "$s: cold start (empty database file to /healthz, import included) ${cold} ms;" \
    "resident memory after the load $(($(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024)) MB"
done
