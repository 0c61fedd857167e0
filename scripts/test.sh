#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test. This is the README's test command.
#
# The suite runs once, under ASan and UBSan (docs/decisions.md, "Sanitizers in the test command"):
# build-asan at -O0 -g1, four times quicker to compile than -O1 -g on two cores, with line numbers
# in every report; the tests' child kenesd is this build's, so the daemons they start are
# instrumented too. Any report ends the process that made it (abort), so its test fails. The
# package test in it builds and checks the release package (Debian's -O2 flags), nothing of it
# instrumented; Release (-O3) must link too (docs/decisions.md, "Build").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test --package
jobs="$(nproc)"
sanitize_flags="-O0 -g1"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKENES_SANITIZE=ON -DKENES_TESTS=ON -DKENES_BENCH=OFF \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$sanitize_flags" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$sanitize_flags" >/dev/null
cmake --build build-asan -j"$jobs"
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DKENES_TESTS=OFF -DKENES_BENCH=OFF >/dev/null
cmake --build build-release -j"$jobs" --target kenesd
cd build-asan
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  ctest --output-on-failure --no-tests=error -j"$jobs"
