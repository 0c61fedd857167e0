#!/usr/bin/env bash
# The `kenesd check` benchmark of issue 2: on a generated file of COUNT events (10% recurring),
# `kenesd check` must take at most 1.5x the time libical alone needs to parse the same file, and
# its peak memory must stay under 1 GiB.
#
#     bench/check_bench.sh [BUILD_DIR] [COUNT]      (defaults: build-bench, 100000)
#
# Builds nothing: build first with
#     cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build-bench -j2
# Each program runs RUNS times (default 3); the best wall time and the highest peak RSS count.
# Exit status: 0 both targets met, 1 a target missed, 2 bad usage or a failed run.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-build-bench}"
count="${2:-100000}"
runs="${RUNS:-3}"
[[ "$build" = /* ]] || build="$repo/$build"

kenesd="$build/daemon/kenesd"
floor="$build/bench/bench_ical_parse_only"
for exe in "$kenesd" "$floor"; do
  if [[ ! -x "$exe" ]]; then
    echo "check_bench: $exe not found; build with -DKENES_BENCH=ON first" >&2
    exit 2
  fi
done
if [[ ! -x /usr/bin/time ]]; then
  echo "check_bench: /usr/bin/time not found (scripts/install-deps.sh --bench)" >&2
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

config="$repo/config/demo/kenes.json"
if [[ ! -f "$config" ]]; then
  # The smallest config of SPEC §11 around the demo directory.
  config="$tmp/kenes.json"
  cat >"$config" <<EOF
{"timezone": "Asia/Almaty", "directory": "$repo/config/demo/directory.json",
 "regime": {"holidays": ["2026-12-16", "2026-12-17", "2027-01-01", "2027-01-02", "2027-01-07"]}}
EOF
fi

ics="$tmp/events.ics"
python3 "$repo/bench/gen_events.py" "$count" "$ics"
echo "file: $(du -m "$ics" | cut -f1) MB, $count events; config: $config; $runs runs each" >&2

# run NAME COMMAND...: RUNS runs; sets best_s (lowest wall seconds) and peak_kb (highest max RSS).
run() {
  local name="$1"
  shift
  best_s=""
  peak_kb=0
  for ((i = 1; i <= runs; i++)); do
    local rc=0
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" || rc=$?
    # kenesd check exits 1 when it finds an invalid slot: that is a result, not a failure.
    if ((rc != 0)) && ! [[ "$name" == kenesd && "$rc" == 1 ]]; then
      echo "check_bench: $name failed (exit $rc):" >&2
      tail -n 5 "$tmp/stderr" >&2
      exit 2
    fi
    local s kb
    read -r s kb < <(tail -n 1 "$tmp/time")
    printf '  %-8s run %d: %6.2f s  %7d MB\n' "$name" "$i" "$s" "$((kb / 1024))" >&2
    if [[ -z "$best_s" ]] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
      best_s="$s"
    fi
    ((kb > peak_kb)) && peak_kb="$kb"
  done
  return 0
}

run floor "$floor" "$ics"
floor_s="$best_s"
floor_kb="$peak_kb"
run kenesd "$kenesd" --config "$config" check --json --now 2026-11-24T09:00:00+05:00 "$ics"
kenesd_s="$best_s"
kenesd_kb="$peak_kb"

ratio="$(awk -v a="$kenesd_s" -v b="$floor_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 999) }')"
peak_mb=$((kenesd_kb / 1024))

echo
printf '%-44s %10s %12s\n' "program ($count events)" "best wall" "peak RSS"
printf '%-44s %8.2f s %9d MB\n' "libical parse only (bench_ical_parse_only)" "$floor_s" "$((floor_kb / 1024))"
printf '%-44s %8.2f s %9d MB\n' "kenesd check --json" "$kenesd_s" "$peak_mb"
echo
echo "ratio=$ratio (target <= 1.50)"
echo "peak_rss_mb=$peak_mb (target < 1024)"

status=0
if awk -v r="$ratio" 'BEGIN { exit !(r > 1.50) }'; then
  echo "FAIL: kenesd check takes more than 1.5x the libical parse" >&2
  status=1
fi
if ((peak_mb >= 1024)); then
  echo "FAIL: kenesd check peaks at 1 GiB or more" >&2
  status=1
fi
((status == 0)) && echo "PASS"
exit "$status"
