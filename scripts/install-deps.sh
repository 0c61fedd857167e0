#!/usr/bin/env bash
# Installs exactly the Debian 12 packages that kenes needs to build, run and test.
# Idempotent: packages already present are left alone; apt-get update runs once, only
# when something is missing.
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config tzdata
            libical-dev nlohmann-json3-dev libcurl4-openssl-dev libboost-dev
            libsqlite3-dev libxml2-dev libsystemd-dev libgmime-3.0-dev libxlsxwriter-dev
            libcrypt-dev # crypt_r for the admin page
            libgoogle-perftools-dev) # tcmalloc_minimal, kenesd's allocator
test_pkgs=(catch2 python3 python3-jsonschema radicale xandikos curl python3-aiosmtpd python3-icalendar
           python3-openpyxl # tests/support/read_appendix.py
           nginx-light # tests/daemon/test_report_publish.cpp: a WebDAV folder (dav_methods PUT, auth_basic)
           chromium) # the browser test of the admin page
package_pkgs=(debhelper dpkg-dev fakeroot # scripts/package.sh
              lintian groff-base systemd python3) # tests/package/: lintian, man pages, systemd-analyze
bench_pkgs=(python3 time # bench/check_bench.sh: the generator and /usr/bin/time
            radicale xandikos python3-dulwich vdirsyncer curl coreutils # bench/sync_bench.sh
            python3-aiosmtpd bc # bench/notice_bench.sh; bench/report_bench.sh needs only python3 and bc
            wrk) # bench/admin_bench.sh
fuzz_pkgs=(clang libclang-rt-14-dev) # bench/fuzz.sh: libFuzzer with ASan and UBSan (tests/fuzz/)

want=("${build_pkgs[@]}")
for arg in "$@"; do
  case "$arg" in
  --test) want+=("${test_pkgs[@]}") ;;
  --package) want+=("${package_pkgs[@]}") ;;
  --bench) want+=("${bench_pkgs[@]}") ;;
  --fuzz) want+=("${fuzz_pkgs[@]}") ;;
  *) echo "usage: $0 [--test] [--package] [--bench] [--fuzz]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present" >&2
fi
