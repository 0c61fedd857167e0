#!/usr/bin/env bash
# Installs what is missing, builds, and runs kenesd on the embedded demo config.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKENES_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target kenesd
exec build/daemon/kenesd --config config/demo/kenes.json run "$@"
