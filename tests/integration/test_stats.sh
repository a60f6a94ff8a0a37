#!/bin/bash
# Built-in stats through real podman: the monitor's sampler, its stats socket, the exit
# summary and the registry, as ocimonctl shows them. podman passes no --stats-interval
# or --ocimon-run-dir, so the defaults apply: samples every 5 s backing off to 300 s while
# nothing changes, registry in /run/ocimon. CPU thresholds are loose (>= 20 % for a hog
# that should show ~100 %): the machine may be busy with other work.
# Test helpers are called through check/wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

OCTL=${OCIMONCTL:-$(dirname "$OCIMON")/ocimonctl}
if [[ ! -x $OCTL ]]; then
    # The suite can run against conmon (contrib/test.sh): it has no stats.
    printf '== %s: skipped, no ocimonctl beside %s\n' "$T_NAME" "$OCIMON"
    exit 0
fi
t_setup podman

I=$OCIMON_IMAGE
W=$T_WORK
RUN_DIR=/run/ocimon # root's default, where podman-started monitors register

# ge A B / le A B: decimal comparisons.
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
within() { awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { x = a - b; if (x < 0) x = -x; exit !(x <= d) }'; }

# forget ID: this test's containers leave summaries in the exited index; remove them.
forget() { t_on_exit "rm -f '$RUN_DIR/exited/$1.json'"; }

# --- an idle container, for the sampling cost measured by the monitor itself ------------
idle=$T_NAME-idle
idle_id=$(pm_t 60 run -d --name "$idle" "$I" sleep 300)
forget "$idle_id"

# --- a CPU hog ----------------------------------------------------------------------------
hog=$T_NAME-hog
hog_id=$(pm_t 60 run -d --name "$hog" "$I" sh -c 'yes > /dev/null')
forget "$hog_id"
assert_match "hog started" '^[0-9a-f]{64}$' "$hog_id"
sleep 8

json=$("$OCTL" stats --no-stream --json "$hog" 2>"$W/stats.err")
pcpu=$(pm_t 30 stats --no-stream --format '{{.CPUPerc}}' "$hog")
pcpu=${pcpu%\%}
cpu=$(jq -r '.[0].cpu_percent' <<<"$json")
printf '   ocimonctl cpu_percent=%s, podman stats CPU %%=%s\n' "$cpu" "$pcpu"
check "stats --json: cpu_percent $cpu >= 20" ge "$cpu" 20
check "stats --json: cpu_percent $cpu within 15 points of podman's $pcpu" within "$cpu" "$pcpu" 15
check "stats --json: mem_bytes > 0" ge "$(jq -r '.[0].mem_bytes' <<<"$json")" 1
check "stats --json: pids >= 1" ge "$(jq -r '.[0].pids' <<<"$json")" 1
assert_eq "stats --json: the full container ID" "$hog_id" "$(jq -r '.[0].id' <<<"$json")"
assert_eq "stats --json: the name" "$hog" "$(jq -r '.[0].name' <<<"$json")"
keys=$(jq -r '.[0] | [has("timestamp","cpu_ns","cpu_percent","mem_bytes","mem_limit_bytes","pids","blk_read_bytes","blk_write_bytes")] | all' <<<"$json")
assert_eq "stats --json: keyed by the sample's field names" true "$keys"
check "stats --json: cpu_ns > 0" ge "$(jq -r '.[0].cpu_ns' <<<"$json")" 1
check "stats --json: mem_limit_bytes > 0" ge "$(jq -r '.[0].mem_limit_bytes' <<<"$json")" 1

out=$("$OCTL" stats --no-stream --json "${hog_id:0:12}" | jq -r '.[0].id')
assert_eq "stats: an ID prefix finds the container" "$hog_id" "$out"

table=$("$OCTL" stats --no-stream "$hog")
assert_match "stats: podman-like header" \
    '^ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +BLOCK IO +PIDS +CPU TIME' "$table"
assert_match "stats: a row for the hog" "${hog_id:0:12} +$hog +[0-9.]+% +[0-9.]+[kMG]?B / " "$table"
assert_match "stats: the trend columns last" 'CPU TIME +CPU TREND +MEM TREND$' "$(head -n 1 <<<"$table")"
utf=$(LC_ALL=C.UTF-8 "$OCTL" stats --no-stream "$hog")
assert_match "stats: in a UTF-8 locale the trends are blocks" ' (▁|▂|▃|▄|▅|▆|▇|█)+ +(▁|▂|▃|▄|▅|▆|▇|█)+$' "$(tail -n 1 <<<"$utf")"
check_not "stats: no colour when not on a terminal" grep -q $'\033' <<<"$utf"
asc=$(LC_ALL=C "$OCTL" stats --no-stream "$hog")
assert_match "stats: in the C locale the trends are ASCII" ' [_.~=+*#-]+ +[_.~=+*#-]+$' "$(tail -n 1 <<<"$asc")"

all=$("$OCTL" stats --no-stream --json | jq -r '.[].name')
assert_contains "stats without names: every running monitor" "$hog" "$all"
assert_contains "stats without names: the idle one too" "$idle" "$all"

# --- ps and the registry ------------------------------------------------------------------
ps_out=$("$OCTL" ps)
assert_match "ps: header" '^ID +NAME +PID +CTR PID +UPTIME +LOG DRIVER' "$ps_out"
assert_match "ps: lists the hog with its log driver" "${hog_id:0:12} +$hog +[0-9]+ +[0-9]+ +[0-9.a-z]+ +k8s-file" "$ps_out"
mon_pid=$(jq -r --arg id "$hog_id" '.[] | select(.id == $id) | .monitor_pid' < <("$OCTL" ps --json))
check "ps --json: the monitor pid is a live ocimon" proc_alive "$mon_pid"
assert_eq "ps --json: that pid runs the monitor under test" "$(readlink -f "$OCIMON")" "$(real_exe "$mon_pid")"
check "registry: $RUN_DIR/<id>.json exists" test -f "$RUN_DIR/$hog_id.json"
ctr_pid=$(pm_t 30 inspect "$hog" --format '{{.State.Pid}}')
assert_eq "registry: the container pid" "$ctr_pid" "$(jq -r .container_pid "$RUN_DIR/$hog_id.json")"

# --- the stats socket -----------------------------------------------------------------------
bundle=$(pm_t 30 inspect "$hog" --format '{{.StaticDir}}')
check "stats socket: <bundle>/stats is a socket" test -S "$bundle/stats"
assert_eq "stats socket: mode 0700" 700 "$(stat -c %a "$bundle/stats")"
doc=$("$OCTL" stats --no-stream --raw "$hog" | jq '.[0]')
assert_eq "document: version 1" 1 "$(jq -r .version <<<"$doc")"
check "document: history of samples" ge "$(jq -r '.history | length' <<<"$doc")" 1
check "document: peak CPU >= 20" ge "$(jq -r .peaks.cpu_percent <<<"$doc")" 20
# "current" is taken when asked, whatever the interval.
age=$(jq -r '.current.timestamp | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601 | now - . | floor' <<<"$doc")
check "document: current is a fresh sample ($age s old)" le "$age" 2
assert_eq "document: the base interval" 5 "$(jq -r .interval_s <<<"$doc")"
assert_eq "document: the longest interval (default)" 300 "$(jq -r .max_interval_s <<<"$doc")"
assert_match "document: the cgroup it reads" '^cgroup v[12] /sys/fs/cgroup/' "$(jq -r .source <<<"$doc")"

# --- top -------------------------------------------------------------------------------------
top_out=$("$OCTL" top "$hog" 2>&1)
assert_match "top: podman's columns" '^USER +PID +PPID +%CPU +ELAPSED +TTY +TIME +COMMAND' "$top_out"
assert_contains "top: lists yes" "yes" "$top_out"
assert_match "top: the container's init is PID 1 as root" $'\n''root +1 +0 ' "$top_out"

# --- errors ------------------------------------------------------------------------------------
rc=0
err=$("$OCTL" stats --no-stream no-such-container-xyz 2>&1) || rc=$?
assert_ne "unknown name: non-zero exit" 0 "$rc"
assert_contains "unknown name: says so" 'no container "no-such-container-xyz"' "$err"
rc=0
err=$("$OCTL" top no-such-container-xyz 2>&1) || rc=$?
assert_ne "top, unknown name: non-zero exit" 0 "$rc"
rc=0
err=$("$OCTL" inspect "$hog" 2>&1) || rc=$?
assert_ne "inspect of a running container: non-zero exit" 0 "$rc"
assert_contains "inspect of a running container: says it runs" "still running" "$err"

# A monitor that died without removing its entry (its own run dir, via --run-dir).
mkdir -p "$W/run"
sh -c 'exit 0' &
dead=$!
wait "$dead"
printf '{"id": "feedface%056d", "name": "ghost", "monitor_pid": %d, "stats_socket": "%s/nosock", "started_at_us": 1}\n' \
    0 "$dead" "$W" >"$W/run/feedface.json"
rc=0
err=$("$OCTL" --run-dir "$W/run" stats --no-stream ghost 2>&1) || rc=$?
assert_ne "monitor gone: non-zero exit" 0 "$rc"
assert_contains "monitor gone: says so" "is gone" "$err"
assert_eq "monitor gone: ps does not list it" "" "$("$OCTL" --run-dir "$W/run" ps | tail -n +2)"

# --- the sampling cost, measured by the idle container's monitor --------------------------
idle_samples() { [[ $("$OCTL" stats --no-stream --raw "$idle" | jq '.[0].history | length') -ge 2 ]]; }
check "idle: two samples within 20 s" wait_for 20 idle_samples
idoc=$("$OCTL" stats --no-stream --raw "$idle" | jq '.[0]')
mean=$(jq -r .sample_cpu_ns_mean <<<"$idoc")
printf '   sampling cost of an idle container: last %s ns, mean %s ns, max %s ns\n' \
    "$(jq -r .sample_cpu_ns <<<"$idoc")" "$mean" "$(jq -r .sample_cpu_ns_max <<<"$idoc")"
check "idle: one sample costs under 1 ms of CPU on average ($mean ns)" le "$mean" 999999
check "idle: cpu_percent near 0" le "$(jq -r .current.cpu_percent <<<"$idoc")" 5
# Nothing moves in a sleeping container: the interval doubles (5, 10, 20 ...).
idle_backed_off() { [[ $("$OCTL" stats --no-stream --raw "$idle" | jq '.[0].current_interval_s') -ge 20 ]]; }
check "idle: the sampler backs off to 20 s or more within 60 s" wait_for 60 idle_backed_off
# The hog moves little once it runs flat out: its interval may grow too, but its samples
# still show it busy.
hdoc=$("$OCTL" stats --no-stream --raw "$hog" | jq '.[0]')
check "hog: the last stored sample shows it busy" ge "$(jq -r '.history[-1].cpu_percent' <<<"$hdoc")" 20

# --- stop: the exit summary ------------------------------------------------------------------
pm_t 60 stop -t 1 "$hog" >/dev/null 2>&1
# podman stop returns once runc reports the container stopped, maybe before the monitor
# has finished: wait for its summary.
check "stop: the summary is recorded within 20 s" wait_for 20 test -f "$RUN_DIR/exited/$hog_id.json"
code=$(pm_t 30 inspect "$hog" --format '{{.State.ExitCode}}')
sum=$("$OCTL" inspect --json "$hog" 2>"$W/inspect.err")
check "inspect --json: total CPU > 0" ge "$(jq -r .total_cpu_ns <<<"$sum")" 1
assert_eq "inspect --json: exit status as podman saw it" "$code" "$(jq -r .exit_status <<<"$sum")"
assert_eq "inspect --json: not OOM" false "$(jq -r .oom_killed <<<"$sum")"
check "inspect --json: duration >= 8 s" ge "$(jq -r .duration_s <<<"$sum")" 8
check "inspect --json: peak memory > 0" ge "$(jq -r .peak_mem_bytes <<<"$sum")" 1
assert_match "inspect --json: peak memory is the kernel's high-water mark" \
    '^memory\.(max_usage_in_bytes|peak)$' "$(jq -r .peak_mem_from <<<"$sum")"
check "inspect --json: peak memory >= the highest sample" \
    ge "$(jq -r .peak_mem_bytes <<<"$sum")" "$(jq -r .peak_mem_sampled_bytes <<<"$sum")"
check "inspect --json: peak pids >= 1" ge "$(jq -r .peak_pids <<<"$sum")" 1
check "inspect --json: memory limit > 0" ge "$(jq -r .mem_limit_bytes <<<"$sum")" 1
assert_eq "inspect --json: block I/O totals" "number number" \
    "$(jq -r '[.blk_read_bytes, .blk_write_bytes] | map(type) | join(" ")' <<<"$sum")"
human=$("$OCTL" inspect "$hog")
assert_match "inspect: CPU time in words" $'\n''CPU time: +[0-9.]+s' "$human"
assert_match "inspect: exit status" $'\n''Exit status: +'"$code" "$human"
assert_match "inspect: peak memory" $'\n''Peak memory: +[0-9.]+[kMG]?B of ' "$human"
assert_match "inspect: peak PIDs" $'\n''Peak PIDs: +[1-9]' "$human"
assert_match "inspect: block I/O" $'\n''Block I/O: +[0-9.]+[kMG]?B read / [0-9.]+[kMG]?B written' "$human"
check "summary: <bundle>/stats.json (podman 4 gives no persist dir)" test -f "$bundle/stats.json"
check "summary file: total CPU > 0" ge "$(jq -r .total_cpu_ns "$bundle/stats.json")" 1
check "stop: the stats socket is removed" test ! -e "$bundle/stats"
check "stop: the registry entry is removed" test ! -e "$RUN_DIR/$hog_id.json"
assert_not_contains "stop: ps no longer lists it" "$hog" "$("$OCTL" ps)"
rc=0
err=$("$OCTL" stats --no-stream "$hog" 2>&1) || rc=$?
assert_ne "stats of a finished container: non-zero exit" 0 "$rc"
assert_contains "stats of a finished container: points to inspect" "has exited" "$err"
out=$("$OCTL" inspect --json "$bundle" | jq -r .id)
assert_eq "inspect PATH: the bundle's stats.json" "$hog_id" "$out"

# After podman rm the bundle is gone; the exited index still knows the container.
pm_t 60 rm "$hog" >/dev/null
check "rm: the bundle is gone" test ! -e "$bundle"
out=$("$OCTL" inspect --json "$hog" | jq -r .total_cpu_ns)
check "inspect after podman rm: the summary from the index ($out ns)" ge "$out" 1

pm_t 60 rm -f -t 0 "$idle" >/dev/null

# --- ocimon's own options, which podman never passes: through a wrapper as --conmon -------
# wrap NAME ARGS...: a monitor that is ocimon plus ARGS.
wrap() {
    local w=$W/$1
    shift
    printf '#!/bin/sh\nexec %q %s "$@"\n' "$OCIMON" "$*" >"$w"
    chmod +x "$w"
    printf '%s' "$w"
}
mkdir -p "$W/persist"
fast=$(wrap fast.sh --stats-interval 1 --stats-max-interval 2 --ocimon-run-dir "$W/myrun" --persist-dir "$W/persist")
c=$T_NAME-fast
id=$(OCIMON=$fast pm_t 60 run -d --name "$c" "$I" sh -c 'sleep 8; exit 3')
check "--ocimon-run-dir: registered there" wait_for 10 test -f "$W/myrun/$id.json"
check "--ocimon-run-dir: not in the default run dir" test ! -e "$RUN_DIR/$id.json"
fast_samples() { [[ $("$OCTL" --run-dir "$W/myrun" stats --no-stream --raw "$c" | jq '.[0].history | length') -ge 2 ]]; }
check "--stats-interval 1: two samples within 5 s" wait_for 5 fast_samples
fdoc=$("$OCTL" --run-dir "$W/myrun" stats --no-stream --raw "$c" | jq '.[0]')
assert_eq "--stats-interval 1: the document says so" 1 "$(jq '.interval_s' <<<"$fdoc")"
assert_eq "--stats-max-interval 2: the document says so" 2 "$(jq '.max_interval_s' <<<"$fdoc")"
assert_eq "--stats-max-interval 2: a setting from the command line" "2 flag" \
    "$(jq -r '.settings["stats.max_interval"] | "\(.value) \(.from)"' <<<"$fdoc")"
wait_for 20 test -f "$W/persist/stats.json"
check "--persist-dir: the summary is written there" test -f "$W/persist/stats.json"
assert_eq "--persist-dir: exit status 3 in the summary" 3 "$(jq -r .exit_status "$W/persist/stats.json" 2>/dev/null)"
check "--persist-dir: several samples" ge "$(jq -r .samples "$W/persist/stats.json" 2>/dev/null)" 3
out=$("$OCTL" --run-dir "$W/myrun" inspect --json "$c" | jq -r .exit_status)
assert_eq "--run-dir: inspect finds it in that run dir's index" 3 "$out"
out=$("$OCTL" inspect --persist-dir "$W/persist" --json | jq -r .id)
assert_eq "inspect --persist-dir" "$id" "$out"

off=$(wrap off.sh --stats-interval 0 --ocimon-run-dir "$W/offrun")
c=$T_NAME-off
id=$(OCIMON=$off pm_t 60 run -d --name "$c" "$I" sleep 60)
check "--stats-interval 0: still registered (ps)" wait_for 10 test -f "$W/offrun/$id.json"
bundle=$(pm_t 30 inspect "$c" --format '{{.StaticDir}}')
check "--stats-interval 0: no stats socket" test ! -e "$bundle/stats"
rc=0
err=$("$OCTL" --run-dir "$W/offrun" stats --no-stream "$c" 2>&1) || rc=$?
assert_ne "--stats-interval 0: stats fails" 0 "$rc"
assert_contains "--stats-interval 0: and says why" "--stats-interval 0" "$err"
pm_t 60 stop -t 0 "$c" >/dev/null 2>&1
check "--stats-interval 0: registry entry removed at exit" wait_for 20 test ! -e "$W/offrun/$id.json"
check "--stats-interval 0: no summary" test ! -e "$bundle/stats.json"
pm_t 60 rm -f -t 0 "$c" >/dev/null

# --- the sampler, the socket and the summary under valgrind --------------------------------
# (Not for a monitor built with ASan, which cannot run under valgrind.)
if command -v valgrind >/dev/null && ! monitor_has_asan; then
    vg=$W/vg.sh
    printf '#!/bin/sh\nexec valgrind --leak-check=full --errors-for-leak-kinds=definite --log-file=%q %q --stats-interval 1 --ocimon-run-dir %q "$@"\n' \
        "$W/vg-%p.log" "$OCIMON" "$W/vgrun" >"$vg"
    chmod +x "$vg"
    c=$T_NAME-vg
    id=$(OCIMON=$vg pm_t 120 run -d --name "$c" "$I" sh -c 'sleep 5; exit 0')
    for _ in 1 2 3; do
        sleep 1
        "$OCTL" --run-dir "$W/vgrun" stats --no-stream --raw "$c" >/dev/null 2>&1
    done
    check "valgrind: container finished" wait_for 60 test -f "$W/vgrun/exited/$id.json"
    pm_t 60 rm -f -t 0 "$c" >/dev/null
    # Definite leaks count as errors (--errors-for-leak-kinds): every process, the
    # --version probe, the parent and the daemon that sampled, must report none.
    nlogs=$(grep -l 'ERROR SUMMARY' "$W"/vg-*.log 2>/dev/null | wc -l)
    check "valgrind: the monitor processes finished ($nlogs logs)" ge "$nlogs" 2
    bad=$(grep -h 'ERROR SUMMARY' "$W"/vg-*.log 2>/dev/null | grep -v 'ERROR SUMMARY: 0 errors')
    assert_eq "valgrind: no memory errors and no definite leaks" "" "$bad"
fi
t_finish
