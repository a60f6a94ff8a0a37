#!/bin/bash
# Rootless podman with ocimon as conmon: a user with subordinate ids, its own
# XDG_RUNTIME_DIR and storage, podman run by that user. Its monitors run as uid 0 inside
# podman's user namespace, so "am I root?" must mean root of the host: the registry goes to
# the user's run dir, where that user's ocimonctl looks. On a cgroup v1 host the container
# gets no cgroup of its own (it shares its monitor's): stats must say so instead of
# reporting everything else in that cgroup, and top finds the container's processes by
# its pid namespace, as podman top does.
# Test helpers are called through check/wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

t_setup nopodman
make_rootfs >/dev/null || die "could not build the test image's rootfs"

U=ocimon-rootless
id -u "$U" >/dev/null 2>&1 || useradd -m -s /bin/sh "$U" || die "useradd $U failed"
uid=$(id -u "$U")
home=$(getent passwd "$U" | cut -d: -f6)
for f in /etc/subuid /etc/subgid; do
    grep -q "^$U:" "$f" 2>/dev/null || echo "$U:300000:65536" >>"$f"
done
rundir=/run/user/$uid
mkdir -p "$rundir" && chown "$U:" "$rundir" && chmod 700 "$rundir"

# The user's own copies of the monitor and ocimonctl (the build tree need not be readable
# by others), its podman configuration and state, all under one directory.
ud=$home/ocimon-test
as_root_cleanup() {
    pkill -KILL -u "$U" 2>/dev/null
    sleep 0.5
    unmount_under "$ud"
    rm -rf "$ud" "$rundir/containers" "$rundir/libpod" "$rundir/ocimon"
}
as_root_cleanup
mkdir -p "$ud/reports"
cp "$OCIMON" "$ud/ocimon"
OCTL_SRC=${OCIMONCTL:-$(dirname "$OCIMON")/ocimonctl}
have_ctl=false
if [[ -x $OCTL_SRC ]]; then
    cp "$OCTL_SRC" "$ud/ocimonctl"
    have_ctl=true
fi
cp "$OCIMON_IMAGE_DIR/rootfs.tar" "$ud/rootfs.tar"
# The user's configuration is the tests' own (contrib/lib.sh) with its paths, no network
# (slirp4netns needs /dev/net/tun), and sanitizer reports (ASan stage) in $ud/reports: the
# log_path the stage hands the monitors is writable by root only. Checked at the end.
(
    OCIMON=$ud/ocimon
    OCIMON_CONF_DIR=$ud
    CONTAINERS_CONF=$ud/containers.conf
    CONTAINERS_STORAGE_CONF=$ud/storage.conf
    CONTAINERS_REGISTRIES_CONF=$ud/registries.conf
    PM_ROOT=$ud/root
    PM_RUNROOT=$ud/runroot
    OCIMON_CONTAINERS_EXTRA='netns = "none"'
    OCIMON_CONMON_ENV=$(sed -E "s|log_path=[^: ]*/([^/: ]*)|log_path=$ud/reports/\\1|g" \
        <<<"${OCIMON_CONMON_ENV:-}")
    write_config
)
chown -R "$U:" "$ud"
t_on_exit as_root_cleanup

# as_user SECS CMD...: CMD as the user, with a clean environment, under a time limit.
as_user() {
    local secs=$1
    shift
    timeout -k 5 "$secs" runuser -u "$U" -- env -i HOME="$home" USER="$U" LOGNAME="$U" \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR="$rundir" \
        CONTAINERS_CONF="$ud/containers.conf" CONTAINERS_STORAGE_CONF="$ud/storage.conf" \
        CONTAINERS_REGISTRIES_CONF="$ud/registries.conf" \
        "$@"
}
upm() {
    local secs=$1
    shift
    as_user "$secs" podman --root "$ud/root" --runroot "$ud/runroot" --tmpdir "$ud/tmp" \
        --storage-driver vfs --conmon "$ud/ocimon" "$@"
}
I=localhost/ocimon-rootless:latest
N=$T_NAME

# Rootless containers need what a machine may not allow (user namespaces, the setuid
# newuidmap): podman itself, then Debian's conmon, must manage one first, or there is no
# ocimon behaviour to test here. This machine and CI allow it.
not_here() {
    echo "   (rootless cases not run: rootless podman fails on this machine even with"
    echo "    /usr/bin/conmon: $(head -c 300 <<<"$1" | tr '\n' ' '))"
    t_finish
}
probe=$(upm 60 unshare echo probe 2>&1)
[[ $probe == *probe* ]] || not_here "$probe"
import() { upm 120 import -q "$ud/rootfs.tar" "$I" >/dev/null 2>&1; }
check "rootless: import the image as $U" import
probe=$(as_user 60 podman --root "$ud/root" --runroot "$ud/runroot" --tmpdir "$ud/tmp" \
    --storage-driver vfs --conmon /usr/bin/conmon run --rm "$I" echo probe 2>&1)
[[ $probe == *probe* ]] || not_here "$probe"
assert_eq "rootless: podman uses ocimon" "$ud/ocimon" \
    "$(upm 60 info --format '{{.Host.Conmon.Path}}' 2>&1)"

rc=0
out=$(upm 60 run --rm "$I" sh -c 'echo out; echo err >&2; exit 7' 2>/dev/null) || rc=$?
assert_eq "rootless: run prints the output" "out" "$out"
assert_eq "rootless: run exits 7" 7 "$rc"

upm 60 run -d --name "$N-c" "$I" sh -c 'seq 1 1000; sleep 100' >/dev/null
lines() { [[ $(upm 30 logs "$N-c" 2>/dev/null | wc -l) == 1000 ]]; }
check "rootless: podman logs has 1000 lines (10 s)" wait_for 10 lines
rc=0
upm 60 exec "$N-c" sh -c 'exit 3' || rc=$?
assert_eq "rootless: exec exits 3" 3 "$rc"
mpid=$(upm 30 inspect "$N-c" --format '{{.State.ConmonPid}}')
cpid=$(upm 30 inspect "$N-c" --format '{{.State.Pid}}')
cid=$(upm 30 inspect "$N-c" --format '{{.Id}}')
assert_eq "rootless: the monitor is uid 0 in a user namespace" "0 $uid" \
    "$(awk 'NR == 1 { print $1, $2 }' "/proc/$mpid/uid_map" 2>/dev/null)"

if $have_ctl; then
    check "rootless: registered in the user's run dir" test -f "$rundir/ocimon/$cid.json"
    check_not "rootless: not in root's run dir" test -e "/run/ocimon/$cid.json"
    assert_contains "rootless: the user's ocimonctl ps lists it" "$N-c" \
        "$(as_user 30 "$ud/ocimonctl" ps 2>&1)"
    rc=0
    st=$(as_user 30 "$ud/ocimonctl" stats --no-stream --json "$N-c" 2>&1) || rc=$?
    if [[ $(cat "/proc/$cpid/cgroup" 2>/dev/null) == "$(cat "/proc/$mpid/cgroup" 2>/dev/null)" ]]; then
        assert_ne "rootless, no cgroup of its own: stats fails" 0 "$rc"
        assert_contains "rootless, no cgroup of its own: and says why" \
            "no cgroup of its own" "$st"
    else
        assert_eq "rootless, own cgroup: stats works" 0 "$rc"
        assert_contains "rootless, own cgroup: with numbers" '"mem_bytes"' "$st"
    fi
    top=$(as_user 30 "$ud/ocimonctl" top "$N-c" 2>&1)
    assert_match "rootless: top lists the container's init as root, PID 1" \
        '(^|'$'\n'')root +1 +0 .*sleep 100' "$top"
    assert_eq "rootless: top lists only the container's processes" 2 "$(wc -l <<<"$top")"
fi

upm 60 stop -t 1 "$N-c" >/dev/null 2>&1
assert_eq "rootless: stop gives 137" 137 "$(upm 30 inspect "$N-c" --format '{{.State.ExitCode}}')"
check "rootless: the monitor is gone (10 s)" wait_for 10 eval "! proc_alive $mpid"
if $have_ctl; then
    assert_contains "rootless: ocimonctl inspect shows the summary" "Exit status:  137" \
        "$(as_user 30 "$ud/ocimonctl" inspect "$N-c" 2>&1)"
fi
upm 60 rm -f "$N-c" >/dev/null 2>&1

reports=$(find "$ud/reports" -type f 2>/dev/null)
assert_eq "rootless: no sanitizer report from the user's monitors" "" "$reports"
for r in $reports; do
    echo "   $r: $(grep -m 1 -E 'SUMMARY|ERROR|runtime error' "$r")"
done

t_finish
