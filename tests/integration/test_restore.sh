#!/bin/bash
# --restore (checkpoint restore): the runtime's `restore --detach` starts the container
# itself, so the container may write before the runtime exits and is not the runtime's
# child. CRIU does not work on every kernel (it cannot on this test machine's), so a stand-in
# runtime does what `runc restore --detach` does: start the process, write the pid file, exit.
# Test helpers are called through check/wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup nopodman
# shellcheck source=tests/integration/direct_lib.sh
source "$(dirname "$0")/direct_lib.sh"

W=$T_WORK

# The stand-in: records its argv, starts the "restored" process, which writes to both
# streams before the runtime exits (the runtime waits for that), then goes on and exits 7.
RT=$W/restore-runtime
cat >"$RT" <<'EOF'
#!/bin/sh
printf '%s\n' "$@" >"$0.argv"
pidfile=
while [ $# -gt 0 ]; do
    case $1 in
    --pid-file) pidfile=$2; shift ;;
    esac
    shift
done
marker=$pidfile.written
rm -f "$marker"
(
    echo restored-stdout
    echo restored-stderr >&2
    : >"$marker"
    sleep 1
    echo after-runtime-exit
    exit 7
) &
echo $! >"$pidfile"
while [ ! -e "$marker" ]; do sleep 0.05; done
exit 0
EOF
chmod +x "$RT"

id=restore-ok
b=$D_W/b/$id
d_bundle "$id" -- true
mkdir -p "$b/checkpoint"
d_start "$id" -- -r "$RT" --restore "$b/checkpoint" --runtime-opt --tcp-established \
    --runtime-opt --file-locks
msg=$(cat "$D_W/$id.out")
assert_eq "restore: driver got a message" 0 "$D_RC"
assert_match "restore: sync message is {\"data\": PID}" '^\{"data": [0-9]+\}$' "$msg"
pid=$(sed -E 's/^\{"data": ([0-9]+)\}$/\1/' <<<"$msg")
assert_eq "restore: the pid is the pid file's" "$(cat "$b/pidfile" 2>/dev/null)" "$pid"
argv=$(tr '\n' ' ' <"$RT.argv" 2>/dev/null)
assert_eq "restore: runtime argv" \
    "--root=$D_RUNC_ROOT restore --bundle $b --pid-file $b/pidfile --detach --image-path $b/checkpoint --work-path $b --tcp-established --file-locks $id " \
    "$argv"
check "restore: exit file (10 s)" wait_for 10 file_exists "$D_EXITS/$id"
assert_eq "restore: the restored process's exit status (reaped as an orphan)" 7 "$(cat "$D_EXITS/$id" 2>/dev/null)"
assert_eq "restore: persist-dir/exit" 7 "$(cat "$D_W/persist/$id/exit" 2>/dev/null)"
log=$(cat "$b/ctr.log" 2>/dev/null)
assert_match "restore: stdout written before the runtime exited is in the log" ' stdout F restored-stdout' "$log"
assert_match "restore: stderr written before the runtime exited is in the log" ' stderr F restored-stderr' "$log"
assert_match "restore: later output is in the log" ' stdout F after-runtime-exit' "$log"
check "restore: no monitor remains (10 s)" wait_for 10 no_monitor_for "$id"

# A failed restore is reported on the sync pipe with the runtime's error text.
RTF=$W/restore-fails
printf '#!/bin/sh\necho "criu failed: type RESTORE errno 0" >&2\nexit 1\n' >"$RTF"
chmod +x "$RTF"
id=restore-fail
b=$D_W/b/$id
d_bundle "$id" -- true
d_start "$id" -- -r "$RTF" --restore "$b/checkpoint"
assert_match "failed restore: {\"data\": -1, \"message\": ...}" '^\{"data": -1, "message": ".+"\}$' "$(cat "$D_W/$id.out")"
assert_contains "failed restore: message is the runtime's stderr" "criu failed" "$(cat "$D_W/$id.out")"
check "failed restore: no exit file" test ! -e "$D_EXITS/$id"
check "failed restore: no monitor remains (10 s)" wait_for 10 no_monitor_for "$id"

t_finish
