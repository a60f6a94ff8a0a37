#!/bin/bash
# OOM detection (SPEC §1.10): a container killed for lack of memory leaves <bundle>/oom and
# <persist-dir>/oom, and podman reports State.OOMKilled; a normal exit leaves neither.
# Test helpers are called through check/wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup podman
# shellcheck source=tests/integration/direct_lib.sh
source "$(dirname "$0")/direct_lib.sh"

I=$OCIMON_IMAGE
MEM=33554432 # 32 MiB
RES="\"memory\": { \"limit\": $MEM, \"swap\": $MEM }"
# shellcheck disable=SC2016 # expanded by the container's shell
HOG='x=a; while true; do x=$x$x; done'

# --- through podman: State.OOMKilled --------------------------------------------------------
# podman 4.3.1 reads <bundle>/oom for OOMKilled and removes it in its cleanup, so the file
# may exist only for a moment: OOMKilled is the proof it was there (the direct cases below
# check both oom files themselves).
c=$T_NAME-hog
pm_t 60 create --name "$c" --memory 32m "$I" sh -c "sleep 1; $HOG" >/dev/null
pm_t 60 start "$c" >/dev/null
pm_t 60 wait "$c" >/dev/null 2>&1
assert_eq "podman: OOMKilled is true" true "$(pm_t 30 inspect --format '{{.State.OOMKilled}}' "$c")"
assert_eq "podman: exit code 137 (SIGKILL)" 137 "$(pm_t 30 inspect --format '{{.State.ExitCode}}' "$c")"

rc=0
pm_t 60 run --name "$T_NAME-run" --memory 32m "$I" sh -c "$HOG" >/dev/null 2>&1 || rc=$?
assert_eq "podman run: exit code 137" 137 "$rc"
assert_eq "podman run: OOMKilled is true" true "$(pm_t 30 inspect --format '{{.State.OOMKilled}}' "$T_NAME-run")"

rc=0
pm_t 60 run --name "$T_NAME-ok" --memory 32m "$I" sh -c 'echo fine' >/dev/null 2>&1 || rc=$?
assert_eq "podman normal exit: exit code 0" 0 "$rc"
assert_eq "podman normal exit: OOMKilled is false" false "$(pm_t 30 inspect --format '{{.State.OOMKilled}}' "$T_NAME-ok")"

# --- direct: both files, and nothing after a normal exit ---------------------------------------
id=oom-direct-hog
b=$D_W/b/$id
d_bundle "$id" -r "$RES" -- sh -c "$HOG"
d_start "$id"
assert_match "direct: created" '^\{"data": [0-9]+\}$' "$(cat "$D_W/$id.out")"
runc_ start "$id"
check "direct: exit file (20 s)" wait_for 20 file_exists "$D_EXITS/$id"
assert_eq "direct: exit status 137" 137 "$(cat "$D_EXITS/$id" 2>/dev/null)"
check "direct: <persist-dir>/oom exists" test -f "$D_W/persist/$id/oom"
check "direct: <bundle>/oom exists" test -f "$b/oom"
assert_eq "direct: <bundle>/oom is empty" 0 "$(stat -c %s "$b/oom" 2>/dev/null)"
# The oom file comes before the exit file: podman reads it when the exit file appears.
mtime_ns() { local t; t=$(stat -c %.9Y "$1" 2>/dev/null) || t=0.0; printf '%s' "${t/./}"; }
oom_t=$(mtime_ns "$b/oom")
exit_t=$(mtime_ns "$D_EXITS/$id")
check "direct: oom file written no later than the exit file" test "$oom_t" -le "$exit_t"
runc_ delete -f "$id" >/dev/null 2>&1

# An OOM kill of one process while the container goes on: seen as it happens (the cgroup
# event), not only by the check at exit.
id=oom-direct-child
b=$D_W/b/$id
d_bundle "$id" -r "$RES" -- sh -c "( $HOG ); echo survived; sleep 4; exit 3"
d_start "$id"
runc_ start "$id"
check "direct child OOM: <bundle>/oom while the container still runs (15 s)" \
    wait_for 15 file_exists "$b/oom"
check "direct child OOM: container still running then" test ! -e "$D_EXITS/$id"
check "direct child OOM: exit file (20 s)" wait_for 20 file_exists "$D_EXITS/$id"
assert_eq "direct child OOM: container's own exit status 3" 3 "$(cat "$D_EXITS/$id" 2>/dev/null)"
check "direct child OOM: <persist-dir>/oom exists" test -f "$D_W/persist/$id/oom"
assert_contains "direct child OOM: the shell went on" "survived" "$(cat "$b/ctr.log" 2>/dev/null)"
runc_ delete -f "$id" >/dev/null 2>&1

id=oom-direct-ok
b=$D_W/b/$id
d_bundle "$id" -r "$RES" -- sh -c 'echo fine; exit 0'
d_start "$id"
runc_ start "$id"
check "direct normal exit: exit file (10 s)" wait_for 10 file_exists "$D_EXITS/$id"
assert_eq "direct normal exit: exit status 0" 0 "$(cat "$D_EXITS/$id" 2>/dev/null)"
check "direct normal exit: no <persist-dir>/oom" test ! -e "$D_W/persist/$id/oom"
check "direct normal exit: no <bundle>/oom" test ! -e "$b/oom"
runc_ delete -f "$id" >/dev/null 2>&1

t_finish
