#!/bin/bash
# Fleet benchmarks: many containers through real podman, ocimon against Debian's conmon in
# the same run (issue 11). See contrib/bench/README.md.
#
#   bash contrib/bench/fleet.sh idle [N]     N idle `sleep` containers per monitor (default 50)
#
# Options (environment): OCIMON (default <repo>/build-bench/src/ocimon, else
# <repo>/build/src/ocimon), CONMON (default /usr/bin/conmon), OCIMON_BENCH_DIR (podman's
# private state, default /tmp/ocimon-bench-fleet), QUIET_S (default 60), MEASURE_S (default 60).
# Other heavy benchmarks on the same machine skew the numbers: take the lock,
#   flock /work/notes/bench.lock bash contrib/bench/fleet.sh idle 50
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export OCIMON_TEST_DIR=${OCIMON_BENCH_DIR:-/tmp/ocimon-bench-fleet}
if [[ -z ${OCIMON:-} ]]; then
    OCIMON=$REPO/build-bench/src/ocimon
    [[ -x $OCIMON ]] || OCIMON=$REPO/build/src/ocimon
fi
CONMON=${CONMON:-/usr/bin/conmon}
QUIET_S=${QUIET_S:-60}
MEASURE_S=${MEASURE_S:-60}
# shellcheck source=contrib/lib.sh
source "$REPO/contrib/lib.sh"
OCTL=$(dirname "$OCIMON")/ocimonctl

usage() {
    sed -n '5,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
}

[[ -x $OCIMON ]] || die "ocimon not found at $OCIMON (meson setup build && ninja -C build)"
[[ -x $CONMON ]] || die "conmon not found at $CONMON (apt-get install conmon)"
[[ $(id -u) -eq 0 ]] || die "the benchmark runs containers through podman as root: run it as root"

CLK_TCK=$(getconf CLK_TCK)
PREFIX=fleet

# pmon MONITOR ARGS...: podman with the private configuration and MONITOR as conmon.
pmon() {
    local mon=$1
    shift
    timeout -k 5 300 podman --root "$PM_ROOT" --runroot "$PM_RUNROOT" --tmpdir "$PM_TMPDIR" \
        --storage-driver vfs --conmon "$mon" "$@"
}

remove_all() {
    local ids
    ids=$(pmon "$OCIMON" ps -a -q --filter "name=^$PREFIX-" 2>/dev/null) || true
    # shellcheck disable=SC2086
    [[ -z $ids ]] || pmon "$OCIMON" rm -f -t 0 $ids >/dev/null 2>&1 || true
}

# proc_cpu PID: "schedstat_ns utime+stime_ticks ctxt_switches" of a process.
proc_cpu() {
    local pid=$1 sched stat vol nonvol
    read -r sched _ <"/proc/$pid/schedstat" || return 1
    stat=$(sed -E 's/^[0-9]+ \(.*\) //' "/proc/$pid/stat") || return 1
    # Fields after the comm: state is 3, utime 14, stime 15 (so 12 and 13 here).
    # shellcheck disable=SC2086
    set -- $stat
    vol=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$pid/status")
    nonvol=$(awk '/^nonvoluntary_ctxt_switches/ { print $2 }' "/proc/$pid/status")
    printf '%s %s %s\n' "$sched" $((${12} + ${13})) $((vol + nonvol))
}

# start_idle MONITOR NAME N: N idle containers under MONITOR; prints their monitor pids.
start_idle() {
    local mon=$1 name=$2 n=$3 i id pid exe want
    want=$(readlink -f "$mon")
    for ((i = 1; i <= n; i++)); do
        id=$(pmon "$mon" run -d --name "$PREFIX-$name-$i" "$OCIMON_IMAGE" sleep 100000) ||
            die "podman run -d ($name, container $i) failed"
        pid=$(pmon "$mon" inspect "$id" --format '{{.State.ConmonPid}}') ||
            die "podman inspect $id failed"
        exe=$(readlink -f "/proc/$pid/exe") || die "monitor $pid of $id is gone"
        [[ $exe == "$want" ]] || die "container $id is watched by $exe, not $want"
        printf '%s %s\n' "$pid" "$id"
    done
}

# measure NAME PIDS...: sleeps MEASURE_S and prints "NAME sched_ns ticks wakeups_mean
# wakeups_max n" for the processes.
measure() {
    local name=$1 p
    shift
    local -A before
    for p in "$@"; do
        before[$p]=$(proc_cpu "$p") || die "$name monitor $p is gone before the measurement"
    done
    sleep "$MEASURE_S"
    for p in "$@"; do
        local now
        now=$(proc_cpu "$p") || die "$name monitor $p died during the measurement"
        printf '%s %s\n' "${before[$p]}" "$now"
    done | awk -v name="$name" -v secs="$MEASURE_S" '
        { ns += $4 - $1; ticks += $5 - $2; w = $6 - $3; sw += w; if (w > mx) mx = w; n++ }
        END { printf "%s %d %d %.3f %.3f %d\n", name, ns, ticks, sw / n * 60 / secs,
                     mx * 60 / secs, n }'
}

# idle_phase MONITOR NAME N: start, wait for quiet, measure, (ocimon: read the sampling
# cost from the stats documents), remove. Prints the measure line, then "mean_ns N" for
# ocimon.
idle_phase() {
    local mon=$1 name=$2 n=$3 pids=() ids=() pid id t0 line
    say "$name: starting $n idle containers" >&2
    t0=$SECONDS
    while read -r pid id; do
        pids+=("$pid")
        ids+=("$id")
    done < <(start_idle "$mon" "$name" "$n")
    ((${#pids[@]} == n)) || die "$name: only ${#pids[@]} of $n containers started"
    say "$name: $n started in $((SECONDS - t0)) s; $QUIET_S s of quiet, then $MEASURE_S s measured" >&2
    sleep "$QUIET_S"
    line=$(measure "$name" "${pids[@]}")
    printf '%s\n' "$line"
    if [[ $name == ocimon && -x $OCTL ]]; then
        # After the window: each request takes a sample of its own (not counted in the mean).
        for id in "${ids[@]}"; do
            "$OCTL" stats --no-stream --raw "$id" 2>/dev/null | jq -r '.[0].sample_cpu_ns_mean // empty'
        done | awk '{ s += $1; n++ } END { if (n) printf "sample_mean %d %d\n", s / n, n }'
    fi
    say "$name: removing the containers" >&2
    remove_all
}

scenario_idle() {
    local n=${1:-50} oc cm sm
    [[ $n =~ ^[1-9][0-9]*$ ]] || usage
    reset_state
    make_image >/dev/null || die "could not import the test image"
    trap remove_all EXIT
    local out
    out=$(idle_phase "$OCIMON" ocimon "$n") || exit 1
    oc=$(grep '^ocimon ' <<<"$out")
    sm=$(grep '^sample_mean ' <<<"$out")
    cm=$(idle_phase "$CONMON" conmon "$n") || exit 1

    printf '\nidle: %d sleep containers per monitor, %d s measured after %d s of quiet\n' \
        "$n" "$MEASURE_S" "$QUIET_S"
    printf '%-8s %14s %16s %22s %18s\n' monitor "CPU (schedstat)" "utime+stime" \
        "wakeups/monitor/min" "max of one monitor"
    local l
    for l in "$oc" "$cm"; do
        # shellcheck disable=SC2086
        set -- $l
        printf '%-8s %11.3f ms %13d ms %22s %18s\n' "$1" "$(awk -v v="$2" 'BEGIN { print v / 1e6 }')" \
            $(($3 * 1000 / CLK_TCK)) "$4" "$5"
    done
    # shellcheck disable=SC2086
    set -- $oc $cm
    local o_ns=$2 o_w=$4 c_ns=$8
    awk -v o="$o_ns" -v c="$c_ns" 'BEGIN {
        if (c > 0) printf "CPU ratio ocimon/conmon: %.2f\n", o / c
        else printf "CPU ratio ocimon/conmon: n/a (conmon used %d ns)\n", c
        printf "goal: ocimon CPU <= 1.1 x conmon + 20 ms: %.3f <= %.3f ms: %s\n", o / 1e6,
            (1.1 * c + 20e6) / 1e6, (o <= 1.1 * c + 20e6) ? "met" : "MISSED" }'
    awk -v w="$o_w" 'BEGIN { printf "goal: wakeups per idle monitor per minute <= 1: %s: %s\n", w,
        (w <= 1) ? "met" : "MISSED" }'
    if [[ -n $sm ]]; then
        # shellcheck disable=SC2086
        set -- $sm
        awk -v m="$2" -v n="$3" 'BEGIN { printf "goal: sample_cpu_ns_mean <= 100 us: %.1f us (mean of %d monitors): %s\n",
            m / 1000, n, (m <= 100000) ? "met" : "MISSED" }'
    else
        printf 'sample_cpu_ns_mean: not read (no ocimonctl beside %s, or no jq)\n' "$OCIMON"
    fi
}

case ${1:-} in
idle)
    shift
    scenario_idle "$@"
    ;;
*) usage ;;
esac
