#!/bin/bash
# Security (issue 7): modes of the sockets, FIFOs and logs the monitor creates; nothing of
# the monitor leaks into the container (no fd beyond 0 1 2, no _OCI_ variable); and with
# --log-allowlist-dir a symlink planted in place of the log is never followed out of the
# allowed directory, neither at create nor when the log is reopened (ctl "2 0 0").
# Test helpers are called through check/wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317,SC2016
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup podman
# shellcheck source=tests/integration/direct_lib.sh
source "$(dirname "$0")/direct_lib.sh"

I=$OCIMON_IMAGE
N=$T_NAME

mode_of() { stat -c %a "$1" 2>/dev/null; }

# ---- modes, through podman ------------------------------------------------------------------
pm_t 60 run -d --name "$N-modes" "$I" sh -c 'echo hello; sleep 600' >/dev/null
b=$(pm_t 30 inspect --format '{{.StaticDir}}' "$N-modes")
lp=$(pm_t 30 inspect --format '{{.HostConfig.LogConfig.Path}}' "$N-modes")
check "modes: attach socket exists" test -S "$b/attach"
assert_eq "modes: attach socket 0700" 700 "$(mode_of "$b/attach")"
if [[ -e $b/stats ]]; then
    check "modes: stats socket is a socket" test -S "$b/stats"
    assert_eq "modes: stats socket 0700" 700 "$(mode_of "$b/stats")"
fi
check "modes: ctl is a FIFO" test -p "$b/ctl"
assert_eq "modes: ctl FIFO 0660" 660 "$(mode_of "$b/ctl")"
check "modes: winsz is a FIFO" test -p "$b/winsz"
assert_eq "modes: winsz FIFO 0660" 660 "$(mode_of "$b/winsz")"
assert_eq "modes: k8s-file log 0640" 640 "$(mode_of "$lp")"
# With a umask that would allow more, the modes stay the same (the monitor sets them).
pm_t 60 rm -f -t 0 "$N-modes" >/dev/null 2>&1
(
    umask 000
    pm_t 60 run -d --name "$N-umask" "$I" sleep 600 >/dev/null
)
b=$(pm_t 30 inspect --format '{{.StaticDir}}' "$N-umask")
lp=$(pm_t 30 inspect --format '{{.HostConfig.LogConfig.Path}}' "$N-umask")
assert_eq "modes (umask 000): attach socket 0700" 700 "$(mode_of "$b/attach")"
assert_eq "modes (umask 000): ctl FIFO 0660" 660 "$(mode_of "$b/ctl")"
assert_eq "modes (umask 000): winsz FIFO 0660" 660 "$(mode_of "$b/winsz")"
assert_eq "modes (umask 000): k8s-file log 0640" 640 "$(mode_of "$lp")"
pm_t 60 rm -f -t 0 "$N-umask" >/dev/null 2>&1

# ---- nothing of the monitor leaks into the container -------------------------------------------
# "; true" keeps sh as PID 1 (busybox would exec a lone command), so /proc/1/fd is sh's.
for t in "" -t; do
    what=${t:+tty }pipes
    what=${t:+tty}${t:-pipes}
    out=$(pm_t 60 run --rm $t "$I" sh -c 'ls -1 /proc/1/fd; true' 2>&1 | tr -d '\r' | tr '\n' ' ')
    assert_eq "no leak ($what): /proc/1/fd is only 0 1 2" "0 1 2 " "$out"
    env=$(pm_t 60 run --rm $t "$I" sh -c 'tr "\0" "\n" </proc/1/environ; true' 2>&1 | tr -d '\r')
    assert_contains "no leak ($what): the environment was read" "PATH=" "$env"
    assert_not_contains "no leak ($what): no _OCI_ variable in the environment" "_OCI_" "$env"
done
pm_t 60 run -d --name "$N-exec" "$I" sleep 600 >/dev/null
out=$(pm_t 60 exec "$N-exec" sh -c 'ls -1 /proc/$$/fd; true' 2>&1 | tr '\n' ' ')
assert_eq "no leak (exec): the exec'd process has only 0 1 2" "0 1 2 " "$out"
env=$(pm_t 60 exec "$N-exec" env 2>&1)
assert_not_contains "no leak (exec): no _OCI_ variable in the environment" "_OCI_" "$env"
pm_t 60 rm -f -t 0 "$N-exec" >/dev/null 2>&1

# ---- --log-allowlist-dir and planted symlinks (monitor started directly) ------------------
allowed=$D_W/allowed
outside=$D_W/outside
mkdir -p "$allowed" "$outside"

# a_start ID LOG: the monitor as d_start runs it, but with LOG as its only log.
a_start() {
    local id=$1 b=$D_W/b/$1
    D_RC=0
    "$D_DRIVER" -t 30 -- "$OCIMON" --api-version 1 -c "$id" -u "$id" -r "$RUNC" -b "$b" \
        -p "$b/pidfile" -n "name-$id" --exit-dir "$D_EXITS" --full-attach -l "k8s-file:$2" \
        --log-level warning --conmon-pidfile "$b/conmon.pid" --runtime-arg "--root=$D_RUNC_ROOT" \
        --log-allowlist-dir "$allowed" >"$D_W/$id.out" 2>"$D_W/$id.err" || D_RC=$?
}

# A symlink in place of the log file, pointing out of the allowed directory.
id=$N-allow-link
d_bundle "$id" -- sh -c 'echo secret-output'
ln -sf "$outside/target.log" "$allowed/$id.log"
a_start "$id" "$allowed/$id.log"
msg=$(cat "$D_W/$id.out")
assert_eq "allowlist: the driver got an answer (no hang)" 0 "$D_RC"
assert_match "allowlist: a symlinked log file is refused at create" '^\{"data": -1, "message": ".+"\}$' "$msg"
assert_contains "allowlist: the message says why" "not inside the allowed directory" "$msg"
assert_contains "allowlist: the message names the log" "$id.log" "$msg"
check_not "allowlist: nothing was written through the symlink" test -e "$outside/target.log"
runc_ delete -f "$id" >/dev/null 2>&1

# A symlinked directory on the way.
id=$N-allow-dirlink
d_bundle "$id" -- sh -c 'echo secret-output'
ln -sfn "$outside" "$allowed/sub"
a_start "$id" "$allowed/sub/$id.log"
msg=$(cat "$D_W/$id.out")
assert_match "allowlist: a log under a symlinked directory is refused" '^\{"data": -1, "message": ".+"\}$' "$msg"
assert_contains "allowlist: ... and the message names that log" "$id.log is not inside" "$msg"
check_not "allowlist: nothing was created through the directory symlink" test -e "$outside/$id.log"
runc_ delete -f "$id" >/dev/null 2>&1

# "..": resolves outside.
id=$N-allow-dotdot
d_bundle "$id" -- sh -c 'echo secret-output'
a_start "$id" "$allowed/../outside/$id.log"
msg=$(cat "$D_W/$id.out")
assert_match "allowlist: a log path leaving through .. is refused" '^\{"data": -1, "message": ".+"\}$' "$msg"
assert_contains "allowlist: ... and the message names that log" "$id.log is not inside" "$msg"
check_not "allowlist: nothing was created through .." test -e "$outside/$id.log"
runc_ delete -f "$id" >/dev/null 2>&1

# A log inside works; then the file is replaced by a symlink out of the directory and the
# monitor is asked to reopen its log: it must not follow the link.
id=$N-allow-reopen
d_bundle "$id" -- sh -c 'echo before; while [ ! -e /tmp/never ]; do sleep 0.2; read -t 1 x; [ -n "$x" ] && echo "$x"; done'
d_bundle "$id" -- sh -c 'echo before; i=0; while [ $i -lt 100 ]; do i=$((i+1)); echo "tick $i"; sleep 0.1; done'
a_start "$id" "$allowed/$id.log"
assert_match "allowlist: a log inside the directory is accepted" '^\{"data": [0-9]+\}$' "$(cat "$D_W/$id.out")"
runc_ start "$id"
logged() { grep -q 'stdout F tick 3$' "$allowed/$id.log" 2>/dev/null; }
check "allowlist: the container logs inside the directory (10 s)" wait_for 10 logged
mv "$allowed/$id.log" "$allowed/$id.log.1"
ln -s "$outside/reopen-target.log" "$allowed/$id.log"
printf '2 0 0\n' >"$D_W/b/$id/ctl"
sleep 1
check_not "allowlist: reopen does not follow a symlink planted in place of the log" \
    test -s "$outside/reopen-target.log"
check "allowlist: the container keeps running after the refused reopen" \
    eval '[[ $(runc_ state "$id" 2>/dev/null) == *"\"status\": \"running\""* ]]'
runc_ kill "$id" KILL >/dev/null 2>&1
wait_for 10 file_exists "$D_EXITS/$id"
runc_ delete -f "$id" >/dev/null 2>&1

t_finish
