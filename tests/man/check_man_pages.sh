#!/usr/bin/env bash
# The man pages cannot drift: docs/man/kenes.json.5 is what scripts/gen_config_manpage.py makes
# of config/kenes.schema.json now; docs/man/kenesd.8 names every command and option of
# `kenesd --help`; both render with groff -man -ww without a warning.
# Usage: check_man_pages.sh SOURCE_DIR KENESD
set -euo pipefail
src=$1
kenesd=$2
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

if ! diff -u "$src/docs/man/kenes.json.5" <(python3 "$src/scripts/gen_config_manpage.py" "$src"); then
  fail "docs/man/kenes.json.5 is not what the schema gives: python3 scripts/gen_config_manpage.py > docs/man/kenes.json.5"
fi

version=$(sed -n 's/^project(kenes VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
for page in kenesd.8 kenes.json.5; do
  grep -q "^\.TH .* \"kenes $version\"" "$src/docs/man/$page" || fail "$page does not say kenes $version"
  if command -v groff >/dev/null; then
    warnings=$(groff -man -ww -z "$src/docs/man/$page" 2>&1) || fail "groff failed on $page"
    [[ -z $warnings ]] || fail "groff on $page: $warnings"
  fi
done

# Every option and command of the usage text, in the page (as roff writes them: \- for -).
help=$("$kenesd" --help)
page=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$src/docs/man/kenesd.8")
for option in $(grep -o -- '--[a-z]*' <<<"$help" | sort -u); do
  grep -q -- "$option" <<<"$page" || fail "kenesd.8 does not mention $option"
done
for command in run 'sync --once' check report 'config check'; do
  grep -q "^  $command" <<<"$help" || fail "kenesd --help no longer lists '$command': update this test and kenesd.8"
  grep -q "^\.B $command\$\|^\.B $command " <<<"$page" || fail "kenesd.8 has no entry for '$command'"
done

if ((failures)); then
  exit 1
fi
echo "man pages: in step with the schema and kenesd --help"
