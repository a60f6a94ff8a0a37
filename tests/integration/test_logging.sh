#!/bin/bash
# Log drivers through real podman: k8s-file, journald, passthrough, none, max-size,
# logs -f, and a million lines with nothing lost.
# shellcheck disable=SC2317
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup podman

I=$OCIMON_IMAGE
W=$T_WORK

# --- a million lines: attached output and podman logs both complete, in order -------------
rc=0
pm_t 300 run --name million "$I" seq 1 1000000 >"$W/million.out" 2>"$W/million.err" || rc=$?
assert_eq "million: exit 0" 0 "$rc"
if cmp -s "$W/million.out" <(seq 1 1000000); then
    pass "million: attached output is exactly seq 1 1000000"
else
    fail "million: attached output is exactly seq 1 1000000" "$(wc -l <"$W/million.out") lines"
fi
pm_t 120 logs million >"$W/million.logs" 2>&1
if cmp -s "$W/million.logs" <(seq 1 1000000); then
    pass "million: podman logs is exactly seq 1 1000000"
else
    fail "million: podman logs is exactly seq 1 1000000" "$(wc -l <"$W/million.logs") lines"
fi
pm_t 60 rm -f million >/dev/null 2>&1

# --- draining: a process outside the container's pid namespace writes just after init exited
pm_t 60 run --name late --pid=host "$I" sh -c '(sleep 0.1; echo late) & echo early; exit 0' >"$W/late.out" 2>&1
assert_contains "drain: attached output has the late line" late "$(cat "$W/late.out")"
assert_contains "drain: podman logs has the late line (conmon loses it)" late "$(pm_t 30 logs late 2>&1)"
pm_t 60 rm -f late >/dev/null 2>&1

# --- k8s-file: CR kept, long lines split into P records and joined back --------------------
pm_t 60 run --name longline "$I" sh -c 'head -c 20000 /dev/zero | tr "\0" a; echo; printf "cr\r\n"; printf tail' >/dev/null 2>&1
lp=$(pm_t 30 inspect longline --format '{{.HostConfig.LogConfig.Path}}')
got=$(pm_t 60 logs longline 2>&1)
assert_eq "k8s-file: 20000-byte line comes back whole" 20000 "$(head -n 1 <<<"$got" | tr -d '\n' | wc -c)"
assert_match "k8s-file: long line stored as 8 KiB P records" ' stdout P a{8192}$' "$(head -n 1 "$lp")"
assert_contains "k8s-file: carriage return kept" $'cr\r' "$got"
assert_match "k8s-file: unterminated last line is a P record" ' stdout P tail$' "$(tail -n 1 "$lp")"
mode=$(stat -c %a "$lp")
assert_eq "k8s-file: log mode 0640" 640 "$mode"
pm_t 60 rm -f longline >/dev/null 2>&1

# --- podman logs -f follows a running container ------------------------------------------------
pm_t 60 run -d --name follow "$I" sh -c 'for i in 1 2 3 4 5; do echo tick $i; sleep 0.5; done' >/dev/null
timeout 20 podman --root "$PM_ROOT" --runroot "$PM_RUNROOT" --tmpdir "$PM_TMPDIR" \
    --storage-driver vfs --conmon "$OCIMON" logs -f follow >"$W/follow.out" 2>&1
assert_eq "logs -f: saw all five ticks, in order, then ended" \
    "$(printf 'tick %s\n' 1 2 3 4 5)" "$(cat "$W/follow.out")"
pm_t 60 rm -f follow >/dev/null 2>&1

# --- --log-opt max-size: conmon's truncation, the log stays well-formed --------------------------
pm_t 60 run --name maxsize --log-opt max-size=10k "$I" sh -c 'seq 1 5000' >/dev/null 2>&1
mp=$(pm_t 30 inspect maxsize --format '{{.HostConfig.LogConfig.Path}}')
size=$(stat -c %s "$mp")
assert_le "max-size: log file at most 10k" 10240 "$size"
bad=$(grep -cvE '^[^ ]+ (stdout|stderr) [PF] ' "$mp")
assert_eq "max-size: every line a CRI record" 0 "$bad"
assert_eq "max-size: ends with the last line" 5000 "$(pm_t 30 logs maxsize 2>&1 | tail -n 1)"
pm_t 60 rm -f maxsize >/dev/null 2>&1

# --- passthrough: the container writes straight to podman's stdio -----------------------------
rc=0
pm_t 60 run --rm --log-driver passthrough "$I" sh -c 'echo p-out; echo p-err >&2; ls -l /proc/self/fd/1; exit 2' \
    >"$W/pass.out" 2>"$W/pass.err" </dev/null || rc=$?
assert_eq "passthrough: exit code" 2 "$rc"
assert_contains "passthrough: stdout" p-out "$(cat "$W/pass.out")"
assert_contains "passthrough: stderr" p-err "$(cat "$W/pass.err")"
assert_not_contains "passthrough: the container's stdout is not the monitor's pipe" "pipe:" \
    "$(grep -- '->' "$W/pass.out")"
pm_t 60 run -d --name pass-d --log-driver passthrough "$I" sleep 30 >/dev/null 2>&1
pb=$(pm_t 30 inspect pass-d --format '{{.StaticDir}}')
check "passthrough: no attach socket" test ! -e "$pb/attach"
pm_t 60 rm -f -t 0 pass-d >/dev/null 2>&1

# --- none: nothing logged, attach still works -------------------------------------------------
rc=0
out=$(pm_t 60 run --name none-run --log-driver none "$I" sh -c 'echo still attached; exit 3' 2>&1) || rc=$?
assert_eq "none: exit code" 3 "$rc"
assert_contains "none: attached output still arrives" "still attached" "$out"
check_not "none: podman logs refuses" pm_t 30 logs none-run
pm_t 60 rm -f none-run >/dev/null 2>&1

# --- journald: podman logs and journalctl both see the fields ---------------------------------
if ensure_journald; then
    pm_t 60 run --name jlog --log-driver journald "$I" sh -c 'echo j-out; echo j-err >&2; printf j-partial' >/dev/null 2>&1
    cid=$(pm_t 30 inspect jlog --format '{{.Id}}')
    jwait() { journalctl --no-pager CONTAINER_ID_FULL="$cid" 2>/dev/null | grep j-partial >/dev/null; }
    wait_for 10 jwait
    got=$(pm_t 60 logs jlog 2>&1)
    assert_contains "journald: podman logs shows stdout" j-out "$got"
    assert_contains "journald: podman logs shows stderr" j-err "$got"
    assert_contains "journald: podman logs shows the partial line" j-partial "$got"
    v=$(journalctl --no-pager -o verbose CONTAINER_ID_FULL="$cid" 2>/dev/null)
    assert_match "journald: the run created a container" '^[0-9a-f]{64}$' "$cid"
    assert_contains "journald: CONTAINER_ID_FULL" "CONTAINER_ID_FULL=$cid" "$v"
    assert_contains "journald: CONTAINER_ID is 12 characters" "CONTAINER_ID=${cid:0:12}" "$v"
    assert_contains "journald: SYSLOG_IDENTIFIER is the name" "SYSLOG_IDENTIFIER=jlog" "$v"
    assert_contains "journald: stdout is PRIORITY=6" "PRIORITY=6" "$v"
    assert_contains "journald: stderr is PRIORITY=3" "PRIORITY=3" "$v"
    assert_contains "journald: partial entry flagged" "CONTAINER_PARTIAL_MESSAGE=true" "$v"
    pm_t 60 rm -f jlog >/dev/null 2>&1

    # --log-opt tag=... becomes CONTAINER_TAG and SYSLOG_IDENTIFIER
    pm_t 60 run --rm --name jtag --log-driver journald --log-opt tag=mytag-$$ "$I" echo tagged >/dev/null 2>&1
    twait() { journalctl --no-pager CONTAINER_TAG=mytag-$$ 2>/dev/null | grep tagged >/dev/null; }
    check "journald: --log-opt tag gives CONTAINER_TAG (10 s)" wait_for 10 twait
    assert_contains "journald: tag is the SYSLOG_IDENTIFIER" "SYSLOG_IDENTIFIER=mytag-$$" \
        "$(journalctl --no-pager -o verbose CONTAINER_TAG=mytag-$$ 2>/dev/null)"
else
    fail "journald: systemd-journald could not be started" "$(cat "$W/journald.log" 2>/dev/null)"
fi

t_finish
