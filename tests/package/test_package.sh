#!/usr/bin/env bash
# The Debian package (issue "Install it like a Debian service"): builds it with
# scripts/package.sh into a folder of its own, unpacks it into a temporary root and checks what
# an administrator gets: the files where they belong, a starting config that validates, syncs
# its empty folder and sends nothing, man pages that render without a warning, a unit that
# systemd-analyze verifies and rates at an exposure of 2.0 or less, lintian without errors.
# Exit 77 (skipped) without dpkg-buildpackage. Usage: test_package.sh SOURCE_DIR
set -euo pipefail
src=$(cd "$1" && pwd)

if ! command -v dpkg-buildpackage >/dev/null; then
  echo "SKIP: dpkg-buildpackage is not installed (scripts/install-deps.sh --package)"
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kenes-package-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

version=$(sed -n 's/^project(kenes VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
arch=$(dpkg --print-architecture)

if [[ -n ${KENES_PACKAGE_PREBUILT:-} ]]; then
  # A folder where scripts/package.sh has already built (to check again without building).
  deb=$KENES_PACKAGE_PREBUILT/kenesd_${version}_$arch.deb
  changes=$KENES_PACKAGE_PREBUILT/kenesd_${version}_$arch.changes
else
  # Every core: ctest starts this test first (COST), the rest of the suite (about a minute)
  # runs beside it, and then the build has the machine to itself.
  deb=$(KENES_PACKAGE_DIR="$work/out" DEB_BUILD_OPTIONS="${KENES_PACKAGE_BUILD_OPTIONS:-parallel=$(nproc)}" \
        bash "$src/scripts/package.sh")
  [[ $deb == "$work/out/kenesd_${version}_$arch.deb" ]] || fail "package.sh printed '$deb'"
  changes=$work/out/kenesd_${version}_$arch.changes
fi
[[ -f $changes ]] || fail "no $changes"

root=$work/root
dpkg-deb -x "$deb" "$root"
for f in usr/sbin/kenesd lib/systemd/system/kenesd.service etc/kenes/kenes.json etc/kenes/directory.json \
         usr/share/kenes/kenes.schema.json usr/share/kenes/directory.schema.json usr/share/kenes/demo/kenes.json \
         usr/share/kenes/demo/directory.json usr/share/man/man8/kenesd.8.gz usr/share/man/man5/kenes.json.5.gz \
         usr/share/doc/kenesd/copyright usr/share/doc/kenesd/README.md.gz; do
  [[ -f $root/$f ]] || fail "the package has no /$f"
done
[[ -d $root/etc/kenes/calendars && -z $(ls -A "$root/etc/kenes/calendars") ]] ||
  fail "/etc/kenes/calendars is not an empty folder"
[[ -n $(ls "$src"/config/demo/calendars/*.ics) ]] &&
  [[ $(ls "$root/usr/share/kenes/demo/calendars" | wc -l) -eq $(ls "$src"/config/demo/calendars/*.ics | wc -l) ]] ||
  fail "the demo calendars are not all in /usr/share/kenes/demo/calendars"
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)
[[ $conffiles == $'/etc/kenes/directory.json\n/etc/kenes/kenes.json' ]] || fail "conffiles: '$conffiles'"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "package version $(dpkg-deb -f "$deb" Version), project $version"
dpkg-deb -f "$deb" Depends | grep -q 'libical3' || fail "Depends lacks the shared libraries: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./postinst | grep -q "deb-systemd-helper enable 'kenesd.service'" ||
  fail "postinst does not enable kenesd.service"

# The binary.
kenesd=$root/usr/sbin/kenesd
out=$("$kenesd" --version) || fail "kenesd --version exited $?"
[[ $out == "kenesd $version" ]] || fail "kenesd --version said '$out'"
readelf -d "$kenesd" | grep -q 'FLAGS_1.*NOW.*PIE' || fail "kenesd is not PIE with -z now"
readelf -lW "$kenesd" | grep -q GNU_RELRO || fail "kenesd has no RELRO"

# The shipped config as shipped.
out=$("$kenesd" --config "$root/etc/kenes/kenes.json" config check 2>&1) || fail "config check exited $?: $out"
[[ $out == "config OK: $root/etc/kenes/kenes.json (0 bodies, 1 sources)" ]] || fail "config check said '$out'"
python3 - "$root/etc/kenes/kenes.json" <<'PY' || fail "the shipped config is not the harmless one"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["state_dir"] == "/var/lib/kenes", c["state_dir"]
assert c["notices"]["transport"] == "spool" and c["notices"]["spool_dir"].startswith("/var/lib/kenes/"), c["notices"]
assert c["sources"] == [{"id": "local", "type": "dir", "path": "calendars"}], c["sources"]
assert c["admin"]["listen"].startswith("127.0.0.1:"), c["admin"]
PY

# sync --once on it, with its state in the temporary folder instead of /var/lib/kenes.
python3 - "$root/etc/kenes/kenes.json" "$work/etc/kenes.json" "$work/state" <<'PY'
import json, os, sys
shipped, copy, state = sys.argv[1:]
c = json.load(open(shipped))
here = os.path.dirname(shipped)
c["state_dir"] = state
c["notices"]["spool_dir"] = os.path.join(state, "spool")
c["directory"] = os.path.join(here, c["directory"])
c["sources"][0]["path"] = os.path.join(here, c["sources"][0]["path"])
os.makedirs(os.path.dirname(copy), exist_ok=True)
json.dump(c, open(copy, "w"))
PY
out=$("$kenesd" --config "$work/etc/kenes.json" sync --once 2>"$work/sync.log") || fail "sync --once exited $?: $(cat "$work/sync.log")"
[[ $out =~ ^sources=1\ collections=1\ requests=0\ added=0\ changed=0\ removed=0\ errors=0\ quarantined=0\ checked=0\ notices_sent=0\ notices_failed=0\ removals_held=0\ seconds= ]] ||
  fail "sync --once said '$out'"
[[ -f $work/state/kenes.sqlite3 ]] || fail "sync --once made no state store"
[[ -z $(find "$work/state" -name '*.eml') ]] || fail "the starting config sent a notice"

# Man pages: render without a warning.
for page in man8/kenesd.8.gz man5/kenes.json.5.gz; do
  warnings=$(zcat "$root/usr/share/man/$page" | groff -man -ww -z 2>&1) || fail "groff failed on $page"
  [[ -z $warnings ]] || fail "groff on $page: $warnings"
done

# The unit.
unit=$root/lib/systemd/system/kenesd.service
grep -qx 'ExecStart=/usr/sbin/kenesd --config /etc/kenes/kenes.json run' "$unit" || fail "ExecStart is not /usr/sbin/kenesd"
for line in Type=notify WatchdogSec=60s StateDirectory=kenes 'ExecReload=/bin/kill -HUP $MAINPID' DynamicUser=yes \
            'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX'; do
  grep -qxF "$line" "$unit" || fail "the unit lacks '$line'"
done
# verify checks that ExecStart's program and the man pages of Documentation= exist: here they are
# in the temporary root, so a copy names the unpacked kenesd and man looks in the root's pages.
mkdir -p "$work/unit"
sed "s|^ExecStart=/usr/sbin/kenesd|ExecStart=$kenesd|" "$unit" >"$work/unit/kenesd.service"
out=$(MANPATH=$root/usr/share/man systemd-analyze verify "$work/unit/kenesd.service" 2>&1) || fail "systemd-analyze verify exited $?: $out"
[[ -z $out ]] || fail "systemd-analyze verify: $out"
out=$(systemd-analyze security --offline=true "$unit" 2>&1 || true)
score=$(sed -n 's/.*Overall exposure level for kenesd.service: \([0-9.]*\).*/\1/p' <<<"$out")
echo "systemd-analyze security: exposure $score"
[[ -n $score ]] || fail "no exposure level in: $out"
[[ -n $score ]] && python3 -c "import sys; sys.exit(0 if float('$score') <= 2.0 else 1)" ||
  fail "exposure $score > 2.0: $(grep '✗' <<<"$out")"

# lintian: no errors (the warnings kept are in docs/decisions.md).
if ! out=$(lintian --fail-on error "$deb" "$changes" 2>&1); then
  fail "lintian: $out"
fi
echo "$out"
grep -q '^E:' <<<"$out" && fail "lintian errors"

if ((failures)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "package: $deb checked"
