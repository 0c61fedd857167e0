#!/usr/bin/env bash
# The appendix report benchmark: a store synced from a month of COUNT meetings (one .ics file
# each, a dir source), then render_appendix of that month in every format, best of RUNS, against
# the 1 s target.
#
#     bench/report_bench.sh [BUILD_DIR] [COUNT]      (defaults: build, 5000)
#
# Builds nothing: cmake --build BUILD_DIR --target kenesd bench_report_render first.
# Exit status: 0 every format within 1 s, 1 a target missed, 2 bad usage or a failed run.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-build}"
count="${2:-5000}"
runs="${RUNS:-3}"
month="${MONTH:-2027-02}"
[[ "$build" = /* ]] || build="$repo/$build"

kenesd="$build/daemon/kenesd"
render="$build/bench/bench_report_render"
for exe in "$kenesd" "$render"; do
  if [[ ! -x "$exe" ]]; then
    echo "report_bench: $exe not found; build it first" >&2
    exit 2
  fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$repo/bench/report_data.py" "$count" "$tmp/calendars" --month "$month"
cp "$repo/config/demo/directory.json" "$tmp/directory.json"
mkdir -p "$tmp/spool"
cat >"$tmp/kenes.json" <<JSON
{"timezone": "Asia/Almaty", "directory": "directory.json", "state_dir": "state",
 "sources": [{"id": "bench", "type": "dir", "path": "calendars"}],
 "regime": {"horizon_days": 3660, "horizon_past_days": 3660},
 "notices": {"transport": "spool", "spool_dir": "spool"}}
JSON

start=$(date +%s.%N)
if ! "$kenesd" --config "$tmp/kenes.json" sync --once >"$tmp/sync.out" 2>"$tmp/sync.err"; then
  echo "report_bench: sync failed" >&2
  tail -5 "$tmp/sync.err" >&2
  exit 2
fi
echo "store: $count meetings of $month synced in $(echo "$(date +%s.%N) - $start" | bc) s: $(cat "$tmp/sync.out")" >&2

rc=0
"$render" "$tmp/kenes.json" "$month" "$runs" || rc=$?
exit "$rc"
