#!/bin/bash
# Quick start: as root on a fresh Debian 12, install what ocimon needs, build it, and run
# real containers under podman with ocimon as their monitor (conmon). Podman runs with a
# private configuration and storage (see contrib/lib.sh), so the machine's own
# /etc/containers and container storage are left alone.
#
#   sudo bash contrib/quickstart.sh
#
# OCIMON_TEST_DIR (default /tmp/ocimon-quickstart) holds podman's state for this demo;
# OCIMON (default build/src/ocimon) is the monitor; OCIMON_SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export OCIMON_TEST_DIR=${OCIMON_TEST_DIR:-/tmp/ocimon-quickstart}
# shellcheck source=contrib/lib.sh
source contrib/lib.sh

[[ $(id -u) -eq 0 ]] || die "run me as root (podman runs rootful here)"

say "installing Debian packages (apt-get, only what is missing)"
install_deps

if [[ -z ${OCIMON_SKIP_BUILD:-} ]]; then
    say "building ocimon with meson and ninja"
    build
fi
[[ -x $OCIMON ]] || die "the build did not produce $OCIMON"

say "$OCIMON --version"
"$OCIMON" --version

say "private podman configuration in $OCIMON_TEST_DIR (CONTAINERS_CONF=$CONTAINERS_CONF)"
reset_state
cat "$CONTAINERS_CONF"

say "building a busybox image and importing it as $OCIMON_IMAGE"
make_image
pm images

echo
say "every podman call below is:"
echo "    CONTAINERS_CONF=$CONTAINERS_CONF podman --root $PM_ROOT --runroot $PM_RUNROOT \\"
echo "        --tmpdir $PM_TMPDIR --storage-driver vfs --conmon $OCIMON ..."
echo

say "podman info --format '{{.Host.Conmon.Path}}'"
used=$(conmon_path_of_podman)
echo "$used"
if [[ $used != "$OCIMON" ]]; then
    die "podman uses $used, not $OCIMON (did its version probe reject ocimon?)"
fi
say "podman info --format '{{.Host.Conmon.Version}}'"
pm info --format '{{.Host.Conmon.Version}}'

say "podman run --rm $OCIMON_IMAGE sh -c 'echo hello from a container under ocimon; echo to stderr >&2; exit 3'"
rc=0
pm run --rm "$OCIMON_IMAGE" sh -c 'echo hello from a container under ocimon; echo to stderr >&2; exit 3' || rc=$?
say "exit code: $rc"
[[ $rc -eq 3 ]] || die "expected exit code 3, got $rc"

say "podman run -d --name ocimon-demo $OCIMON_IMAGE sh -c 'echo tick 1; sleep 2; echo tick 2; echo bye >&2; exit 5'"
pm run -d --name ocimon-demo "$OCIMON_IMAGE" sh -c 'echo tick 1; sleep 2; echo tick 2; echo bye >&2; exit 5'
mpid=$(pm inspect ocimon-demo --format '{{.State.ConmonPid}}')
say "the container's monitor: pid $mpid, running $(readlink "/proc/$mpid/exe" 2>/dev/null || echo '?')"
ps -o pid,ppid,args -p "$mpid" | cut -c1-160 || true

say "podman wait ocimon-demo"
pm wait ocimon-demo

say "podman logs ocimon-demo"
pm logs ocimon-demo

say "podman inspect ocimon-demo --format '{{.State.ExitCode}}'"
code=$(pm inspect ocimon-demo --format '{{.State.ExitCode}}')
echo "$code"
[[ $code -eq 5 ]] || die "expected exit code 5, got $code"

say "podman rm ocimon-demo"
pm rm ocimon-demo

say "done: podman ran its containers with $OCIMON as conmon"
say "to use ocimon for your own podman, see contrib/containers.conf"
