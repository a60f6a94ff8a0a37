#!/usr/bin/env bash
# storm.sh N: N concurrent `podman run -d`, ocimon against conmon in one run (issue 11).
#
# Each container prints `seq 1 10000`, then polls a bind-mounted flag file every 0.2 s
# until it appears. The time reported for a monitor is from launching the N `podman run -d`
# at once to the return of the last one; a run that takes longer than 90 s is counted as
# late (the acceptance: none late, ocimon's time <= 1.1 x conmon's).
#
#   flock /work/notes/bench.lock bash contrib/bench/storm.sh 100
#
# Options: --runs R (alternating conmon/ocimon R times, default 1), --only ocimon|conmon,
# --ocimon PATH, --conmon PATH, --perf (perf record -a -g over each storm, the reports are
# left in the state dir). State in $OCIMON_STORM_DIR (default /tmp/ocimon-storm), removed
# at the end unless --keep.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=100
RUNS=1
ONLY=
PERF=
KEEP=
LATE_S=90
OCIMON_BIN=${OCIMON:-$REPO/build/src/ocimon}
CONMON_BIN=${CONMON:-/usr/bin/conmon}
while (($#)); do
    case $1 in
    --runs) RUNS=$2 && shift ;;
    --only) ONLY=$2 && shift ;;
    --ocimon) OCIMON_BIN=$2 && shift ;;
    --conmon) CONMON_BIN=$2 && shift ;;
    --perf) PERF=1 ;;
    --keep) KEEP=1 ;;
    [0-9]*) N=$1 ;;
    *)
        printf 'usage: %s [N] [--runs R] [--only ocimon|conmon] [--perf] [--keep]\n' "$0" >&2
        exit 2
        ;;
    esac
    shift
done
[[ $OCIMON_BIN == /* ]] || OCIMON_BIN=$PWD/$OCIMON_BIN

export OCIMON_TEST_DIR=${OCIMON_STORM_DIR:-/tmp/ocimon-storm}
# One private storage for both monitors (the image is imported once); lib.sh's pm() passes
# --conmon "$OCIMON", set per storm below.
export OCIMON=$OCIMON_BIN
# shellcheck source=contrib/lib.sh
source "$REPO/contrib/lib.sh"
[[ $(id -u) -eq 0 ]] || die "run as root"
[[ -x $OCIMON_BIN ]] || die "ocimon $OCIMON_BIN not found (build first)"
[[ -x $CONMON_BIN ]] || die "conmon $CONMON_BIN not found"

STATE=$OCIMON_TEST_DIR/storm
cleanup() {
    [[ -n $KEEP ]] && return
    pm_t 300 rm -a -f -t 0 >/dev/null 2>&1
    rm -rf "$STATE/flag"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

reset_state
make_image >/dev/null || die "could not import the test image"
mkdir -p "$STATE"

# CPU time (ms) of the live processes running binary $1, from schedstat (ns: a monitor
# uses a few ms, below the clock tick of /proc/PID/stat).
monitor_cpu_ms() {
    local exe p total=0 ns _
    exe=$(readlink -f "$1")
    for p in /proc/[0-9]*; do
        [[ $(readlink "$p/exe" 2>/dev/null) == "$exe" ]] || continue
        read -r ns _ <"$p/schedstat" 2>/dev/null || continue
        total=$((total + ns))
    done
    printf '%d' $((total / 1000000))
}

# probe_pipe NAME: the size (KiB) of a pipe a process in one more container creates while
# the storm's containers run. Past fs.pipe-user-pages-soft (the pipes of every process of
# the user, monitors' included, count) the kernel gives an unprivileged process's new pipe
# 2 pages instead of 16.
probe_pipe() {
    local pid child size
    pm_t 60 run -d --name "storm-$1-probe" "$OCIMON_IMAGE" sh -c 'sleep 60 | sleep 60' \
        >/dev/null 2>&1 || { echo "?"; return; }
    pid=$(pm_t 30 inspect -f '{{.State.Pid}}' "storm-$1-probe")
    sleep 0.5
    child=$(cat /proc/"$pid"/task/*/children 2>/dev/null | awk '{ print $1 }')
    # F_GETPIPE_SZ (1032) on the pipe the first sleep writes to.
    size=$(perl -e 'open(my $f, ">", $ARGV[0]) or exit 1; print fcntl($f, 1032, 0) / 1024' \
        "/proc/$child/fd/1" 2>/dev/null) || size="?"
    echo "${size:-?}"
}

# storm NAME BIN: prints "NAME seconds late failed monitor_cpu_ms".
storm() {
    local name=$1 bin=$2 dir=$STATE/$1 i t0 max=0 late=0 failed=0 d rc perf_pid=
    OCIMON=$bin
    rm -rf "$dir" "$STATE/flag"
    mkdir -p "$dir" "$STATE/flag"
    sync
    sleep 5
    if [[ -n $PERF ]]; then
        perf record -a -g -F 499 -o "$dir/perf.data" >/dev/null 2>&1 &
        perf_pid=$!
        sleep 1
    fi
    t0=$(date +%s%N)
    local runs=()
    for ((i = 0; i < N; i++)); do
        (
            rc=0
            pm_t 300 run -d --name "storm-$name-$i" -v "$STATE/flag:/flag" "$OCIMON_IMAGE" \
                sh -c 'seq 1 10000; while [ ! -e /flag/go ]; do sleep 0.2; done' \
                >"$dir/$i.out" 2>"$dir/$i.err" || rc=$?
            printf '%s %s\n' "$(date +%s%N)" "$rc" >"$dir/$i.done"
        ) &
        runs+=($!)
    done
    wait "${runs[@]}"
    if [[ -n $perf_pid ]]; then
        kill -TERM "$perf_pid"
        wait "$perf_pid"
        # CPU per command over the storm, then where the monitors' own time goes.
        {
            perf report -i "$dir/perf.data" --no-children --sort comm -g none --stdio \
                2>/dev/null | grep -v '^#' | head -25
            perf report -i "$dir/perf.data" --no-children --comms "$(basename "$bin")" \
                --sort dso,symbol -g none --stdio 2>/dev/null | grep -v '^#' | head -40
        } >"$dir/perf.txt"
        printf '%s: perf report in %s\n' "$name" "$dir/perf.txt" >&2
    fi
    local cpu
    cpu=$(monitor_cpu_ms "$bin")
    for ((i = 0; i < N; i++)); do
        read -r d rc <"$dir/$i.done"
        d=$(((d - t0) / 1000000))
        ((d > max)) && max=$d
        ((d > LATE_S * 1000)) && late=$((late + 1))
        ((rc != 0)) && failed=$((failed + 1))
    done
    local running pipe_kib
    running=$(pm_t 120 ps -q --filter "name=^storm-$name-" --filter status=running | wc -l)
    pipe_kib=$(probe_pipe "$name")
    printf '%s %d.%03d %d %d %d %d %s\n' "$name" $((max / 1000)) $((max % 1000)) "$late" \
        "$failed" "$running" "$cpu" "$pipe_kib"
    touch "$STATE/flag/go"
    pm_t 300 rm -a -f -t 0 >/dev/null 2>&1
}

printf 'storm: %d x podman run -d (seq 1 10000, then poll /flag/go), ocimon %s, conmon %s\n' \
    "$N" "$OCIMON_BIN" "$CONMON_BIN"
printf 'pipe-user-pages-soft %s, %s cores, load %s\n' "$(cat /proc/sys/fs/pipe-user-pages-soft)" \
    "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %10s %6s %7s %8s %14s %13s\n' monitor all_run_s late failed running monitor_cpu_ms ctr_pipe_kib
RES=$STATE/results.txt
: >"$RES"
for ((r = 0; r < RUNS; r++)); do
    for m in conmon ocimon; do
        [[ -n $ONLY && $ONLY != "$m" ]] && continue
        if [[ $m == conmon ]]; then bin=$CONMON_BIN; else bin=$OCIMON_BIN; fi
        line=$(storm "$m" "$bin")
        printf '%s\n' "$line" >>"$RES"
        read -r name secs late failed running cpu pipe <<<"$line"
        printf '%-8s %10s %6s %7s %8s %14s %13s\n' "$name" "$secs" "$late" "$failed" "$running" \
            "$cpu" "$pipe"
    done
done
# Medians of the runs, and the ratio.
med() { awk -v m="$1" '$1 == m { print $2 }' "$RES" | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }
c=$(med conmon)
o=$(med ocimon)
late=$(awk '$3 > 0 || $4 > 0 { n++ } END { print n + 0 }' "$RES")
if [[ -n $c && -n $o ]]; then
    printf 'median: conmon %s s, ocimon %s s, ratio %s; storms with a late or failed run: %s\n' \
        "$c" "$o" "$(awk -v o="$o" -v c="$c" 'BEGIN { printf "%.2f", o / c }')" "$late"
fi
((late == 0))
