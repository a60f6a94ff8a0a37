#!/bin/bash
# Logging benchmark: ocimon against Debian's conmon in the same run (issue 3, "Performance
# goals"). Each monitor is started as podman 4.3.1 starts one (benchtool monitor: the sync and
# start socketpairs, the same flags), with runc and a busybox bundle whose only program is a
# static generator. Runs are interleaved (reference, ocimon, conmon, in a rotating order),
# repeated, and summarised by medians; every log is checked to hold exactly what the
# container wrote. See contrib/bench/README.md.
#
#   bash contrib/bench/bench.sh [--quick] [--runs N] [--only W1,W2] [--no-callgrind]
#                               [--no-journald] [--ocimon PATH] [--conmon PATH] [--log-dir DIR]
#                               [--nice N] [--extra NAME=PATH]...
#
# Environment: OCIMON (default <repo>/build-bench/src/ocimon, else <repo>/build/src/ocimon),
# CONMON (default /usr/bin/conmon), OCIMON_BENCH_DIR (state, default /tmp/ocimon-bench).
# --extra adds a monitor to every comparison (another ocimon build, say the one before a change).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BENCH_DIR=${OCIMON_BENCH_DIR:-/tmp/ocimon-bench}
export OCIMON_TEST_DIR=$BENCH_DIR # contrib/lib.sh puts the busybox rootfs under it
if [[ -z ${OCIMON:-} ]]; then
    OCIMON=$REPO/build-bench/src/ocimon
    [[ -x $OCIMON ]] || OCIMON=$REPO/build/src/ocimon
fi
CONMON=${CONMON:-/usr/bin/conmon}
# shellcheck source=contrib/lib.sh disable=SC2153 # RUNC comes from lib.sh
source "$REPO/contrib/lib.sh"

QUICK=0
RUNS=""
ONLY=""
DO_CALLGRIND=1
DO_JOURNALD=1
NICE=-10
declare -A EXTRA_BIN
EXTRA_NAMES=()
LOG_DIR=/dev/shm/ocimon-bench-logs
usage() {
    sed -n '8,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
}
while [[ $# -gt 0 ]]; do
    case $1 in
    --quick) QUICK=1 ;;
    --runs) RUNS=$2 && shift ;;
    --only) ONLY=$2 && shift ;;
    --no-callgrind) DO_CALLGRIND=0 ;;
    --no-journald) DO_JOURNALD=0 ;;
    --ocimon) OCIMON=$2 && shift ;;
    --conmon) CONMON=$2 && shift ;;
    --log-dir) LOG_DIR=$2 && shift ;;
    --nice) NICE=$2 && shift ;;
    --extra)
        [[ $2 =~ ^[a-z][a-z0-9_-]*=.+ ]] || die "--extra wants NAME=PATH, got $2"
        case ${2%%=*} in ref | ocimon | conmon) die "--extra: $2: the name is taken" ;; esac
        EXTRA_NAMES+=("${2%%=*}")
        EXTRA_BIN[${2%%=*}]=$(readlink -f "${2#*=}")
        [[ -x ${EXTRA_BIN[${2%%=*}]} ]] || die "--extra: ${2#*=} is not executable"
        shift
        ;;
    -h | --help) usage ;;
    *) usage ;;
    esac
    shift
done
[[ $OCIMON == /* ]] || OCIMON=$PWD/$OCIMON
[[ -x $OCIMON ]] || die "ocimon not found at $OCIMON (meson setup build-bench --buildtype=release && ninja -C build-bench)"
[[ -x $CONMON ]] || die "conmon not found at $CONMON (apt-get install conmon)"
[[ -x $RUNC ]] || die "runc not found at $RUNC"
[[ $(id -u) -eq 0 ]] || die "the benchmark runs containers with runc: run it as root"

# Workloads: name, line length (newline included), bytes, mixed or not, label.
MB=1000000
if ((QUICK)); then
    RUNS=${RUNS:-3}
    SCALE=4
else
    RUNS=${RUNS:-5}
    SCALE=1
fi
WORKLOADS=(
    "100B 100 $((200 * MB / SCALE)) - 100-byte lines"
    "100B-small 100 $((20 * MB / SCALE)) - 100-byte lines, 1/10 of the data"
    "64KiB 65536 $((200 * MB / SCALE / 65536 * 65536)) - 64 KiB lines"
    "2B 2 $((20 * MB / SCALE)) - 2-byte lines"
    "mixed 100 $((200 * MB / SCALE)) mixed stdout+stderr, 100-byte lines"
)
JOURNALD_LINES=$((100000 / SCALE))
CALLGRIND_BYTES=$((20 * MB))
MONITORS=(ref ocimon "${EXTRA_NAMES[@]}" conmon)
DAEMONS=("${MONITORS[@]:1}") # all but the reference

W=$BENCH_DIR/work
RUNC_ROOT=$W/runc
EXITS=$W/exits
TOOL=$W/benchtool
ROOTFS=$W/rootfs
RESULTS=$W/results.tsv
JNS=ocimon-bench
JSOCK_DIR=/run/systemd/journal.$JNS
JDROPIN=/run/systemd/journald@$JNS.conf.d
JPID=""
LIVE_ID="" # the container of the run in progress

# forget_container: what the run in progress left (container, monitor, bundle, logs).
forget_container() {
    local id=$LIVE_ID p exe m
    [[ -n $id ]] || return 0
    "$RUNC" --root "$RUNC_ROOT" delete -f "$id" >/dev/null 2>&1
    p=$(cat "$W/b/$id/conmon.pid" 2>/dev/null)
    if [[ -n $p && -e /proc/$p ]]; then
        exe=$(readlink -f "/proc/$p/exe")
        for m in "${DAEMONS[@]}"; do
            [[ $exe == "$(readlink -f "$(monitor_bin "$m")")" ]] && kill -KILL "$p" 2>/dev/null
        done
    fi
    rm -rf "${W:?}/b/$id" "$LOG_DIR/$id".* "$W/$id.err"
    LIVE_ID=""
}

cleanup() {
    forget_container
    if [[ -n $JPID ]]; then
        kill "$JPID" 2>/dev/null
        wait "$JPID" 2>/dev/null
        rm -rf "$JDROPIN" /run/log/journal/*."$JNS"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- setup --------------------------------------------------------------------------------------
# Everything below (monitors, runc, the containers, cat) inherits this priority: other work on
# the machine disturbs the timings less, and every monitor gets the same.
renice -n "$NICE" -p $$ >/dev/null || warn "renice $NICE failed: timings may be noisier"
mkdir -p "$W" "$RUNC_ROOT" "$EXITS" "$W/b" "$LOG_DIR"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -o "$TOOL" "$HERE/benchtool.c" ||
    die "cannot compile $HERE/benchtool.c (apt-get install gcc libc6-dev)"
make_rootfs >/dev/null
rm -rf "$ROOTFS"
cp -a "$OCIMON_IMAGE_DIR/rootfs" "$ROOTFS"
cp "$TOOL" "$ROOTFS/bin/benchtool"
mkdir -p "$ROOTFS/bench"
: >"$RESULTS"

# make_bundle DIR ARGS...: an OCI bundle for runc running ARGS in the generator rootfs, with
# DIR/t as /bench (where the generator notes its start time).
make_bundle() {
    local b=$1 args="" a
    shift
    for a in "$@"; do args+="${args:+, }\"$a\""; done
    mkdir -p "$b/t"
    cat >"$b/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": [ $args ],
    "env": [ "PATH=/bin" ],
    "cwd": "/",
    "capabilities": { "bounding": [], "effective": [], "permitted": [] },
    "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
    "noNewPrivileges": true
  },
  "root": { "path": "$ROOTFS", "readonly": true },
  "hostname": "ocimon-bench",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/bench", "type": "bind", "source": "$b/t", "options": [ "rbind", "rw" ] }
  ],
  "linux": {
    "namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" },
                    { "type": "uts" }, { "type": "mount" } ]
  }
}
EOF
}

# monitor_args ID BUNDLE LOGSPEC: podman 4.3.1's flags for a container (sharedConmonArgs and
# createOCIContainer), with runc's state under our own root and a trivial exit command in
# place of `podman container cleanup`.
monitor_args() {
    local id=$1 b=$2
    printf '%s\n' --api-version 1 -c "$id" -u "$id" -r "$RUNC" -b "$b" -p "$b/pidfile" \
        -n "name-$id" --exit-dir "$EXITS" --full-attach --runtime-arg "--root=$RUNC_ROOT" \
        -l "$3" --log-level warning --runtime-arg --log-format=json --runtime-arg --log \
        "--runtime-arg=$b/oci-log" --conmon-pidfile "$b/conmon.pid" \
        --exit-command /bin/true
}

monitor_bin() {
    case $1 in
    ocimon) printf '%s' "$OCIMON" ;;
    conmon) printf '%s' "$CONMON" ;;
    *) printf '%s' "${EXTRA_BIN[$1]}" ;;
    esac
}

# journald: a private instance (journal namespace $JNS, no rate limit, volatile), its socket
# bound on /run/systemd/journal in the monitor's own mount namespace only (benchtool -J), so
# the machine's journal is neither used nor flooded.
journald_up() {
    [[ -n $JPID ]] && kill -0 "$JPID" 2>/dev/null && [[ -S $JSOCK_DIR/socket ]]
}
start_journald() {
    journald_up && return 0
    # A namespaced journald exits by itself when idle for a while: start it again.
    [[ -n $JPID ]] && wait "$JPID" 2>/dev/null
    mkdir -p "$JDROPIN"
    printf '[Journal]\nStorage=volatile\nRateLimitBurst=0\nRuntimeMaxUse=2G\n' >"$JDROPIN/bench.conf"
    rm -f "$JSOCK_DIR/socket" # a dead instance's
    /lib/systemd/systemd-journald "$JNS" >"$W/journald.log" 2>&1 &
    JPID=$!
    for _ in $(seq 50); do
        journald_up && return 0
        sleep 0.1
    done
    die "systemd-journald $JNS did not start (see $W/journald.log)"
}

declare -A EXPECT
# expected WL LEN BYTES MIXED: the generator's per-stream summary, computed once.
expected() {
    local key=$1 out
    shift
    if [[ -z ${EXPECT[$key]:-} ]]; then
        out=$("$TOOL" expect "$@") || die "benchtool expect $* failed"
        EXPECT[$key]=$out
    fi
    printf '%s\n' "${EXPECT[$key]}"
}

# run_one WL MON RUN LEN BYTES MIXED: one container, one result line in $RESULTS.
run_one() {
    local wl=$1 mon=$2 run=$3 len=$4 bytes=$5 mixed=$6
    local id=ocb-$wl-$mon-$run-$$ b log out got want check bad margs=() gen=()
    b=$W/b/$id
    log=$LOG_DIR/$id.log
    LIVE_ID=$id
    gen=(/bin/benchtool gen "$len" "$bytes" "$mixed" /bench/t0)
    make_bundle "$b" "${gen[@]}"
    want=$(expected "$len-$bytes-$mixed" "$len" "$bytes" "$mixed")
    case $mon in
    ref)
        out=$("$TOOL" ref -T "$b/t/t0" -R "$RUNC" -r "$RUNC_ROOT" -i "$id" -b "$b" -o "$log.out" -e "$log.err" 2>"$W/$id.err")
        got="stdout $("$TOOL" hash <"$log.out")"$'\n'"stderr $("$TOOL" hash <"$log.err")"
        ;;
    *)
        mapfile -t margs < <(monitor_args "$id" "$b" "k8s-file:$log")
        out=$("$TOOL" monitor -T "$b/t/t0" -P "$b/conmon.pid" -R "$RUNC" -r "$RUNC_ROOT" -i "$id" -- \
            "$(monitor_bin "$mon")" "${margs[@]}" 2>"$W/$id.err")
        got=$("$TOOL" verify "$log")
        bad=$(sed -n 's/^bad //p' <<<"$got")
        got=$(head -n 2 <<<"$got")
        [[ $bad == 0 ]] || got+=" ($bad malformed records)"
        ;;
    esac
    if [[ -z $out ]]; then
        warn "$wl $mon run $run failed: $(tr '\n' ' ' <"$W/$id.err")"
        out="elapsed=0 cpu=0 hwm_kb=0"
    fi
    if [[ $got == "$want" ]]; then check=ok; else check=BAD; fi
    if [[ $check == BAD ]]; then
        warn "$wl $mon run $run: log incomplete or wrong"$'\n'"  want: ${want//$'\n'/ | }"$'\n'"  got:  ${got//$'\n'/ | }"
        cp "$log" "$W/bad-$id.log" 2>/dev/null
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$mon" "$run" "$bytes" "$check" "$out" >>"$RESULTS"
    forget_container
}

# run_journald MON RUN: LINES 100-byte lines to the private journald; lines/s.
run_journald() {
    local mon=$1 run=$2 len=100 bytes=$((JOURNALD_LINES * 100)) id b out got want check margs=()
    id=ocb-journald-$mon-$run-$$
    b=$W/b/$id
    LIVE_ID=$id
    make_bundle "$b" /bin/benchtool gen "$len" "$bytes" - /bench/t0
    want=$(expected "$len-$bytes--" "$len" "$bytes" - | head -n 1)
    start_journald
    mapfile -t margs < <(monitor_args "$id" "$b" journald)
    out=$("$TOOL" monitor -J "$JSOCK_DIR" -T "$b/t/t0" -P "$b/conmon.pid" -R "$RUNC" -r "$RUNC_ROOT" -i "$id" -- \
        "$(monitor_bin "$mon")" "${margs[@]}" 2>"$W/$id.err")
    [[ -n $out ]] || {
        warn "journald $mon run $run failed: $(tr '\n' ' ' <"$W/$id.err")"
        out="elapsed=0 cpu=0 hwm_kb=0"
    }
    # journald may still be writing what it has received. Both monitors keep the line's
    # newline in MESSAGE, which `-o cat` follows with its own: drop the empty lines (the
    # generator never writes one).
    for _ in $(seq 50); do
        got="stdout $(journalctl --namespace="$JNS" -o cat --no-pager CONTAINER_ID_FULL="$id" |
            grep -v '^$' | "$TOOL" hash)"
        [[ $got == "$want" ]] && break
        sleep 0.2
    done
    if [[ $got == "$want" ]]; then check=ok; else check=BAD; fi
    [[ $check == ok ]] || warn "journald $mon run $run: want $want, got $got"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' journald "$mon" "$run" "$bytes" "$check" "$out" >>"$RESULTS"
    forget_container
}

# run_callgrind MON: instructions of the monitor for CALLGRIND_BYTES of 100-byte lines.
run_callgrind() {
    local mon=$1 id b log out got want margs=() total
    id=ocb-callgrind-$mon-$$
    b=$W/b/$id
    log=$LOG_DIR/$id.log
    LIVE_ID=$id
    make_bundle "$b" /bin/benchtool gen 100 "$CALLGRIND_BYTES" -
    want=$(expected "100-$CALLGRIND_BYTES--" 100 "$CALLGRIND_BYTES" -)
    mapfile -t margs < <(monitor_args "$id" "$b" "k8s-file:$log")
    out=$("$TOOL" monitor -s -R "$RUNC" -r "$RUNC_ROOT" -i "$id" -- valgrind --tool=callgrind \
        --callgrind-out-file="$W/callgrind.$mon.out" "$(monitor_bin "$mon")" "${margs[@]}" --sync \
        2>"$W/$id.err")
    got=$("$TOOL" verify "$log")
    got=$(head -n 2 <<<"$got")
    total=$(sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$W/callgrind.$mon.out" 2>/dev/null | head -n 1)
    [[ -n $out && -n $total ]] || warn "callgrind $mon failed: $(tr '\n' ' ' <"$W/$id.err")"
    [[ $got == "$want" ]] || warn "callgrind $mon: log incomplete: want ${want//$'\n'/ | }, got ${got//$'\n'/ | }"
    printf '%s\t%s\t%s\t%s\t%s\telapsed=0 cpu=0 hwm_kb=0 instructions=%s\n' callgrind "$mon" 1 \
        "$CALLGRIND_BYTES" "$([[ $got == "$want" ]] && echo ok || echo BAD)" "${total:-0}" >>"$RESULTS"
    forget_container
}

selected() { [[ -z $ONLY || ,$ONLY, == *",$1,"* ]]; }

# --- the runs -----------------------------------------------------------------------------------
say "ocimon: $OCIMON"
say "conmon: $CONMON ($("$CONMON" --version 2>/dev/null | head -n 1))"
say "logs in $LOG_DIR ($(stat -f -c %T "$LOG_DIR")), $RUNS runs, $(nproc) CPUs"
t_start=$(date +%s)
for ((run = 1; run <= RUNS; run++)); do
    for w in "${WORKLOADS[@]}"; do
        read -r wl len bytes mixed _ <<<"$w"
        selected "$wl" || continue
        # Rotate the order so that none always runs first (or after the same one).
        for ((k = 0; k < ${#MONITORS[@]}; k++)); do
            mon=${MONITORS[$(((k + run) % ${#MONITORS[@]}))]}
            run_one "$wl" "$mon" "$run" "$len" "$bytes" "$mixed"
        done
    done
    if ((DO_JOURNALD)) && selected journald; then
        for ((k = 0; k < ${#DAEMONS[@]}; k++)); do
            mon=${DAEMONS[$(((k + run) % ${#DAEMONS[@]}))]}
            run_journald "$mon" "$run"
        done
    fi
    say "run $run/$RUNS done ($(($(date +%s) - t_start)) s)"
done
if ((DO_CALLGRIND)) && selected callgrind; then
    if command -v valgrind >/dev/null; then
        for mon in "${DAEMONS[@]}"; do run_callgrind "$mon"; done
    else
        warn "valgrind not installed: no instruction counts (apt-get install valgrind)"
    fi
fi

# --- the table ----------------------------------------------------------------------------------
echo
awk -F'\t' -v mons="${MONITORS[*]}" '
function field(s, k,    a, n, i, kv) {
    n = split(s, a, " ")
    for (i = 1; i <= n; i++) { split(a[i], kv, "="); if (kv[1] == k) return kv[2] + 0 }
    return 0
}
function median(list,    a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    if (n == 0) return 0
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    k = $1 SUBSEP $2
    if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
    if (!($1 in wseen)) { wseen[$1] = 1; worder[++nw] = $1 }
    bytes[k] = $4
    runs[k]++
    if ($5 == "ok") okc[k]++
    e = field($6, "elapsed")
    if (e > 0) {
        mbs[k] = mbs[k] " " ($4 / 1e6) / e
        cpu[k] = cpu[k] " " field($6, "cpu") / ($4 / 1e9)
        hwm[k] = hwm[k] " " field($6, "hwm_kb")
    }
    ins[k] = field($6, "instructions")
}
function ratio(a, b) { return b > 0 ? sprintf("%.2fx", a / b) : "-" }
function verdict(ok) { return ok ? "met" : "MISSED" }
function pct(a, b) { return b > 0 ? 100 * a / b : 0 }
END {
    nm = split(mons, ML, " ")
    printf "%-12s %-16s %10s %8s %10s %10s %9s\n", "workload", "monitor", "MB/s", "%limit", "CPU s/GB", "peakRSS KB", "complete"
    for (i = 1; i <= nw; i++) {
        w = worder[i]
        if (w == "callgrind") continue
        lim = ((w SUBSEP "ref") in seen) ? median(mbs[w SUBSEP "ref"]) : 0
        for (m = 1; m <= nm; m++) {
            mon = ML[m]
            k = w SUBSEP mon
            if (!(k in seen)) continue
            M[mon] = median(mbs[k]); C[mon] = median(cpu[k]); H[mon] = median(hwm[k])
            name = (mon == "ref" ? "pipe->cat" : mon)
            if (w == "journald")
                printf "%-12s %-16s %10s %8s %10.2f %10d %6d/%d   %.0f lines/s\n", w, name, "-", "-", C[mon], H[mon], okc[k], runs[k], M[mon] * 1e6 / 100
            else
                printf "%-12s %-16s %10.1f %7.0f%% %10.2f %10d %6d/%d\n", w, name, M[mon], pct(M[mon], lim), C[mon], H[mon], okc[k], runs[k]
            R[w, mon, "mbs"] = M[mon]; R[w, mon, "cpu"] = C[mon]; R[w, mon, "hwm"] = H[mon]
        }
        for (m = 1; m <= nm; m++) {
            mon = ML[m]
            if (mon == "ref" || mon == "conmon" || !((w SUBSEP mon) in seen) || !((w SUBSEP "conmon") in seen)) continue
            printf "%-12s %-16s %10s %8s %10s %10s\n", "", mon "/conmon", ratio(M[mon], M["conmon"]), "", ratio(C[mon], C["conmon"]), ratio(H[mon], H["conmon"])
        }
    }
    if (("callgrind" SUBSEP "conmon") in seen) {
        ic = ins["callgrind" SUBSEP "conmon"]
        printf "\ncallgrind, %d MB of 100-byte lines (instructions of the monitor process):\n", bytes["callgrind" SUBSEP "conmon"] / 1e6
        for (m = 1; m <= nm; m++) {
            k = "callgrind" SUBSEP ML[m]
            if (!(k in seen)) continue
            printf "  %-16s %8.1f M  %s  log %s\n", ML[m], ins[k] / 1e6, ML[m] == "conmon" ? "     " : ratio(ins[k], ic), okc[k] ? "ok" : "BAD"
        }
    }
    # The goals of issue 3, for ocimon.
    print "\nGoals (issue 3), ocimon against conmon:"
    if (("100B" SUBSEP "ocimon") in seen) {
        a = R["100B", "ocimon", "mbs"]; c = R["100B", "conmon", "mbs"]; l = R["100B", "ref", "mbs"]
        printf "  100-byte lines MB/s >= 2.0x conmon:        %s (%s)\n", verdict(c > 0 && a / c >= 2.0), ratio(a, c)
        printf "  100-byte lines >= 85%% of pipe->cat:        %s (%.0f%%)\n", verdict(l > 0 && a / l >= 0.85), pct(a, l)
        a = R["100B", "ocimon", "cpu"]; c = R["100B", "conmon", "cpu"]
        printf "  CPU per GB <= 0.5x conmon (100-byte):      %s (%s)\n", verdict(c > 0 && a / c <= 0.5), ratio(a, c)
        a = R["100B", "ocimon", "hwm"]; c = R["100B", "conmon", "hwm"]
        printf "  peak RSS <= conmon (100-byte):             %s (%d KB vs %d KB)\n", verdict(a <= c), a, c
        if (("100B-small" SUBSEP "ocimon") in seen) {
            s = R["100B-small", "ocimon", "hwm"]
            printf "  peak RSS flat, 10x more logged:            %s (%d KB -> %d KB)\n", verdict(a - s <= 512), s, a
        }
    }
    if (("callgrind" SUBSEP "ocimon") in seen) {
        io = ins["callgrind" SUBSEP "ocimon"]
        printf "  callgrind instructions <= 0.5x conmon:     %s (%s)\n", verdict(ic > 0 && io / ic <= 0.5), ratio(io, ic)
    }
}' "$RESULTS"
echo
say "raw results: $RESULTS ($(($(date +%s) - t_start)) s in all)"
if grep -q $'\tBAD\t' "$RESULTS"; then
    warn "some logs were incomplete or wrong (see the warnings above)"
    exit 1
fi
