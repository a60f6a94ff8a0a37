#!/bin/bash
# Attach stdin, several clients, exec sessions, detach keys, and attach clients that
# stall, read slowly or vanish (DESIGN.md point 3).
# shellcheck disable=SC2317
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup podman

I=$OCIMON_IMAGE
W=$T_WORK
AC=$OCIMON_REPO/build/tests/attach_client
[[ -x $AC ]] || { mkdir -p "$W/bin" && gcc -std=gnu11 -O2 -o "$W/bin/attach_client" \
    "$(dirname "$0")/attach_client.c" && AC=$W/bin/attach_client; }

# --- exec sessions ----------------------------------------------------------------------------
pm_t 60 run -d --name ex "$I" sleep 600 >/dev/null
rc=0; pm_t 60 exec ex sh -c 'exit 3' || rc=$?
assert_eq "exec: exit code 3" 3 "$rc"
rc=0; pm_t 60 exec ex /nonexistent >/dev/null 2>&1 || rc=$?
assert_eq "exec: missing binary is 127" 127 "$rc"
assert_eq "exec: stdin round trip" hi "$(echo hi | pm_t 60 exec -i ex cat)"
assert_eq "exec: 100000 lines, none lost" 100000 "$(pm_t 120 exec ex seq 1 100000 | wc -l)"
out=$(pm_t 60 exec ex sh -c 'echo o; echo e >&2' 2>&1)
assert_contains "exec: stdout and stderr" "o" "$out"
assert_contains "exec: stderr" "e" "$out"
pm_t 60 rm -f -t 0 ex >/dev/null 2>&1

# --- run -d -i, two attached clients: input from any, EOF from one closes stdin -------------
pm_t 60 run -d -i --name two "$I" cat >/dev/null
b=$(pm_t 30 inspect two --format '{{.StaticDir}}')
"$AC" "$b/attach" >"$W/a.out" 2>&1 &
apid=$!
sleep 1
rc=0
echo "hello from B" | pm_t 30 attach two >"$W/b.out" 2>&1 || rc=$?
wrc=$(pm_t 30 wait two 2>/dev/null)
assert_eq "two clients: container ends once a client closed stdin (cat exit 0)" 0 "$wrc"
wait_pid_gone() { ! kill -0 "$apid" 2>/dev/null; }
check "two clients: the other client is closed at exit (10 s)" wait_for 10 wait_pid_gone
assert_contains "two clients: first client saw B's input echoed" "hello from B" "$(cat "$W/a.out")"
assert_contains "two clients: second client saw it too" "hello from B" "$(cat "$W/b.out")"
pm_t 60 rm -f two >/dev/null 2>&1

# --- a client that never reads while the container writes 100 MB -----------------------------
pm_t 60 create --name stall "$I" sh -c 'sleep 1; yes 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789 | head -c 100000000; echo done' >/dev/null
pm_t 60 init stall >/dev/null
b=$(pm_t 30 inspect stall --format '{{.StaticDir}}')
"$AC" -s 120 "$b/attach" &
spid=$!
t0=$(now_ms)
pm_t 30 start stall >/dev/null
wrc=$(pm_t 120 wait stall 2>/dev/null)
t1=$(now_ms)
assert_eq "stalled client: the container finishes" 0 "$wrc"
assert_le "stalled client: within the stall limit plus the work (60 s)" 60000 $((t1 - t0))
lp=$(pm_t 30 inspect stall --format '{{.HostConfig.LogConfig.Path}}')
# 990099 lines of 101 bytes, then "0" + "done": 990100 lines once P records are joined.
assert_eq "stalled client: podman logs has every line" 990100 "$(pm_t 120 logs stall | wc -l)"
# A slow monitor may read the last "0" and "done" together ("0done").
assert_match "stalled client: the log ends with the last line" 'stdout F 0?done$' "$(tail -n 1 "$lp")"
kill "$spid" 2>/dev/null
pm_t 60 rm -f stall >/dev/null 2>&1

# --- a slow client that keeps reading receives every byte ------------------------------------
pm_t 60 create --name slow "$I" sh -c 'sleep 1; seq 1 2000000' >/dev/null
pm_t 60 init slow >/dev/null
b=$(pm_t 30 inspect slow --format '{{.StaticDir}}')
# The pipe to `sleep; cat` fills, so the client stops reading for 5 s, then catches up.
("$AC" "$b/attach" | { sleep 5; cat; } >"$W/slow.out") &
cpid=$!
pm_t 30 start slow >/dev/null
pm_t 120 wait slow >/dev/null 2>&1
wait "$cpid"
if cmp -s "$W/slow.out" <(seq 1 2000000); then
    pass "slow client: received every byte, in order"
else
    fail "slow client: received every byte, in order" "$(wc -c <"$W/slow.out") bytes"
fi
pm_t 60 rm -f slow >/dev/null 2>&1

# --- a client that disconnects mid-stream: nothing else notices ------------------------------
pm_t 60 create --name vanish "$I" sh -c 'sleep 1; seq 1 500000' >/dev/null
pm_t 60 init vanish >/dev/null
b=$(pm_t 30 inspect vanish --format '{{.StaticDir}}')
"$AC" -d 100000 "$b/attach" >/dev/null &
"$AC" "$b/attach" >"$W/stay.out" &
stay=$!
pm_t 30 start vanish >/dev/null
wrc=$(pm_t 60 wait vanish 2>/dev/null)
wait "$stay"
assert_eq "vanishing client: container exit 0" 0 "$wrc"
if cmp -s "$W/stay.out" <(seq 1 500000); then
    pass "vanishing client: the other client got everything"
else
    fail "vanishing client: the other client got everything" "$(wc -c <"$W/stay.out") bytes"
fi
assert_eq "vanishing client: log complete" 500000 "$(pm_t 60 logs vanish | wc -l)"
pm_t 60 rm -f vanish >/dev/null 2>&1

# --- detach keys: ctrl-p ctrl-q leaves the container running ----------------------------------
SOCK=ocimon-inter-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
t_on_exit "tmux -L '$SOCK' kill-server"
cat >"$W/att.sh" <<EOS
#!/bin/bash
export OCIMON='$OCIMON' OCIMON_TEST_DIR='$OCIMON_TEST_DIR' OCIMON_CONF_DIR='$OCIMON_CONF_DIR'
export PM_ROOT='$PM_ROOT' PM_RUNROOT='$PM_RUNROOT' PM_TMPDIR='$PM_TMPDIR'
source '$OCIMON_REPO/contrib/lib.sh'
pm run -it --name det -e PS1='det\$ ' "\$OCIMON_IMAGE" sh
echo "detached rc=\$?"
pm attach det
echo "attach rc=\$?"
sleep 600
EOS
chmod +x "$W/att.sh"
screen_has() { tm capture-pane -p -t d 2>/dev/null | grep -E -- "$1" >/dev/null; }
tm new-session -d -s d -x 100 -y 30 "$W/att.sh"
check "detach: prompt (15 s)" wait_for 15 screen_has '^det\$'
# One key at a time, as a person types them.
tm send-keys -t d C-p
sleep 0.3
tm send-keys -t d C-q
check "detach: ctrl-p ctrl-q returns to the shell (10 s)" wait_for 10 screen_has 'detached rc=0'
assert_eq "detach: container still running" running "$(pm_t 30 inspect det --format '{{.State.Status}}')"
sleep 1
tm send-keys -t d 'echo back-$((2*21))' Enter
check "detach: podman attach reconnects and input works (10 s)" wait_for 10 screen_has '^back-42'
tm send-keys -t d 'exit 6' Enter
# podman 4.3.1's attach itself returns 0 (with conmon too); the code is in inspect.
check "detach: attach ends with the container (10 s)" wait_for 10 screen_has 'attach rc='
assert_eq "detach: exit code 6 recorded" 6 "$(pm_t 30 inspect det --format '{{.State.ExitCode}}')"
pm_t 60 rm -f det >/dev/null 2>&1

t_finish
