# shellcheck shell=bash
# A tiny test framework for ocimon's integration tests. Source it from a test_*.sh file:
#
#   source "$(dirname "$0")/lib.sh"
#   t_setup                      # config, image, scratch dir $T_WORK, cleanup trap
#   assert_eq "name" expected actual
#   check "name" cmd args...     # passes when cmd exits 0
#   t_finish                     # prints the count, exits non-zero on any failure
#
# Every case prints exactly one line, "PASS: name" or "FAIL: name (why)"; contrib/test.sh
# counts those lines. The tests do not use `set -e`: a failing case is recorded, and the
# file goes on with the next one.

# shellcheck source=contrib/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/contrib/lib.sh"

T_NAME=$(basename "$0" .sh)
T_PASSED=0
T_FAILED=0
T_WORK=$OCIMON_TEST_DIR/work/$T_NAME
T_CLEANUPS=()

# Short, one-line form of a value for a failure message.
t_show() {
    local s=$1
    s=${s//$'\n'/\\n}
    if ((${#s} > 200)); then
        s="${s:0:200}...(${#1} bytes)"
    fi
    printf '%s' "$s"
}

pass() {
    T_PASSED=$((T_PASSED + 1))
    printf 'PASS: %s\n' "$1"
}

fail() {
    T_FAILED=$((T_FAILED + 1))
    printf 'FAIL: %s (%s)\n' "$1" "$2"
}

# check NAME CMD...: pass when CMD exits 0.
check() {
    local name=$1 rc=0
    shift
    "$@" || rc=$?
    if ((rc == 0)); then pass "$name"; else fail "$name" "exit $rc: $*"; fi
}

# check_not NAME CMD...: pass when CMD exits non-zero.
check_not() {
    local name=$1 rc=0
    shift
    "$@" || rc=$?
    if ((rc != 0)); then pass "$name"; else fail "$name" "succeeded: $*"; fi
}

assert_eq() {
    if [[ $3 == "$2" ]]; then
        pass "$1"
    else
        fail "$1" "expected '$(t_show "$2")', got '$(t_show "$3")'"
    fi
}

assert_ne() {
    if [[ $3 != "$2" ]]; then pass "$1"; else fail "$1" "got the unwanted '$(t_show "$3")'"; fi
}

# assert_match NAME ERE VALUE
assert_match() {
    if [[ $3 =~ $2 ]]; then
        pass "$1"
    else
        fail "$1" "'$(t_show "$3")' does not match /$2/"
    fi
}

# assert_contains NAME NEEDLE HAYSTACK
assert_contains() {
    if [[ $3 == *"$2"* ]]; then
        pass "$1"
    else
        fail "$1" "'$(t_show "$3")' does not contain '$2'"
    fi
}

assert_not_contains() {
    if [[ $3 != *"$2"* ]]; then
        pass "$1"
    else
        fail "$1" "'$(t_show "$3")' contains '$2'"
    fi
}

# assert_le NAME LIMIT VALUE: integer VALUE <= LIMIT.
assert_le() {
    if [[ $3 =~ ^-?[0-9]+$ ]] && (($3 <= $2)); then
        pass "$1"
    else
        fail "$1" "'$(t_show "$3")' is not <= $2"
    fi
}

# wait_for SECS CMD...: poll CMD every 0.1 s until it succeeds; non-zero after SECS.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    while true; do
        "$@" && return 0
        ((SECONDS >= deadline)) && return 1
        sleep 0.1
    done
}

# now_ms: monotonic-enough wall clock in milliseconds.
now_ms() {
    local t
    t=$(date +%s%N)
    printf '%s' $((t / 1000000))
}

# real_exe PID: the binary a process runs (without a " (deleted)" suffix).
real_exe() {
    local e
    e=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
    printf '%s' "${e% (deleted)}"
}

# proc_alive PID: the process exists and is not a zombie (PID 1 here may not reap
# the daemonized monitors, so a dead monitor can linger as a zombie).
proc_alive() {
    local state
    [[ -r /proc/$1/stat ]] || return 1
    state=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z && $state != X ]]
}

# monitor_pids PATTERN: live processes running $OCIMON whose command line contains PATTERN.
monitor_pids() {
    local pattern=$1 exe p
    exe=$(readlink -f "$OCIMON")
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [[ $(real_exe "$p") == "$exe" ]] || continue
        proc_alive "$p" || continue
        tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -F -- "$pattern" >/dev/null || continue
        printf '%s\n' "$p"
    done
}

# True when $OCIMON is built with AddressSanitizer (valgrind cannot run it). ldd's output is
# read whole: a pipe into "grep -q" fails at random under pipefail, when grep's early exit
# gives the writer SIGPIPE.
monitor_has_asan() {
    local libs
    libs=$(ldd "$OCIMON" 2>/dev/null) || true
    [[ $libs == *libasan* ]]
}

no_monitor_for() {
    [[ -z $(monitor_pids "$1") ]]
}

# t_on_exit CMD: run CMD (a string for eval) when the test file exits.
t_on_exit() {
    T_CLEANUPS+=("$1")
}

t_cleanup() {
    local c
    for c in "${T_CLEANUPS[@]}"; do
        eval "$c" >/dev/null 2>&1 || true
    done
    # Containers this file created (all are named "$T_NAME-...").
    if [[ -d $PM_ROOT ]]; then
        local ids
        ids=$(pm_t 60 ps -a -q --filter "name=^$T_NAME-" 2>/dev/null) || true
        if [[ -n $ids ]]; then
            # shellcheck disable=SC2086
            pm_t 120 rm -f -t 0 $ids >/dev/null 2>&1 || true
        fi
    fi
}

# t_setup podman|nopodman: scratch dir, cleanup trap and (unless nopodman) the podman config
# and the test image in the private storage.
t_setup() {
    printf '== %s (monitor: %s)\n' "$T_NAME" "$OCIMON"
    rm -rf "$T_WORK"
    mkdir -p "$T_WORK"
    trap t_cleanup EXIT
    trap 'exit 130' INT TERM
    if [[ ${1:-} != nopodman ]]; then
        [[ -x $OCIMON ]] || die "monitor $OCIMON not found or not executable (build first)"
        mkdir -p "$PM_ROOT" "$PM_RUNROOT" "$PM_TMPDIR"
        make_image >/dev/null || die "could not import the test image"
    fi
}

# t_finish: print this file's count; exit 1 if any case failed.
t_finish() {
    printf 'RESULT: %s passed=%d failed=%d\n' "$T_NAME" "$T_PASSED" "$T_FAILED"
    if ((T_FAILED == 0)); then exit 0; fi
    exit 1
}

# ensure_journald: a running systemd-journald (no systemd as PID 1 here: start it ourselves
# when its socket is missing). Returns non-zero if it cannot be had.
journald_alive() { echo probe | systemd-cat -t ocimon-probe 2>/dev/null; }
ensure_journald() {
    local sock=/run/systemd/journal/socket
    journald_alive && return 0
    [[ -x /lib/systemd/systemd-journald ]] || return 1
    # A socket left behind by a journald that died refuses connections: start afresh.
    rm -f "$sock"
    # Without the descriptors this shell inherited: a journald that outlives the test
    # must not hold what they are, e.g. the benchmarks' flock (it kept
    # /work/notes/bench.lock locked for ever once).
    (
        for fd in /proc/self/fd/*; do
            fd=${fd##*/}
            ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
        done
        exec setsid /lib/systemd/systemd-journald
    ) >"$T_WORK/journald.log" 2>&1 </dev/null &
    wait_for 10 journald_alive
}

# cri_stream LOG STREAM: the content a CRI (k8s-file) log holds for STREAM, with P records
# joined to what follows them, as podman logs shows it.
cri_stream() {
    awk -v want="$2" '{
        off = length($1) + length($2) + length($3) + 4
        if ($2 != want) next
        msg = substr($0, off)
        if ($3 == "P") printf "%s", msg; else print msg
    }' "$1"
}
