#!/bin/bash
# Real podman, real runc, the monitor under test as conmon (private config, see contrib/lib.sh).
# Test helpers are called through check/wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup podman

I=$OCIMON_IMAGE
W=$T_WORK

# --- podman really uses the monitor under test -------------------------------------------
out=$(pm_t 60 info --format '{{.Host.Conmon.Path}}' 2>"$W/info.err")
assert_eq "podman info reports the monitor as conmon" "$OCIMON" "$out"

# --- attached run: stdout, stderr and the exit code ---------------------------------------
rc=0
pm_t 60 run --rm "$I" sh -c 'echo out; echo err >&2; exit 7' >"$W/run.out" 2>"$W/run.err" || rc=$?
assert_eq "run: exit code 7" 7 "$rc"
assert_eq "run: stdout is 'out'" out "$(cat "$W/run.out")"
assert_contains "run: stderr has 'err'" err "$(cat "$W/run.err")"
assert_not_contains "run: stderr not on stdout" err "$(cat "$W/run.out")"

rc=0
pm_t 60 run --rm "$I" true || rc=$?
assert_eq "run true: exit 0" 0 "$rc"
rc=0
pm_t 60 run --rm "$I" false || rc=$?
assert_eq "run false: exit 1" 1 "$rc"
# With its own PID namespace the shell is PID 1 there, and PID 1 cannot SIGKILL itself;
# in the host's PID namespace the container's init really dies of SIGKILL.
rc=0
pm_t 60 run --rm --pid=host "$I" sh -c 'kill -9 $$' || rc=$?
assert_eq "run killed by SIGKILL: exit 137" 137 "$rc"
rc=0
pm_t 60 run --rm "$I" sh -c 'sh -c "kill -TERM \$\$"; exit $?' 2>/dev/null || rc=$?
assert_eq "run: exit code 143 passed through" 143 "$rc"

# --- stdin through the attach socket --------------------------------------------------------
out=$(printf 'line1\nline2\n' | pm_t 60 run -i --rm "$I" cat)
assert_eq "run -i: stdin reaches the container and EOF ends it" $'line1\nline2' "$out"

# --- a terminal -------------------------------------------------------------------------------
out=$(pm_t 60 run --rm -t "$I" sh -c 'echo tty-hello; tty' </dev/null | tr -d '\r')
assert_eq "run -t: output through the pty" $'tty-hello\n/dev/pts/0' "$out"

# --- detached container: logs, stop, exit code ------------------------------------------------
c=$T_NAME-logs
pm_t 60 run -d --name "$c" "$I" sh -c 'seq 1 5000; sleep 100' >/dev/null
log_lines() { [[ $(pm_t 30 logs "$c" 2>/dev/null | wc -l) -ge 5000 ]]; }
check "detached: 5000 log lines within 10 s" wait_for 10 log_lines
assert_eq "detached: podman logs | wc -l = 5000" 5000 "$(pm_t 30 logs "$c" | wc -l)"
if cmp -s <(pm_t 30 logs "$c") <(seq 1 5000); then
    pass "detached: logs equal seq 1 5000"
else
    fail "detached: logs equal seq 1 5000" "content differs"
fi
log_path=$(pm_t 30 inspect "$c" --format '{{.HostConfig.LogConfig.Path}}')
first=$(head -n 1 "$log_path" 2>/dev/null)
assert_match "detached: k8s-file line format" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}([+-][0-9]{2}:[0-9]{2}|Z) stdout F 1$' "$first"
t0=$(now_ms)
pm_t 60 stop -t 1 "$c" >/dev/null 2>&1
t1=$(now_ms)
assert_le "detached: stop -t 1 takes under 5 s" 5000 $((t1 - t0))
assert_eq "detached: exit code after stop is 137" 137 "$(pm_t 30 inspect "$c" --format '{{.State.ExitCode}}')"
rc=0
pm_t 60 rm "$c" >/dev/null || rc=$?
assert_eq "detached: rm succeeds" 0 "$rc"

# --- the runtime cannot start the process ------------------------------------------------------
rc=0
pm_t 60 run --rm "$I" /no/such/binary >"$W/nobin.out" 2>"$W/nobin.err" || rc=$?
err=$(cat "$W/nobin.err")
assert_ne "missing binary: run fails" 0 "$rc"
assert_not_contains "missing binary: not 'no logs from conmon'" "no logs from conmon" "$err"
if [[ $err == */no/such/binary* || ${err,,} == *"no such file"* ]]; then
    pass "missing binary: error names the path"
else
    fail "missing binary: error names the path" "stderr: $(t_show "$err")"
fi

# --- --timeout ---------------------------------------------------------------------------------
t0=$(now_ms)
rc=0
pm_t 60 run --rm --timeout 2 "$I" sleep 60 >/dev/null 2>&1 || rc=$?
t1=$(now_ms)
assert_le "timeout 2: run ends within 5 s" 5000 $((t1 - t0))
assert_ne "timeout 2: non-zero exit" 0 "$rc"

# --- volume: attached output is complete and in order ----------------------------------------
pm_t 120 run --rm "$I" seq 1 100000 >"$W/seq.out" 2>"$W/seq.err"
assert_eq "seq 100000: stdout has 100000 lines" 100000 "$(wc -l <"$W/seq.out")"
if cmp -s "$W/seq.out" <(seq 1 100000); then
    pass "seq 100000: stdout equals seq 1 100000"
else
    fail "seq 100000: stdout equals seq 1 100000" "content differs"
fi
pm_t 120 run --rm "$I" sh -c 'seq 1 100000 >&2' >"$W/seq2.out" 2>"$W/seq2.err"
if cmp -s "$W/seq2.err" <(seq 1 100000) && [[ ! -s $W/seq2.out ]]; then
    pass "seq 100000 on stderr: complete, nothing on stdout"
else
    fail "seq 100000 on stderr: complete, nothing on stdout" \
        "stderr $(wc -l <"$W/seq2.err") lines, stdout $(wc -c <"$W/seq2.out") bytes"
fi

# --- run -d + wait + logs ---------------------------------------------------------------------
c=$T_NAME-wait
pm_t 60 run -d --name "$c" "$I" sh -c 'echo to-stdout; echo to-stderr >&2; sleep 1; exit 42' >/dev/null
assert_eq "wait: returns the exit code 42" 42 "$(pm_t 60 wait "$c")"
pm_t 30 logs "$c" >"$W/wait.out" 2>"$W/wait.err"
assert_eq "wait: logs stdout line" to-stdout "$(cat "$W/wait.out")"
assert_eq "wait: logs stderr line" to-stderr "$(cat "$W/wait.err")"
assert_eq "wait: inspect ExitCode 42" 42 "$(pm_t 30 inspect "$c" --format '{{.State.ExitCode}}')"
pm_t 60 rm -f "$c" >/dev/null

# --- podman attach to a running container ------------------------------------------------------
c=$T_NAME-attach
pm_t 60 run -d --name "$c" "$I" sh -c 'sleep 2; echo late-output; echo late-err >&2; exit 6' >/dev/null
rc=0
pm_t 60 attach --no-stdin "$c" >"$W/attach.out" 2>"$W/attach.err" || rc=$?
assert_eq "attach: output after attaching" late-output "$(cat "$W/attach.out")"
assert_contains "attach: stderr after attaching" late-err "$(cat "$W/attach.err")"
assert_eq "attach: podman attach exits 0" 0 "$rc"
assert_eq "attach: exit code 6" 6 "$(pm_t 60 wait "$c")"
pm_t 60 rm -f "$c" >/dev/null

# --- the container sees only its own fds and no monitor variables -----------------------------
fds=$(pm_t 60 run --rm "$I" ls /proc/self/fd | tr '\n' ' ')
assert_match "container fds: only 0 1 2 (+ ls's own)" '^0 1 2 ([0-9]+ )?$' "$fds"
envout=$(pm_t 60 run --rm "$I" env)
assert_not_contains "container env: no _OCI_ variables" "_OCI_" "$envout"
assert_contains "container env: PATH set" "PATH=" "$envout"

# --- exec through the monitor -----------------------------------------------------------------
c=$T_NAME-exec
pm_t 60 run -d --name "$c" "$I" sleep 100 >/dev/null
rc=0
pm_t 60 exec "$c" sh -c 'echo exec-out; echo exec-err >&2; exit 5' >"$W/exec.out" 2>"$W/exec.err" || rc=$?
assert_eq "exec: exit code 5" 5 "$rc"
assert_eq "exec: stdout" exec-out "$(cat "$W/exec.out")"
assert_contains "exec: stderr" exec-err "$(cat "$W/exec.err")"
out=$(printf 'piped\n' | pm_t 60 exec -i "$c" cat)
assert_eq "exec -i: stdin" piped "$out"

# --- the conmon pid file names a live monitor ---------------------------------------------------
pidfile=$(pm_t 30 inspect "$c" --format '{{.ConmonPidFile}}')
mpid=$(cat "$pidfile" 2>/dev/null)
assert_match "pid file: holds a pid (no newline)" '^[0-9]+$' "$mpid"
assert_eq "pid file: size = digits (no newline)" "${#mpid}" "$(wc -c <"$pidfile" 2>/dev/null)"
assert_eq "pid file: podman's ConmonPid agrees" "$mpid" "$(pm_t 30 inspect "$c" --format '{{.State.ConmonPid}}')"
check "pid file: process alive" proc_alive "$mpid"
assert_eq "pid file: process runs the monitor" "$(readlink -f "$OCIMON")" "$(real_exe "$mpid")"
ctr_pid=$(pm_t 30 inspect "$c" --format '{{.State.Pid}}')
ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$ctr_pid/status" 2>/dev/null)
assert_eq "monitor is the container's parent (subreaper)" "$mpid" "$ppid"
cid=$(pm_t 30 inspect "$c" --format '{{.Id}}')

# --- after the container exits, its monitor goes away ------------------------------------------
pm_t 60 stop -t 0 "$c" >/dev/null 2>&1
check "after exit: monitor process gone (10 s)" wait_for 10 eval "! proc_alive $mpid"
check "after exit: no monitor with the container id" wait_for 10 no_monitor_for "$cid"
pm_t 60 rm -f "$c" >/dev/null

cid=$(pm_t 60 run -d "--name=$T_NAME-short" "$I" sh -c 'exit 3')
assert_eq "short-lived: wait = 3" 3 "$(pm_t 60 wait "$cid")"
check "short-lived: no monitor remains (10 s)" wait_for 10 no_monitor_for "$cid"
pm_t 60 rm -f "$cid" >/dev/null

# --- memory: an idle monitor costs no more than conmon's ---------------------------------
# What a node pays for each extra monitor is its private memory (USS: Private_Clean +
# Private_Dirty); the shared libraries' code is in the page cache once for all of them. RSS
# counts those shared pages too, and the kernel maps them 64 KB at a time around each touched
# page (fault-around), so the same binary reads 1.9 to 2.2 MB from one run to the next (conmon
# as much as ocimon): RSS gets only a coarse bound. RSS and USS count only the pages the
# daemon touches after its fork, so work done lazily after it shows here: the dynamic linker
# binding jansson's symbols put ~400 KB of ld.so and symbol tables into every monitor
# (contrib/bench/README.md). ASan's runtime alone is megabytes, so the ASan stage leaves this
# to the normal one.
# kb_of PID [LIB] [FIELD-REGEX]: the sum of FIELD (default Rss) over the process's mappings,
# or over those of LIB only.
kb_of() {
    awk -v lib="${2:-}" -v field="${3:-^Rss:}" '/^[0-9a-f]+-[0-9a-f]+ / { m = $6 }
        $0 ~ field && (lib == "" || index(m, lib)) { kb += $2 } END { print kb + 0 }' \
        "/proc/$1/smaps"
}
if monitor_has_asan; then
    echo "   (memory cases skipped: $OCIMON is built with AddressSanitizer)"
else
    conmon=/usr/bin/conmon
    check "memory: Debian's conmon is installed for the comparison" test -x "$conmon"
    declare -A rss uss ldso
    for mon in "$OCIMON" "$conmon"; do
        n=$T_NAME-mem-$(basename "$mon")
        OCIMON=$mon pm_t 60 run -d --name "$n" "$I" sleep 300 >/dev/null
        p=$(pm_t 30 inspect "$n" --format '{{.State.ConmonPid}}')
        sleep 2 # past the registry file and the first stats sample
        rss[$mon]=$(kb_of "$p")
        uss[$mon]=$(kb_of "$p" "" '^Private_(Clean|Dirty):')
        ldso[$mon]=$(kb_of "$p" ld-linux)
        pm_t 60 rm -f -t 0 "$n" >/dev/null 2>&1
    done
    echo "   (idle monitor: ocimon USS ${uss[$OCIMON]} KB, RSS ${rss[$OCIMON]} KB;" \
        "conmon USS ${uss[$conmon]} KB, RSS ${rss[$conmon]} KB)"
    assert_le "memory: idle ocimon private memory (USS) <= 1.1 x conmon's (KB)" \
        $((uss[$conmon] * 11 / 10)) "${uss[$OCIMON]}"
    assert_le "memory: idle ocimon RSS <= 1.3 x conmon's (KB; shared pages, fault-around)" \
        $((rss[$conmon] * 13 / 10)) "${rss[$OCIMON]}"
    assert_le "memory: the daemon never ran the dynamic linker (ld.so KB resident)" \
        32 "${ldso[$OCIMON]}"
fi

check "no monitor of this storage remains (10 s)" wait_for 10 no_monitor_for "$PM_ROOT"

t_finish
