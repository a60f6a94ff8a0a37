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
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$repo" && xargs -0 cp --parents -t "$src" 2>/dev/null || true)
# No .git in the copy: the commit for `ocimon --version` goes through the environment.
commit=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
printf '%s\n' "$commit" >"$src/.commit"
rm -rf "$src/debian"
cp -r "$src/contrib/debian" "$src/debian"
rm -f "$src/debian/build.sh"
(cd "$src" && dpkg-buildpackage -us -uc -b)
cp "$tmp"/ocimon*_*.deb "$tmp"/ocimon_*.buildinfo "$tmp"/ocimon_*.changes "$out"/
deb=$(ls "$out"/ocimon_*.deb | tail -n 1)
echo "==> $deb"
dpkg-deb -c "$deb"
if command -v lintian >/dev/null; then
    echo "==> lintian $deb"
    lintian --info "$deb" || true
fi
