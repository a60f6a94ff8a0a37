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

# --- ocimonctl inspect: memory climbing to the limit, then the OOM kill, as a picture ----------
# A slow climb (sort keeps every line: half a megabyte each quarter second) sampled every
# second, so the kept history has the climb in it.
OCTL=${OCIMONCTL:-$(dirname "$OCIMON")/ocimonctl}
non_ascii() { LC_ALL=C grep -q $'[\x80-\xff]'; }
if [[ -x $OCTL ]]; then
    c=$T_NAME-climb
    rc=0
    pm_t 90 run --name "$c" --memory 32m --annotation io.ocimon.stats-interval=1 "$I" \
        sh -c '(while true; do head -c 500000 /dev/zero | tr "\0" a; echo; sleep 0.25; done) | sort >/dev/null' \
        >/dev/null 2>&1 || rc=$?
    assert_eq "climb: killed (exit 137)" 137 "$rc"
    s=$("$OCTL" inspect --json "$c" 2>&1)
    check "climb: the summary keeps the history (>= 5 samples)" test "$(jq '.history | length' <<<"$s")" -ge 5
    check "climb: --json keeps the raw numbers, reaching 90% of the limit" \
        jq -e '([.history[].mem_bytes] | max) >= 0.9 * .mem_limit_bytes' <<<"$s"
    pic=$(LC_ALL=C.UTF-8 "$OCTL" inspect "$c" 2>&1)
    sed -n '/^History/,/^  PIDs/p' <<<"$pic" | sed 's/^/   | /' # the picture, in the test's log
    mem=$(grep -A1 '^  Memory' <<<"$pic" | tail -n 1)
    assert_match "climb: the limit drawn above the memory row" '^  Memory +┈+  limit 33\.55MB$' \
        "$(grep '^  Memory' <<<"$pic")"
    # The first sample may come a few MB into the climb (a loaded machine): low, not lowest.
    assert_match "climb: the memory row rises from low to a full block" '^ +(▁|▂|▃)(▁|▂|▃|▄|▅|▆|▇|█)*█' "$mem"
    assert_contains "climb: ... and says OOM killed" "OOM killed" "$mem"
    check_not "climb: no colour when not on a terminal" grep -q $'\033' <<<"$pic"
    asc=$("$OCTL" inspect --ascii "$c" 2>&1)
    check_not "climb: --ascii is plain ASCII" non_ascii <<<"$asc"
    assert_match "climb: --ascii memory row climbs to #" '^ +[_.-][_.~=+*#-]*#' "$(grep -A1 '^  Memory' <<<"$asc" | tail -n 1)"
    check_not "climb: the C locale draws ASCII too" non_ascii <<<"$(LC_ALL=C "$OCTL" inspect "$c" 2>&1)"
else
    fail "climb: ocimonctl" "no ocimonctl beside $OCIMON"
fi

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
