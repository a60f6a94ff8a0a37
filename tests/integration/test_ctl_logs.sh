#!/bin/bash
# ocimonctl logs (issue 13): a container's k8s-file log read across its kept backups,
# oldest first, P records joined, stdout and stderr apart; after the container exited, and
# after podman rm while the files exist; --tail, --since, --timestamps and -f (through
# rotations).
# shellcheck disable=SC2317
set -uo pipefail
# This file's own containers.conf: podman hands the monitor OCIMON_CONFIG (rotate_files).
OCIMON_CONF_DIR=${OCIMON_TEST_DIR:-/tmp/ocimon-test}/ctl-logs-conf
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup podman

I=$OCIMON_IMAGE
W=$T_WORK
N=$T_NAME
CONF=$W/ocimon.conf
OCTL=${OCIMONCTL:-$(dirname "$OCIMON")/ocimonctl}
[[ -x $OCTL ]] || die "no ocimonctl beside $OCIMON (build first)"
OCIMON_CONMON_ENV="${OCIMON_CONMON_ENV:-} OCIMON_CONFIG=$CONF"
printf '# written by test_ctl_logs.sh\n[logging]\nrotate_files = 3\n' >"$CONF"
write_config
t_on_exit "rm -rf '$OCIMON_CONF_DIR'"

# ---- 1. a log that rotated 3 times: every kept line, in order ---------------------------------
pm_t 120 run --name "$N-rot" --log-opt max-size=10k "$I" seq 1 20000 >/dev/null 2>&1
lp=$(pm_t 30 inspect "$N-rot" --format '{{.HostConfig.LogConfig.Path}}')
for f in "$lp.1" "$lp.2" "$lp.3"; do
    check "rotated: $(basename "$f") exists" test -s "$f"
done
cat "$lp.3" "$lp.2" "$lp.1" "$lp" >"$W/rot.all"
cri_stream "$W/rot.all" stdout >"$W/rot.want"
rc=0
"$OCTL" logs "$N-rot" >"$W/rot.out" 2>"$W/rot.err" || rc=$?
assert_eq "rotated: ocimonctl logs exits 0" 0 "$rc"
assert_eq "rotated: nothing on stderr" "" "$(cat "$W/rot.err")"
check "rotated: exactly the lines of ctr.log.3, .2, .1 and ctr.log, in that order" \
    cmp -s "$W/rot.out" "$W/rot.want"
first=$(head -n 1 "$W/rot.out")
if [[ $first =~ ^[0-9]+$ ]] && cmp -s "$W/rot.out" <(seq "$first" 20000); then
    pass "rotated: $first..20000 without a gap ($(wc -l <"$W/rot.out") lines, more than the current file's $(wc -l <"$lp"))"
else
    fail "rotated: the kept lines run in order to 20000" \
        "$(wc -l <"$W/rot.out") lines, first '$first', last '$(tail -n 1 "$W/rot.out")'"
fi
check "rotated: more than the current file's lines" test "$(wc -l <"$W/rot.out")" -gt "$(wc -l <"$lp")"
assert_eq "rotated: --tail 3" "$(printf '19998\n19999\n20000')" "$("$OCTL" logs --tail 3 "$N-rot")"
assert_eq "rotated: --tail 0 prints nothing" "" "$("$OCTL" logs --tail 0 "$N-rot")"
assert_eq "rotated: by ID prefix too" "20000" "$("$OCTL" logs --tail 1 "$(pm_t 30 inspect "$N-rot" --format '{{.Id}}' | cut -c1-12)")"
assert_eq "rotated: by path (no registry needed)" "20000" "$("$OCTL" logs --tail 1 "$lp")"

# ---- 2. stdout and stderr apart, a line written in two pieces joined ------------------------------
pm_t 60 run --name "$N-streams" "$I" sh -c 'echo out1; echo err1 >&2; printf pa; sleep 1; printf "rt\n"; echo out2; echo err2 >&2' >/dev/null 2>&1
lp2=$(pm_t 30 inspect "$N-streams" --format '{{.HostConfig.LogConfig.Path}}')
check "streams: the log holds a P record (the piece before the sleep)" grep -q ' stdout P pa$' "$lp2"
"$OCTL" logs "$N-streams" >"$W/s.out" 2>"$W/s.err"
assert_eq "streams: stdout to stdout, the pieces joined" "$(printf 'out1\npart\nout2')" "$(cat "$W/s.out")"
assert_eq "streams: stderr to stderr" "$(printf 'err1\nerr2')" "$(cat "$W/s.err")"
assert_eq "streams: podman logs shows the same stdout" "$(cat "$W/s.out")" "$(pm_t 30 logs "$N-streams" 2>/dev/null)"

# ---- 3. --timestamps and --since ------------------------------------------------------------------
ts=$("$OCTL" logs --timestamps "$N-streams" 2>/dev/null)
assert_match "timestamps: each line after its RFC 3339 time" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}([+-][0-9]{2}:[0-9]{2}|Z) out1$' \
    "$(head -n 1 <<<"$ts")"
assert_eq "timestamps: same time as the log file's record" "$(awk '$2 == "stdout" { print $1 " " $4; exit }' "$lp2")" \
    "$(head -n 1 <<<"$ts")"
assert_eq "since: a time after the container's end prints nothing" "" \
    "$("$OCTL" logs --since 2099-01-01T00:00:00Z "$N-streams" 2>&1)"
assert_eq "since: 1h ago prints everything" "$(cat "$W/s.out")" "$("$OCTL" logs --since 1h "$N-streams" 2>/dev/null)"
rc=0
out=$("$OCTL" logs --since soon "$N-streams" 2>&1) || rc=$?
assert_eq "since: a bad time is a usage error (exit 2)" 2 "$rc"
assert_contains "since: ... that says why" '"soon" is not a time' "$out"

# ---- 4. -f follows a running container through its rotations, and ends with it -------------------
# shellcheck disable=SC2016 # expanded by the container's shell
pm_t 60 run -d --name "$N-follow" --log-opt max-size=10k "$I" \
    sh -c 'i=0; while [ $i -lt 3000 ]; do seq $((i + 1)) $((i + 500)); i=$((i + 500)); sleep 1; done' >/dev/null
rc=0
t0=$(now_ms)
timeout 60 "$OCTL" logs -f "$N-follow" >"$W/f.out" 2>"$W/f.err" || rc=$?
el=$(($(now_ms) - t0))
assert_eq "follow: exits 0 when the container ends" 0 "$rc"
check "follow: it waited for the container (>= 3 s, took $el ms)" test "$el" -ge 3000
check "follow: every line 1..3000 in order, across the rotations" cmp -s "$W/f.out" <(seq 1 3000)
lpf=$(pm_t 30 inspect "$N-follow" --format '{{.HostConfig.LogConfig.Path}}')
check "follow: the log did rotate meanwhile" test -e "$lpf.1"
assert_eq "follow: nothing on stderr" "" "$(cat "$W/f.err")"

# ---- 5. after podman rm: the summary names the log, which outlives the container here ----------
pm_t 60 run --name "$N-keep" --log-opt "path=$W/keep.log" "$I" sh -c 'echo kept; echo also >&2' >/dev/null 2>&1
pm_t 60 rm "$N-keep" >/dev/null 2>&1
check_not "after rm: podman no longer knows it" pm_t 30 container exists "$N-keep"
assert_eq "after rm: ocimonctl logs still prints it" kept "$("$OCTL" logs "$N-keep" 2>/dev/null)"
assert_eq "after rm: ... stderr apart" also "$("$OCTL" logs "$N-keep" 2>&1 >/dev/null)"
pm_t 60 rm "$N-streams" >/dev/null 2>&1
rc=0
out=$("$OCTL" logs "$N-streams" 2>&1) || rc=$?
assert_eq "after rm with the log gone: exit 1" 1 "$rc"
assert_contains "after rm with the log gone: says so, naming the file" "the log of container $N-streams is gone: Failed to open $lp2" "$out"

t_finish
