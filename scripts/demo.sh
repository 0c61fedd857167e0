#!/usr/bin/env bash
# Installs what is missing, builds, and runs kenesd on the embedded demo config.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKENES_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target kenesd
mkdir -p spool # the demo's notices.spool_dir; kenesd never creates a spool folder itself
echo "demo: the admin page is at http://127.0.0.1:8080/ (Ctrl-C stops the daemon)" >&2
exec build/daemon/kenesd --config config/demo/kenes.json run "$@"
