#!/bin/bash
# The sd-notify proxy (SPEC §1.15): through podman --sdnotify=container, and driven directly
# with a bundle path longer than sun_path. A datagram socket of the test's own plays systemd.
# Test helpers are called through check/wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup podman
# shellcheck source=tests/integration/direct_lib.sh
source "$(dirname "$0")/direct_lib.sh"

I=$OCIMON_IMAGE
W=$T_WORK

# Static, so it also runs inside the busybox image.
NH=$W/notify_helper
gcc -std=gnu11 -Wall -Werror -O2 -static -o "$NH" "$(dirname "$0")/notify_helper.c" ||
    die "cannot compile notify_helper.c"

# listen NAME SECS: a "systemd" socket at $W/NAME.sock printing what it receives to
# $W/NAME.got; returns once it is bound.
listen() {
    rm -f "$W/$1.got"
    "$NH" recv "$W/$1.sock" "$2" >"$W/$1.got" 2>&1 &
    LISTENER=$!
    bound() { grep -q LISTENING "$W/$1.got" 2>/dev/null; }
    wait_for 5 bound "$1" || fail "listener $1 bound" "no LISTENING line"
}
# received NAME: the datagrams as lines (without the LISTENING/END markers).
received() { grep -v -e '^LISTENING$' -e '^END$' "$W/$1.got"; }

# --- podman run --sdnotify=container --------------------------------------------------------
listen podman 6
rc=0
# shellcheck disable=SC2016 # expanded by the container's shell
NOTIFY_SOCKET=$W/podman.sock pm_t 60 run --rm --sdnotify=container -v "$NH:/nh:ro" "$I" sh -c '
    echo "sock=$NOTIFY_SOCKET"
    ls -l /run/notify/notify.sock
    /nh send - "$(printf "MAINPID=1\nSTATUS=warming up\nREADY=1")"
    /nh send - "BOGUS=1"
    /nh send - "$(printf "WATCHDOG=1\r\nFDSTORE=1")"
    /nh send - "STOPPING=1"' >"$W/podman.out" 2>&1 || rc=$?
wait "$LISTENER"
out=$(cat "$W/podman.out")
got=$(received podman)
assert_eq "podman: run exits 0" 0 "$rc"
assert_contains "podman: container's NOTIFY_SOCKET is /run/notify/notify.sock" "sock=/run/notify/notify.sock" "$out"
assert_match "podman: notify.sock is a socket, mode 0777" 'srwxrwxrwx .*notify.sock' "$out"
assert_contains "podman: STATUS and READY forwarded in one datagram" 'STATUS=warming up\nREADY=1' "$got"
assert_contains "podman: WATCHDOG=1 forwarded without the rest" $'\nWATCHDOG=1\n' "$got"
assert_contains "podman: STOPPING=1 forwarded" 'STOPPING=1' "$got"
assert_not_contains "podman: the container's MAINPID is not forwarded" 'MAINPID=1' "$(grep -v '^MAINPID=[0-9][0-9]' <<<"$got")"
assert_not_contains "podman: BOGUS=1 not forwarded" 'BOGUS' "$got"
assert_not_contains "podman: FDSTORE=1 not forwarded" 'FDSTORE' "$got"

# --- direct: a bundle longer than sun_path, no notify/ directory beforehand ---------------------
long=$D_W/b/$(printf 'notify-bundle-with-a-long-name-%02d-' 1 2 3 4)
id=${long##*/}
id=${id%-}
d_bundle "$id" -- sh -c 'sleep 3; exit 0'
b=$D_W/b/$id
sock=$b/notify/notify.sock
check "direct: bundle/notify/notify.sock path is longer than sun_path" test "${#sock}" -gt 108
listen direct 6
d_start "$id" -- "--sdnotify-socket=$W/direct.sock"
assert_match "direct: created" '^\{"data": [0-9]+\}$' "$(cat "$D_W/$id.out")"
check "direct: notify dir created" test -d "$b/notify"
check "direct: notify.sock is a socket" test -S "$b/notify/notify.sock"
assert_eq "direct: notify.sock mode 777" 777 "$(stat -c %a "$b/notify/notify.sock" 2>/dev/null)"
# The socket is reached through a short symlink: its own path is too long to connect to.
ln -sfn "$b/notify" "$W/n"
"$NH" send "$W/n/notify.sock" "$(printf 'READY=1\nMAINPID=99')"
"$NH" send "$W/n/notify.sock" "ERRNO=5"
"$NH" send "$W/n/notify.sock" "X=1"
"$NH" send "$W/n/notify.sock" "$(printf 'MONOTONIC_USEC=42\nRELOADING=1\nBUSERROR=a.b')"
runc_ start "$id"
check "direct: exit file (10 s)" wait_for 10 file_exists "$D_EXITS/$id"
wait "$LISTENER"
got=$(received direct)
expected=$'READY=1\nERRNO=5\nMONOTONIC_USEC=42\\nRELOADING=1\\nBUSERROR=a.b'
assert_eq "direct: exactly the allowed lines, in order, one datagram each" "$expected" "$got"
runc_ delete -f "$id" >/dev/null 2>&1

# --- direct: a proxy whose systemd is gone neither blocks nor kills the monitor ----------------
id=notify-nohost
d_bundle "$id" -- sh -c 'sleep 2; exit 4'
b=$D_W/b/$id
d_start "$id" -- "--sdnotify-socket=$W/nobody.sock"
"$NH" send "$b/notify/notify.sock" "READY=1"
runc_ start "$id"
check "no host socket: exit file (10 s)" wait_for 10 file_exists "$D_EXITS/$id"
assert_eq "no host socket: the container's exit status" 4 "$(cat "$D_EXITS/$id" 2>/dev/null)"
runc_ delete -f "$id" >/dev/null 2>&1

t_finish
