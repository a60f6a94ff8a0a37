#!/bin/bash
# Behaviour where ocimon once differed from conmon's main (issue 10), driven directly with
# runc and a busybox bundle: exec --exec-attach waits for the second start-pipe write; an
# exec whose runtime fails reports the runtime's words on the sync pipe (podman's protocol
# and CRI-O's ExecSync); the attach socket is removed once the monitor is done; a ctl
# reopen rotates with --log-rotate (and still follows kubelet's rename); a ctl resize with
# extra fields is a resize.
# Helpers are called through check/wait_for, which shellcheck cannot see.
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

# exec_spec FILE ARGS...: an OCI process spec running ARGS, as podman writes it for exec.
exec_spec() {
    local f=$1 a args=""
    shift
    for a in "$@"; do
        args+="${args:+, }$(d_json_str "$a")"
    done
    cat >"$f" <<EOF
{ "terminal": false, "user": { "uid": 0, "gid": 0 }, "args": [ $args ],
  "env": [ "PATH=/bin" ], "cwd": "/" }
EOF
}

# running_container ID: a container that runs until killed, created and started.
running_container() {
    d_bundle "$1" -- sh -c 'echo up; while true; do sleep 1; done'
    d_start "$1"
    runc_ start "$1"
}

# exec_args ID SESSION: the monitor's arguments for an exec session as podman passes them.
exec_args() {
    local id=$1 eb=$W/b/$1/$2
    mkdir -p "$eb/exit"
    printf '%s\n' --api-version 1 -c "$id" -u "$2" -r "$RUNC" -b "$eb" -p "$eb/exec_pid" \
        -n "name-$id" --exit-dir "$eb/exit" --full-attach -l "k8s-file:$eb/exec.log" \
        --log-level warning --runtime-arg "--root=$D_RUNC_ROOT" -e --exec-process-spec "$eb/spec.json"
}

logged() { grep -q -- "$2" "$1" 2>/dev/null; }
# ctl_write FIFO LINE: a ctl message; never blocks when no monitor reads the FIFO.
ctl_write() { timeout 5 sh -c 'printf "%s\n" "$2" >"$1"' sh "$1" "$2"; }

# --- exec --exec-attach: the exec waits for podman's second start-pipe write ------------------
# podman writes the start pipe once when the monitor may go on, and again once it has
# attached to the exec session; conmon reads it before forking, then again in the runtime
# child. A first write of more than one byte must not count as the second.
id=fid-exec-attach
running_container "$id"
sess=sess1
eb=$W/b/$id/$sess
mapfile -t margs < <(exec_args "$id" "$sess")
exec_spec "$eb/spec.json" sh -c 'echo Hello from exec!'
mkfifo "$W/start-$sess"
{
    exec {w}>"$W/start-$sess"
    printf 'start conmon\n' >&$w
    wait_for 20 test -e "$W/continue-$sess"
    printf 'start attach\n' >&$w
    exec {w}>&-
} &
writer=$!
RC=0
_OCI_ATTACHPIPE=4 _OCI_STARTPIPE=5 _OCI_SYNCPIPE=6 timeout 30 "$OCIMON" "${margs[@]}" --exec-attach \
    4>"$W/attach-$sess.out" 5<"$W/start-$sess" 6>"$W/sync-$sess.out" 2>"$W/mon-$sess.err" || RC=$?
assert_eq "exec-attach: the first process exits 0 (daemonized)" 0 "$RC"
check "exec-attach: {\"data\": 0} on the attach pipe (10 s)" wait_for 10 logged "$W/attach-$sess.out" '{"data": 0}'
check "exec-attach: attach socket in the exec bundle" test -S "$eb/attach"
sleep 1
check_not "exec-attach: no output before the second start-pipe write" logged "$eb/exec.log" "Hello from exec"
check_not "exec-attach: no exec pid before the second start-pipe write" test -s "$eb/exec_pid"
touch "$W/continue-$sess"
check "exec-attach: output once the second write came (10 s)" wait_for 10 logged "$eb/exec.log" "stdout F Hello from exec!"
check "exec-attach: exit file (10 s)" wait_for 10 file_exists "$eb/exit/$id"
assert_eq "exec-attach: exit status 0" 0 "$(cat "$eb/exit/$id" 2>/dev/null)"
wait "$writer" 2>/dev/null
check "exec-attach: sync pipe: exec pid, then exit status (10 s)" wait_for 10 logged "$W/sync-$sess.out" '{"data": 0}'
assert_match "exec-attach: first sync message is the pid" '^\{"data": [0-9]+\}$' "$(head -n 1 "$W/sync-$sess.out")"
# conmon unlinks the attach socket once the session is over.
check "exec-attach: attach socket removed when the monitor is done (10 s)" wait_for 10 eval "! test -e '$eb/attach'"

# --- exec whose runtime fails: the runtime's words on the sync pipe ----------------------------
# runc exec of a missing binary exits non-zero and writes no pid file; what it wrote to
# stderr must reach podman (api 1: {"data": -1, "message": ...}) and CRI-O's ExecSync
# (legacy: {"exit_code": -1, "message": ...}), and the monitor exits non-zero.
sess=sess-nobin
eb=$W/b/$id/$sess
mapfile -t margs < <(exec_args "$id" "$sess")
exec_spec "$eb/spec.json" /no/such/binary
D_RC=0
"$D_DRIVER" -t 30 -w -- "$OCIMON" "${margs[@]}" --sync >"$W/$sess.out" 2>"$W/$sess.err" || D_RC=$?
msg=$(head -n 1 "$W/$sess.out")
assert_match "exec failure: {\"data\": -1, \"message\": ...}" '^\{"data": -1, "message": ".+"\}$' "$msg"
assert_contains "exec failure: the message is runc's (\"exec failed\")" "exec failed" "$msg"
assert_contains "exec failure: the message names the binary" "/no/such/binary" "${msg//\\\//\/}"
assert_not_contains "exec failure: not our word about the pid file" "exec_pid" "$msg"
assert_match "exec failure: the monitor exits non-zero" 'exited with status [1-9]' "$(cat "$W/$sess.err")"
assert_eq "exec failure: one message only" 1 "$(wc -l <"$W/$sess.out")"

# CRI-O's ExecSync: no --api-version, no -u, no bundle, -e --sync, a plain pipe as sync fd.
sess=sess-execsync
eb=$W/b/$id/$sess
mkdir -p "$eb"
exec_spec "$eb/spec.json" /no/such/binary
RC=0
_OCI_SYNCPIPE=6 timeout 30 "$OCIMON" -c "$id" -n "name-$id" -r "$RUNC" -p "$eb/exec_pid" \
    --runtime-arg "--root=$D_RUNC_ROOT" -e --exec-process-spec "$eb/spec.json" -l "$eb/exec.log" \
    --sync --socket-dir-path "$W/sockets" \
    6> >(cat >"$W/$sess.out") 2>"$W/$sess.err" </dev/null || RC=$?
assert_ne "ExecSync failure: the monitor exits non-zero" 0 "$RC"
check "ExecSync failure: a sync message (5 s)" wait_for 5 test -s "$W/$sess.out"
msg=$(cat "$W/$sess.out")
assert_match "ExecSync failure: {\"exit_code\": -1, \"message\": ...}" '^\{"exit_code": -1, "message": ".+"\}$' "$msg"
assert_contains "ExecSync failure: the message is runc's (\"exec failed\")" "exec failed" "$msg"
assert_contains "ExecSync failure: the message names the binary" "/no/such/binary" "${msg//\\\//\/}"
assert_not_contains "ExecSync failure: not our word about the pid file" "exec_pid" "$msg"

# An exec that works still logs all its output (it waits in the pipes until runc is done).
sess=sess-ok
eb=$W/b/$id/$sess
mapfile -t margs < <(exec_args "$id" "$sess")
exec_spec "$eb/spec.json" sh -c 'seq 1 20000; echo err >&2; exit 7'
D_RC=0
"$D_DRIVER" -t 30 -w -- "$OCIMON" "${margs[@]}" --sync >"$W/$sess.out" 2>"$W/$sess.err" || D_RC=$?
assert_match "exec ok: pid, then status 7" '^\{"data": [0-9]+\}'$'\n''\{"data": 7\}$' "$(cat "$W/$sess.out")"
if cmp -s <(cri_stream "$eb/exec.log" stdout) <(seq 1 20000); then
    pass "exec ok: every line of stdout in the log"
else
    fail "exec ok: every line of stdout in the log" "$(cri_stream "$eb/exec.log" stdout | wc -l) lines"
fi
assert_eq "exec ok: stderr in the log" err "$(cri_stream "$eb/exec.log" stderr)"
runc_ kill "$id" KILL >/dev/null 2>&1
check "container: exit file after kill (10 s)" wait_for 10 file_exists "$EXITS/$id"
runc_ delete -f "$id" >/dev/null 2>&1

# --- the attach socket is removed when the container has exited --------------------------------
id=fid-attach-gone
d_bundle "$id" -- sh -c 'sleep 1; exit 0'
d_start "$id"
b=$W/b/$id
check "attach: socket exists while the container runs" test -S "$b/attach"
mpid=$(cat "$b/conmon.pid" 2>/dev/null)
runc_ start "$id"
check "attach: exit file (10 s)" wait_for 10 file_exists "$EXITS/$id"
check "attach: monitor done (10 s)" wait_for 10 eval "! proc_alive $mpid"
check_not "attach: <bundle>/attach removed" test -e "$b/attach"
runc_ delete -f "$id" >/dev/null 2>&1

# --- ctl resize with extra fields: "1 2 2 3" is a 2x2 resize, as conmon's sscanf reads it ------
id=fid-resize
d_bundle "$id" -- sh -c 'sleep 2; stty size; sleep 1'
# A terminal needs a devpts in the container.
sed -i -e 's/"terminal": false/"terminal": true/' \
    -e 's|{ "destination": "/tmp"|{ "destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" ] },\n    &|' \
    "$W/b/$id/config.json"
d_start "$id" -- -t
b=$W/b/$id
assert_match "resize: created with a terminal" '^\{"data": [0-9]+\}$' "$(cat "$W/$id.out")"
runc_ start "$id"
ctl_write "$b/ctl" '1 2 2 3'
check "resize: exit file (15 s)" wait_for 15 file_exists "$EXITS/$id"
assert_match "resize: the container saw 2 rows, 2 columns" 'stdout [PF] 2 2' "$(tr -d '\r' <"$b/ctr.log")"
runc_ delete -f "$id" >/dev/null 2>&1

# --- --log-rotate and ctl reopen: the log is rotated; after kubelet's rename, recreated --------
id=fid-reopen-rotate
d_bundle "$id" -- sh -c 'echo one; sleep 4; echo two; sleep 4; echo three; sleep 4; echo four'
d_start "$id" -- --log-rotate --log-max-files 2
b=$W/b/$id
runc_ start "$id"
check "rotate on reopen: first line logged (10 s)" wait_for 10 logged "$b/ctr.log" "stdout F one"
ctl_write "$b/ctl" "2 0 0"
check "rotate on reopen: ctr.log became ctr.log.1 (2 s)" wait_for 2 logged "$b/ctr.log.1" "stdout F one"
check "rotate on reopen: a new ctr.log" test -e "$b/ctr.log"
check_not "rotate on reopen: the new ctr.log is empty" test -s "$b/ctr.log"
check "rotate on reopen: second line in the new file (10 s)" wait_for 10 logged "$b/ctr.log" "stdout F two"
ctl_write "$b/ctl" "2 0 0"
check "rotate on reopen: backups shifted, .2 holds the first (2 s)" wait_for 2 logged "$b/ctr.log.2" "stdout F one"
assert_match "rotate on reopen: .1 holds the second" 'stdout F two' "$(cat "$b/ctr.log.1" 2>/dev/null)"
check "rotate on reopen: third line in the new file (10 s)" wait_for 10 logged "$b/ctr.log" "stdout F three"
# kubelet's way (CRI-O renames, then asks for a reopen): nothing of ours left to rotate.
mv "$b/ctr.log" "$b/ctr.log.kubelet"
ctl_write "$b/ctl" "2 0 0"
check "kubelet rename: ctr.log recreated (2 s)" wait_for 2 test -e "$b/ctr.log"
check_not "kubelet rename: no third backup (--log-max-files 2)" test -e "$b/ctr.log.3"
assert_match "kubelet rename: the backups are untouched (.1)" 'stdout F two' "$(cat "$b/ctr.log.1" 2>/dev/null)"
assert_match "kubelet rename: the backups are untouched (.2)" 'stdout F one' "$(cat "$b/ctr.log.2" 2>/dev/null)"
check "kubelet rename: exit file (15 s)" wait_for 15 file_exists "$EXITS/$id"
assert_eq "kubelet rename: the last line in the recreated file" four "$(cri_stream "$b/ctr.log" stdout)"
assert_eq "kubelet rename: the renamed file kept its line" three "$(cri_stream "$b/ctr.log.kubelet" stdout)"
runc_ delete -f "$id" >/dev/null 2>&1

t_finish
