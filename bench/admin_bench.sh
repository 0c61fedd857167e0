#!/usr/bin/env bash
# Admin page benchmark (issue 5): a store of 100,000 meetings, `kenesd run` serving it, and wrk
# (Debian) on the same host: /healthz (target >= 10,000 requests a second) and the dashboard
# (target >= 500 a second with p99 under 50 ms), through a bearer token as an administrator's
# tool would. Prints each figure with its ratio to the target.
# usage: bench/admin_bench.sh [BUILD_DIR] [MEETINGS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
meetings=${2:-100000}
scripts/install-deps.sh --bench >/dev/null
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target kenesd bench_admin_fill >/dev/null
work=$(mktemp -d)
trap 'kill $(cat "$work/kenesd.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token=bench-token-0123456789abcdef
echo "$token" >"$work/tokens"
mkdir -p "$work/empty" "$work/spool"
cat >"$work/kenes.json" <<JSON
{"timezone": "Asia/Almaty", "directory": "$PWD/config/demo/directory.json", "state_dir": "$work/state",
 "sources": [{"id": "bench", "type": "dir", "path": "$work/empty", "interval_seconds": 3600}],
 "notices": {"transport": "spool", "spool_dir": "$work/spool"},
 "admin": {"listen": "127.0.0.1:$port", "tokens_file": "$work/tokens"}}
JSON
t0=$(date +%s.%N)
"$build/bench/bench_admin_fill" "$work/state" "$meetings"
echo "filled the store in $(echo "$(date +%s.%N) - $t0" | bc) s"
"$build/daemon/kenesd" --config "$work/kenes.json" run 2>"$work/kenesd.log" &
echo $! >"$work/kenesd.pid"
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/" >/dev/null # the first dashboard

run() { # name path target_rps [p99_ms]
  local out rps p99 p99_ms
  out=$(wrk -t2 -c32 -d10s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  p99_ms=$(awk -v v="$p99" 'BEGIN { if (v ~ /ms$/) { sub(/ms/, "", v); print v } else if (v ~ /us$/) { sub(/us/, "", v); print v / 1000 } else { sub(/s/, "", v); print v * 1000 } }')
  local errors
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '%-10s %10.0f req/s (target %s, ratio %.2f)  p99 %s ms%s%s\n' "$1" "$rps" "$3" \
    "$(echo "$rps / $3" | bc -l)" "$p99_ms" "${4:+ (target < $4 ms)}" "${errors:+  NON-2XX: $errors}"
  local ok=1
  (($(echo "$rps >= $3" | bc -l))) || ok=0
  if [[ -n ${4:-} ]]; then (($(echo "$p99_ms < $4" | bc -l))) || ok=0; fi
  [[ -z $errors ]] || ok=0
  ((ok)) && echo "           PASS" || echo "           FAIL"
}
echo "kenesd admin, $meetings meetings, wrk -t2 -c32 -d10s on the same 2-core host:"
run healthz /healthz 10000
run dashboard / 500 50
week=$(date +%G-W%V)
echo "week grid $week ($(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/meetings?week=$week" | grep -o '"uid"' | wc -l) meetings that week; no target, for the record):"
run week "/meetings?week=$week" 1
echo "peak RSS of kenesd: $(awk '/VmHWM/ {print $2, $3}' /proc/"$(cat "$work/kenesd.pid")"/status)"
