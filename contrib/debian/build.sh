#!/bin/bash
# Builds the Debian package from this checkout: copies the tree (the files git knows,
# committed or not) to a temporary directory, puts contrib/debian there as debian/, and
# runs dpkg-buildpackage -us -uc -b. The .deb, .buildinfo and .changes land in OUT-DIR
# (default: build-deb/ in the checkout), then lintian checks the .deb.
#
#   bash contrib/debian/build.sh [OUT-DIR]
#
# Needs debhelper, dpkg-dev, fakeroot and lintian (contrib/lib.sh installs them) and the
# Build-Depends of contrib/debian/control.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$repo/build-deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d /tmp/ocimon-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/ocimon
mkdir -p "$src"
# Files git lists but the work tree lacks (deleted, not yet committed) are skipped.
# shellcheck disable=SC2016 # expanded by sh
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 sh -c 'for f; do [ -e "$f" ] && cp --parents -- "$f" "$0"; done' "$src")
# No .git in the copy: meson reads the commit for `ocimon --version` from .commit.
commit=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
printf '%s\n' "$commit" >"$src/.commit"
rm -rf "$src/debian"
cp -r "$src/contrib/debian" "$src/debian"
rm -f "$src/debian/build.sh"
(cd "$src" && dpkg-buildpackage -us -uc -b)
cp "$tmp"/ocimon*_*.deb "$tmp"/ocimon_*.buildinfo "$tmp"/ocimon_*.changes "$out"/
debs=("$out"/ocimon_*.deb)
deb=${debs[-1]}
echo "==> $deb"
dpkg-deb -c "$deb"
if command -v lintian >/dev/null; then
    echo "==> lintian $deb"
    lintian --info "$deb" || true
fi
