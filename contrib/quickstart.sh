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

# A few seconds of growing memory and some CPU, sampled every second (an io.ocimon.*
# annotation: ocimon's settings need no podman flag), so there is a history to draw.
# shellcheck disable=SC2016 # expanded by the container's shell
demo='echo tick 1; x=; for i in 1 2 3 4 5 6 7 8; do x=$x$(head -c 4000000 /dev/zero | tr "\0" a); sleep 1; done; echo tick 2; echo bye >&2; exit 5'
say "podman run -d --name ocimon-demo --memory 128m --annotation io.ocimon.stats-interval=1 $OCIMON_IMAGE sh -c '$demo'"
pm run -d --name ocimon-demo --memory 128m --annotation io.ocimon.stats-interval=1 "$OCIMON_IMAGE" sh -c "$demo"
mpid=$(pm inspect ocimon-demo --format '{{.State.ConmonPid}}')
say "the container's monitor: pid $mpid, running $(readlink "/proc/$mpid/exe" 2>/dev/null || echo '?')"
ps -o pid,ppid,args -p "$mpid" | cut -c1-160 || true

OCTL=$(dirname "$OCIMON")/ocimonctl
if [[ -x $OCTL ]]; then
    sleep 3
    say "ocimonctl stats --no-stream (what conmon cannot tell: ocimon samples its container)"
    "$OCTL" stats --no-stream ocimon-demo || true
fi

say "podman wait ocimon-demo"
pm wait ocimon-demo

say "podman logs ocimon-demo"
pm logs ocimon-demo

if [[ -x $OCTL ]]; then
    say "ocimonctl logs ocimon-demo (stdout and stderr apart, rotated backups included)"
    "$OCTL" logs ocimon-demo || true
    say "ocimonctl inspect ocimon-demo (the exit summary, its history drawn)"
    "$OCTL" inspect ocimon-demo || true
fi

say "podman inspect ocimon-demo --format '{{.State.ExitCode}}'"
code=$(pm inspect ocimon-demo --format '{{.State.ExitCode}}')
echo "$code"
[[ $code -eq 5 ]] || die "expected exit code 5, got $code"

say "podman rm ocimon-demo"
pm rm ocimon-demo

say "done: podman ran its containers with $OCIMON as conmon"
say "to use ocimon for your own podman: install the Debian package (contrib/debian/build.sh)"
say "or run meson install, which writes /etc/containers/containers.conf.d/50-ocimon.conf;"
say "see contrib/containers.conf, and man ocimon, ocimonctl and ocimon.conf"
