#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test. This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test --package
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKENES_TESTS=ON >/dev/null
cmake --build build -j"$(nproc)"
# Release (-O3) must link too: GCC 12 once could not (docs/decisions.md, "Build").
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DKENES_TESTS=OFF -DKENES_BENCH=OFF >/dev/null
cmake --build build-release -j"$(nproc)" --target kenesd
(cd build && ctest --output-on-failure --no-tests=error -j"$(nproc)")
# The whole suite again under ASan and UBSan (docs/decisions.md, "Sanitizers in the test
# command"): -O1 to keep it quick, no benches; the tests' child kenesd is this build's. Any report
# ends the process that made it (abort), so its test fails. Not here: the package test (it builds
# its own release package; nothing of it runs instrumented).
sanitize_flags="-O1 -g"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKENES_SANITIZE=ON -DKENES_TESTS=ON -DKENES_BENCH=OFF \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$sanitize_flags" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$sanitize_flags" >/dev/null
cmake --build build-asan -j"$(nproc)"
cd build-asan
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  ctest --output-on-failure --no-tests=error -j"$(nproc)" -E '^package\.'
