#!/bin/bash
# Bundle paths longer than a unix socket path (sun_path is 108 bytes): podman's storage
# root lives ~120 characters deep, so the attach socket path is over 200 characters.
# Test helpers are called through check/wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail

: "${OCIMON_TEST_DIR:=/tmp/ocimon-test}"
long_base=$OCIMON_TEST_DIR/long
deep=$long_base/$(printf 'a-rather-long-directory-name-%02d/' 1 2 3 4)
deep=${deep%/}
export OCIMON_CONF_DIR=$long_base/conf
export PM_ROOT=$deep/root
export PM_RUNROOT=$long_base/runroot
export PM_TMPDIR=$long_base/tmp

# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
reset_state >/dev/null
t_setup podman

I=$OCIMON_IMAGE
W=$T_WORK

check "storage root is at least 120 characters" test "${#PM_ROOT}" -ge 120

out=$(pm_t 60 info --format '{{.Host.Conmon.Path}}')
assert_eq "podman info reports the monitor as conmon" "$OCIMON" "$out"

rc=0
pm_t 60 run --rm "$I" sh -c 'echo out; echo err >&2; exit 4' >"$W/run.out" 2>"$W/run.err" || rc=$?
assert_eq "long path run: exit 4" 4 "$rc"
assert_eq "long path run: stdout" out "$(cat "$W/run.out")"
assert_contains "long path run: stderr" err "$(cat "$W/run.err")"

out=$(printf 'in1\nin2\n' | pm_t 60 run -i --rm "$I" cat)
assert_eq "long path run -i: stdin round trip" $'in1\nin2' "$out"

c=$T_NAME-ctr
pm_t 60 run -d --name "$c" "$I" sh -c 'echo started; sleep 100' >/dev/null
id=$(pm_t 30 inspect "$c" --format '{{.Id}}')
sock=$PM_ROOT/vfs-containers/$id/userdata/attach
check "attach socket path is longer than sun_path" test "${#sock}" -gt 108
check "attach socket exists in the long bundle" test -S "$sock"
out=$(pm_t 60 exec "$c" echo exec-ok)
assert_eq "long path exec" exec-ok "$out"
log_ok() { [[ $(pm_t 30 logs "$c" 2>/dev/null) == started ]]; }
check "long path logs" wait_for 10 log_ok
pm_t 60 stop -t 0 "$c" >/dev/null 2>&1
assert_eq "long path: exit code after stop" 137 "$(pm_t 30 inspect "$c" --format '{{.State.ExitCode}}')"
check "long path: no monitor remains (10 s)" wait_for 10 no_monitor_for "$id"
pm_t 60 rm -f "$c" >/dev/null

# podman attach connects to the running container's socket in the long bundle.
c=$T_NAME-attach
pm_t 60 run -d --name "$c" "$I" sh -c 'sleep 2; echo late-output; exit 6' >/dev/null
rc=0
out=$(pm_t 60 attach --no-stdin "$c" 2>/dev/null) || rc=$?
assert_eq "long path attach: output after attaching" late-output "$out"
assert_eq "long path attach: podman attach exits 0" 0 "$rc"
assert_eq "long path attach: exit code 6" 6 "$(pm_t 60 wait "$c")"
pm_t 60 rm -f "$c" >/dev/null

t_finish
