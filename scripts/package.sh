#!/usr/bin/env bash
# Builds the Debian package: build/package/kenesd_<version>_amd64.deb (and the .changes,
# .buildinfo and the -dbgsym package beside it). dpkg-buildpackage writes its results into the
# parent of the tree it builds, so it builds a copy of the tree in build/package/kenesd-<version>/.
# KENES_PACKAGE_DIR puts everything elsewhere (the package test builds into its own folder).
# Needs the packages of `scripts/install-deps.sh --package`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${KENES_PACKAGE_DIR:-$root/build/package}

version=$(sed -n 's/^project(kenes VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
deb_version=$(dpkg-parsechangelog -l debian/changelog -S Version)
if [[ $version != "$deb_version" ]]; then
  echo "package: CMakeLists.txt says $version but debian/changelog says $deb_version" >&2
  exit 1
fi

src=$out/kenesd-$version
rm -rf "$src"
mkdir -p "$src"
# The tree without builds, state, spool or git.
tar -C "$root" --exclude=./.git --exclude='./build*' --exclude=./state --exclude=./spool \
  --exclude=./obj-\* -cf - . | tar -C "$src" -xf -
rm -f "$out"/kenesd_"$version"_* "$out"/kenesd-dbgsym_"$version"_*

export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=$(nproc)}"
(cd "$src" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1 || {
  tail -n 40 "$out/build.log" >&2
  echo "package: dpkg-buildpackage failed; the whole log is $out/build.log" >&2
  exit 1
}
rm -rf "$src"
deb=$out/kenesd_${version}_$(dpkg --print-architecture).deb
test -f "$deb"
echo "$deb"
