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
cd build && ctest --output-on-failure --no-tests=error -j"$(nproc)"
