#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ (build-fuzz, clang, ASan+UBSan) and runs each for
# SECONDS (default 600), JOBS at a time (default 2), niced. Prints per target: executions per
# second, coverage (cov, ft: libFuzzer's final figures), the corpus size and what was found.
#
#     bash bench/fuzz.sh [SECONDS]
#
# Environment: TARGETS (default "ical_check webdav_xml config admin_request mime"), JOBS,
# WORK (the work folder; default a new one in /tmp, kept), TIMEOUT (per input, default 10 s).
# Seeds are copied into WORK/<target>/corpus: ../shared/corpus/ics when present beside the
# project, the tests' fixtures, tests/fuzz/seeds/ and tests/fuzz/regressions/<target>/ (not
# pending/). What a target finds lands in WORK/<target>/artifacts/ (crash-*, timeout-*, oom-*,
# leak-*): add it to tests/fuzz/regressions/<target>/ with its fix (tests/fuzz/README.md).
# Exit status: 0 nothing found, 1 something found, 2 a build or usage error.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-600}"
jobs="${JOBS:-2}"
timeout="${TIMEOUT:-10}"
targets=(${TARGETS:-ical_check webdav_xml config admin_request mime})
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }

"$repo/scripts/install-deps.sh" --fuzz
build="$repo/build-fuzz"
CC=clang CXX=clang++ cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKENES_FUZZ=ON \
  -DKENES_TESTS=OFF -DKENES_BENCH=OFF >/dev/null || exit 2
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null || exit 2

work="${WORK:-$(mktemp -d /tmp/kenes-fuzz.XXXXXX)}"
mkdir -p "$work"
echo "fuzz: work folder $work, ${seconds}s per target, $jobs at a time" >&2

# Copies the regular files of the folders or files named into a corpus folder, flat.
seed() {
  local into="$1"
  shift
  local src
  for src in "$@"; do
    [[ -e "$src" ]] || continue
    find "$src" -path '*/pending' -prune -o -type f ! -name README.md -print0 |
      while IFS= read -r -d '' f; do
        cp "$f" "$into/$(echo "$f" | md5sum | cut -c1-12)-$(basename "$f")"
      done
  done
}

seeds_for() {
  case "$1" in
  ical_check) echo "$repo/../shared/corpus/ics $repo/config/demo/calendars $repo/tests/daemon/data" ;;
  webdav_xml) echo "$repo/tests/connectors/data/radicale $repo/tests/connectors/data/xandikos $repo/tests/connectors/data/requests" ;;
  config) echo "$repo/config/demo/kenes.json $repo/config/demo/directory.json $repo/config/packaged" ;;
  admin_request) echo "$repo/tests/fuzz/seeds/admin_request" ;;
  mime) echo "$repo/tests/fuzz/seeds/mime $repo/config/demo/calendars" ;;
  esac
}

run_one() {
  local t="$1" dir="$work/$1"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  # shellcheck disable=SC2046
  seed "$dir/corpus" $(seeds_for "$t") "$repo/tests/fuzz/regressions/$t"
  (cd "$dir" &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      nice "$build/tests/fuzz/fuzz_$t" corpus -max_total_time="$seconds" -timeout="$timeout" \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix=artifacts/ \
      >"$dir/fuzz.log" 2>&1) || true
}

running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

found=0
printf '%-14s %10s %8s %8s %8s %10s  %s\n' target exec/s cov ft corpus runs findings
for t in "${targets[@]}"; do
  log="$work/$t/fuzz.log"
  execs=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*$')
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*$')
  corp=$(grep -o 'corp: [0-9]*' <<<"$last" | grep -o '[0-9]*$')
  artifacts=$(ls "$work/$t/artifacts" 2>/dev/null | tr '\n' ' ')
  [[ -n "$artifacts" ]] && found=1
  printf '%-14s %10s %8s %8s %8s %10s  %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${runs:-?}" \
    "${artifacts:-none}"
done
echo "fuzz: logs and artifacts in $work" >&2
exit "$found"
