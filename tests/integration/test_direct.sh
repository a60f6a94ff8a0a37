#!/bin/bash
# The monitor driven directly, as podman drives it, with runc and a busybox OCI bundle:
# oci_driver (tests/integration/oci_driver.c) plays podman's part of the handshake.
# Test helpers are called through check/wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup nopodman

[[ -x $OCIMON ]] || die "monitor $OCIMON not found or not executable (build first)"
# shellcheck source=tests/integration/direct_lib.sh
source "$(dirname "$0")/direct_lib.sh"
W=$D_W
EXITS=$D_EXITS
DRIVER=$D_DRIVER
IDS=() # d_bundle records the ids for d_cleanup; kept for the cases below
make_bundle() { d_bundle "$@"; }
monitor_args() { d_monitor_args "$@"; }
# start_monitor ID [DRIVER-OPTS...] -- [EXTRA MONITOR ARGS...]: see d_start; status in DRV_RC.
start_monitor() {
    d_start "$@"
    DRV_RC=$D_RC
}

# exact_content NAME FILE VALUE: FILE holds VALUE and nothing else (no newline).
exact_content() {
    local got
    got=$(cat "$2" 2>/dev/null)
    if [[ $got == "$3" && $(wc -c <"$2") -eq ${#3} ]]; then
        pass "$1"
    else
        fail "$1" "$2: '$(t_show "$got")' ($(wc -c <"$2" 2>/dev/null) bytes), want '$3' without newline"
    fi
}

# --- create, start, exit: the whole life of one container ------------------------------------
id=ocimon-direct-ok
IDS+=("$id")
b=$W/b/$id
make_bundle "$id" -- sh -c 'echo hello; echo oops >&2; sleep 1; exit 3'
start_monitor "$id" -- --runtime-arg --log-format=json --runtime-arg --log "--runtime-arg=$b/oci-log" \
    --exit-command "$(command -v touch)" --exit-command-arg "$b/exit-command-ran"
msg=$(cat "$W/$id.out")
assert_eq "create: driver got a message" 0 "$DRV_RC"
assert_match "create: sync message is {\"data\": PID}" '^\{"data": [0-9]+\}$' "$msg"
cpid=$(sed -E 's/^\{"data": ([0-9]+)\}$/\1/' <<<"$msg")
assert_eq "create: sync pid = runtime pid file" "$(cat "$b/pidfile" 2>/dev/null)" "$cpid"
assert_contains "create: first monitor process exits 0 (daemonized)" "exited with status 0" "$(cat "$W/$id.err")"
mpid=$(cat "$b/conmon.pid" 2>/dev/null)
assert_match "create: conmon pid file holds a pid" '^[0-9]+$' "$mpid"
exact_content "create: conmon pid file has no newline" "$b/conmon.pid" "$mpid"
check "create: daemonized monitor alive" proc_alive "$mpid"
assert_eq "create: daemon runs the monitor binary" "$(readlink -f "$OCIMON")" "$(real_exe "$mpid")"
first=$(sed -n 's/^oci_driver: monitor pid //p' "$W/$id.err")
assert_ne "create: pid file names the daemon, not the first process" "$first" "$mpid"
check "create: attach socket in the bundle" test -S "$b/attach"
check "create: ctl FIFO in the bundle" test -p "$b/ctl"
check "create: winsz FIFO in the bundle" test -p "$b/winsz"
assert_match "create: runc state is created" '"status": "created"' "$(runc_ state "$id" 2>&1)"
check "start: runc start" runc_ start "$id"
check "exit: exit file appears (10 s)" wait_for 10 file_exists "$EXITS/$id"
exact_content "exit: exit file = 3, no newline" "$EXITS/$id" 3
exact_content "exit: persist-dir/exit = 3, no newline" "$W/persist/$id/exit" 3
log=$(cat "$b/ctr.log" 2>/dev/null)
assert_match "log: stdout CRI line" '(^|'$'\n'')[^ ]+ stdout F hello('$'\n''|$)' "$log"
assert_match "log: stderr CRI line" '(^|'$'\n'')[^ ]+ stderr F oops('$'\n''|$)' "$log"
assert_match "log: timestamp format" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}([+-][0-9]{2}:[0-9]{2}|Z) ' "$log"
check "exit: exit command ran (10 s)" wait_for 10 file_exists "$b/exit-command-ran"
check "exit: monitor gone (10 s)" wait_for 10 eval "! proc_alive $mpid"
check "exit: runc delete" runc_ delete "$id"

# --- the runtime fails: {"data": -1, "message": ...} -----------------------------------------
id=ocimon-direct-nobin
IDS+=("$id")
make_bundle "$id" -- /no/such/binary
start_monitor "$id"
msg=$(cat "$W/$id.out")
assert_eq "create failure: driver got a message" 0 "$DRV_RC"
assert_match "create failure: {\"data\": -1, \"message\": \"...\"}" '^\{"data": -1, "message": ".+"\}$' "$msg"
# JSON may escape "/" as "\/" (conmon 2.2 does): undo that before looking for the path.
assert_contains "create failure: message names the binary" "/no/such/binary" "${msg//\\\//\/}"
check "create failure: no monitor remains (10 s)" wait_for 10 no_monitor_for "$id"
runc_ delete -f "$id" >/dev/null 2>&1

# --- --sync: the monitor stays in the foreground ---------------------------------------------
id=ocimon-direct-sync
IDS+=("$id")
make_bundle "$id" -- sh -c 'echo synced; exit 5'
mapfile -t margs < <(monitor_args "$id")
"$DRIVER" -t 30 -w -- "$OCIMON" "${margs[@]}" --sync >"$W/$id.out" 2>"$W/$id.err" &
drv=$!
has_line() { [[ $(wc -l <"$W/$id.out") -ge 1 ]]; }
check "sync: first message arrives (30 s)" wait_for 30 has_line
assert_match "sync: message is {\"data\": PID}" '^\{"data": [0-9]+\}$' "$(head -n 1 "$W/$id.out")"
spid=$(sed -n 's/^oci_driver: monitor pid //p' "$W/$id.err")
check "sync: the monitor we started is still running" proc_alive "$spid"
assert_not_contains "sync: the monitor has not exited" "exited with status" "$(cat "$W/$id.err")"
check "sync: runc start" runc_ start "$id"
drc=0
wait_for_pid() { ! kill -0 "$drv" 2>/dev/null; }
if wait_for 30 wait_for_pid; then
    wait "$drv" || drc=$?
    assert_eq "sync: driver saw EOF and the monitor exit" 0 "$drc"
else
    kill "$drv" 2>/dev/null
    fail "sync: driver saw EOF and the monitor exit" "driver still running after 30 s"
fi
assert_contains "sync: monitor exits with the container's status" "monitor $spid exited with status 5" "$(cat "$W/$id.err")"
exact_content "sync: exit file = 5" "$EXITS/$id" 5
assert_match "sync: log has the output" '[^ ]+ stdout F synced' "$(cat "$W/b/$id/ctr.log" 2>/dev/null)"
runc_ delete -f "$id" >/dev/null 2>&1

# --- without --api-version the key is "pid" (CRI-O's legacy mode) ----------------------------
id=ocimon-direct-legacy
IDS+=("$id")
b=$W/b/$id
make_bundle "$id" -- true
mapfile -t margs < <(monitor_args "$id")
margs=("${margs[@]:2}") # drop "--api-version 1"
DRV_RC=0
"$DRIVER" -t 30 -- "$OCIMON" "${margs[@]}" >"$W/$id.out" 2>"$W/$id.err" || DRV_RC=$?
assert_eq "legacy: driver got a message" 0 "$DRV_RC"
assert_match "legacy: sync message is {\"pid\": PID}" '^\{"pid": [0-9]+\}$' "$(cat "$W/$id.out")"
check "legacy: runc start" runc_ start "$id"
check "legacy: exit file (10 s)" wait_for 10 file_exists "$EXITS/$id"
exact_content "legacy: exit file = 0" "$EXITS/$id" 0
runc_ delete -f "$id" >/dev/null 2>&1

# --- killed by a signal: 128 + signal ----------------------------------------------------------
id=ocimon-direct-kill
IDS+=("$id")
make_bundle "$id" --hostpid -- sh -c 'kill -9 $$'
start_monitor "$id"
assert_match "signal: created" '^\{"data": [0-9]+\}$' "$(cat "$W/$id.out")"
check "signal: runc start" runc_ start "$id"
check "signal: exit file (10 s)" wait_for 10 file_exists "$EXITS/$id"
exact_content "signal: exit file = 137" "$EXITS/$id" 137
runc_ delete -f "$id" >/dev/null 2>&1

# --- volume through the k8s-file log -----------------------------------------------------------
id=ocimon-direct-seq
IDS+=("$id")
b=$W/b/$id
make_bundle "$id" -- sh -c 'seq 1 100000; seq 1 20000 >&2'
start_monitor "$id"
check "seq: runc start" runc_ start "$id"
check "seq: exit file (30 s)" wait_for 30 file_exists "$EXITS/$id"
# Reassemble the log: P records continue on the next record of the same stream.
if cmp -s <(cri_stream "$b/ctr.log" stdout) <(seq 1 100000); then
    pass "seq: stdout in the log equals seq 1 100000"
else
    fail "seq: stdout in the log equals seq 1 100000" "$(cri_stream "$b/ctr.log" stdout | wc -l) lines"
fi
if cmp -s <(cri_stream "$b/ctr.log" stderr) <(seq 1 20000); then
    pass "seq: stderr in the log equals seq 1 20000"
else
    fail "seq: stderr in the log equals seq 1 20000" "$(cri_stream "$b/ctr.log" stderr | wc -l) lines"
fi
bad=$(grep -cvE '^[^ ]+ (stdout|stderr) [PF] ' "$b/ctr.log")
assert_eq "seq: every log line is a CRI record" 0 "$bad"
runc_ delete -f "$id" >/dev/null 2>&1

# --- --timeout: the container is killed --------------------------------------------------------
id=ocimon-direct-timeout
IDS+=("$id")
make_bundle "$id" -- sleep 60
start_monitor "$id" -- --timeout 2
check "timeout: created" test "$DRV_RC" -eq 0
t0=$(now_ms)
runc_ start "$id"
check "timeout: exit file within 6 s" wait_for 6 file_exists "$EXITS/$id"
t1=$(now_ms)
assert_le "timeout: killed after about 2 s" 6000 $((t1 - t0))
exact_content "timeout: exit file = -1" "$EXITS/$id" -1
check "timeout: no monitor remains (10 s)" wait_for 10 no_monitor_for "$id"
stopped() { [[ $(runc_ state "$id" 2>/dev/null) != *'"status": "running"'* ]]; }
check "timeout: container no longer running" wait_for 5 stopped
runc_ delete -f "$id" >/dev/null 2>&1

# --- fds inherited from podman (reserved host ports) are closed before the exit files -------
id=ocimon-direct-fds
IDS+=("$id")
b=$W/b/$id
echo held >"$W/held-$id"
make_bundle "$id" -- sh -c 'sleep 1; exit 2'
start_monitor "$id" -F "$W/held-$id" -- --exit-command /bin/sleep --exit-command-arg 3
mpid=$(cat "$b/conmon.pid" 2>/dev/null)
holds() { ls -l "/proc/$mpid/fd" 2>/dev/null | grep -- "held-$id" >/dev/null; }
check "fds: monitor holds the inherited fd while the container runs" holds
check "fds: runc start" runc_ start "$id"
check "fds: exit file (10 s)" wait_for 10 file_exists "$EXITS/$id"
check "fds: monitor still alive (running the exit command)" proc_alive "$mpid"
check "fds: inherited fd closed before the exit file was written" eval '! holds'
exact_content "fds: exit file = 2" "$EXITS/$id" 2
runc_ delete -f "$id" >/dev/null 2>&1

# --- SIGTERM to the monitor goes to the container ---------------------------------------------
id=ocimon-direct-sigterm
IDS+=("$id")
b=$W/b/$id
make_bundle "$id" -- sh -c 'trap "echo got-term; exit 9" TERM; echo ready; while true; do sleep 0.2; done'
start_monitor "$id"
mpid=$(cat "$b/conmon.pid" 2>/dev/null)
runc_ start "$id"
ready() { grep -q 'stdout F ready' "$b/ctr.log" 2>/dev/null; }
check "sigterm: container ready (10 s)" wait_for 10 ready
kill -TERM "$mpid" 2>/dev/null
check "sigterm: exit file (10 s)" wait_for 10 file_exists "$EXITS/$id"
exact_content "sigterm: container's trap exit status 9" "$EXITS/$id" 9
assert_match "sigterm: container saw TERM and its output was logged" 'stdout F got-term' "$(cat "$b/ctr.log" 2>/dev/null)"
runc_ delete -f "$id" >/dev/null 2>&1

# --- without --full-attach: <socket-dir>/<cuuid> -> bundle, removed at exit (CRI-O) --------
id=ocimon-direct-sockdir
IDS+=("$id")
b=$W/b/$id
make_bundle "$id" -- sh -c 'sleep 1; exit 0'
mapfile -t margs < <(monitor_args "$id" | grep -vx -- --full-attach)
DRV_RC=0
"$DRIVER" -t 30 -- "$OCIMON" "${margs[@]}" --socket-dir-path "$W/sockets" >"$W/$id.out" 2>"$W/$id.err" || DRV_RC=$?
assert_eq "sockdir: created" 0 "$DRV_RC"
assert_eq "sockdir: symlink to the bundle" "$b" "$(readlink "$W/sockets/$id")"
check "sockdir: attach socket reached through it" test -S "$W/sockets/$id/attach"
runc_ start "$id"
check "sockdir: exit file (10 s)" wait_for 10 file_exists "$EXITS/$id"
gone() { [[ ! -L $W/sockets/$id ]]; }
check "sockdir: symlink removed at exit (5 s)" wait_for 5 gone
runc_ delete -f "$id" >/dev/null 2>&1

# --- a runtime that dies or lies during create: a clear sync error, never an empty one ------
fake_runtime() { # NAME BODY: a runtime script in $W
    printf '#!/bin/sh\n%s\n' "$2" >"$W/$1"
    chmod +x "$W/$1"
}
fake_runtime rt-killed 'kill -9 $$'
fake_runtime rt-silent 'exit 1'
fake_runtime rt-nopid 'exit 0'
for rt in rt-killed rt-silent rt-nopid; do
    id=ocimon-direct-$rt
    make_bundle "$id" -- true
    start_monitor "$id" -t 10 -- -r "$W/$rt"
    msg=$(cat "$W/$id.out")
    assert_match "$rt: {\"data\": -1, \"message\": non-empty}" '^\{"data": -1, "message": ".+"\}$' "$msg"
    case $rt in
    rt-killed) assert_contains "$rt: message says the runtime was killed" "signal 9" "$msg" ;;
    rt-silent) assert_contains "$rt: message gives the exit status" "exit status 1" "$msg" ;;
    rt-nopid) assert_contains "$rt: message names the pid file" "pidfile" "$msg" ;;
    esac
    check "$rt: no monitor remains (10 s)" wait_for 10 no_monitor_for "$id"
done

# --- valgrind: a whole --sync life of the monitor leaks nothing and has no memory errors --
# (Not for a monitor built with ASan, which cannot run under valgrind: contrib/test.sh's
# sanitizer stage runs this file with one.)
if monitor_has_asan; then
    echo "   (valgrind cases skipped: $OCIMON is built with AddressSanitizer)"
else
    id=ocimon-direct-valgrind
    IDS+=("$id")
    b=$W/b/$id
    make_bundle "$id" -- sh -c 'echo under valgrind; echo err >&2; exit 4'
    mapfile -t margs < <(monitor_args "$id")
    "$DRIVER" -t 60 -w -- valgrind --leak-check=full --errors-for-leak-kinds=definite \
        --error-exitcode=99 --log-file="$W/valgrind-$id.log" \
        "$OCIMON" "${margs[@]}" --sync >"$W/$id.out" 2>"$W/$id.err" &
    drv=$!
    has_line() { [[ $(wc -l <"$W/$id.out") -ge 1 ]]; }
    check "valgrind: created under valgrind (60 s)" wait_for 60 has_line
    runc_ start "$id"
    drc=0
    wait "$drv" || drc=$?
    assert_eq "valgrind: driver saw the monitor finish" 0 "$drc"
    assert_contains "valgrind: monitor exit status is the container's (no valgrind error)" \
        "exited with status 4" "$(cat "$W/$id.err")"
    assert_match "valgrind: no definite leaks" 'definitely lost: 0 bytes|no leaks are possible' "$(cat "$W/valgrind-$id.log")"
    assert_contains "valgrind: no errors" "ERROR SUMMARY: 0 errors" "$(cat "$W/valgrind-$id.log")"
    runc_ delete -f "$id" >/dev/null 2>&1
fi

# --- ctl "2 0 0": kubelet renames the log, the monitor reopens it at once -------------------
id=ocimon-direct-reopen
IDS+=("$id")
b=$W/b/$id
make_bundle "$id" -- sh -c 'echo before; sleep 3; echo after'
start_monitor "$id"
runc_ start "$id"
before() { grep -q 'stdout F before' "$b/ctr.log" 2>/dev/null; }
check "reopen: first line logged (10 s)" wait_for 10 before
mv "$b/ctr.log" "$b/ctr.log.rotated"
echo "2 0 0" >"$b/ctl"
check "reopen: log recreated while the container is silent (1 s)" wait_for 1 test -e "$b/ctr.log"
check "reopen: exit file (15 s)" wait_for 15 file_exists "$EXITS/$id"
assert_match "reopen: later output in the new file" 'stdout F after' "$(cat "$b/ctr.log" 2>/dev/null)"
assert_not_contains "reopen: earlier output stays in the renamed file" before "$(cat "$b/ctr.log" 2>/dev/null)"
assert_match "reopen: renamed file kept its line" 'stdout F before' "$(cat "$b/ctr.log.rotated")"
runc_ delete -f "$id" >/dev/null 2>&1

# --- --log-rotate: numbered backups, nothing lost while they last -----------------------------
id=ocimon-direct-rotate
IDS+=("$id")
b=$W/b/$id
make_bundle "$id" -- seq 1 3000
start_monitor "$id" -- --log-size-max 20000 --log-rotate --log-max-files 10
runc_ start "$id"
check "rotate: exit file (15 s)" wait_for 15 file_exists "$EXITS/$id"
check "rotate: first backup exists" test -e "$b/ctr.log.1"
all=$(for f in "$b"/ctr.log.{10,9,8,7,6,5,4,3,2,1} "$b/ctr.log"; do [[ -e $f ]] && cat "$f"; done | cri_stream /dev/stdin stdout)
if [[ $all == "$(seq 1 3000)" ]]; then
    pass "rotate: backups + log hold every line, in order"
else
    fail "rotate: backups + log hold every line, in order" "$(wc -l <<<"$all") lines"
fi
big=0
for f in "$b"/ctr.log*; do (($(stat -c %s "$f") > 20000)) && big=1; done
assert_eq "rotate: no file above --log-size-max" 0 "$big"
runc_ delete -f "$id" >/dev/null 2>&1

t_finish
