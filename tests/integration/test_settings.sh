#!/bin/bash
# ocimon's own settings reached through podman alone (issue 12): a config file named by
# OCIMON_CONFIG in containers.conf's conmon_env_vars, and io.ocimon.* annotations from
# `podman run --annotation`. Precedence: flag > annotation > file > default; a malformed
# file or a bad annotation is one warning, and the container runs.
# shellcheck disable=SC2317
set -uo pipefail
# This file's own containers.conf (the others' stays as it is): podman hands the monitor
# OCIMON_CONFIG. Set before lib.sh, which exports CONTAINERS_CONF from it.
OCIMON_CONF_DIR=${OCIMON_TEST_DIR:-/tmp/ocimon-test}/settings-conf
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup podman

I=$OCIMON_IMAGE
W=$T_WORK
N=$T_NAME
CONF=$W/ocimon.conf
OCTL=${OCIMONCTL:-$(dirname "$OCIMON")/ocimonctl}
OCIMON_CONMON_ENV="${OCIMON_CONMON_ENV:-} OCIMON_CONFIG=$CONF"
write_config
t_on_exit "rm -rf '$OCIMON_CONF_DIR'"

# in_order FILE FIRST LAST: FILE holds exactly the numbers FIRST..LAST, one a line.
in_order() { cmp -s "$1" <(seq "$2" "$3"); }

# summary NAME: the exit summary (stats.json) podman's container left in its persist dir.
summary_of() { "$OCTL" inspect --json "$1" 2>"$W/inspect.err"; }

# ---- 1. rotate_files in the config file: podman's max-size rotates and keeps 3 backups ------
printf '# written by test_settings.sh\n[logging]\nrotate_files = 3\n' >"$CONF"
rc=0
pm_t 120 run --name "$N-rot" --log-opt max-size=10k "$I" seq 1 20000 >/dev/null 2>"$W/rot.err" || rc=$?
assert_eq "rotate_files=3: podman run exits 0" 0 "$rc"
lp=$(pm_t 30 inspect "$N-rot" --format '{{.HostConfig.LogConfig.Path}}')
for f in "$lp" "$lp.1" "$lp.2" "$lp.3"; do
    check "rotate_files=3: $(basename "$f") exists" test -s "$f"
done
check_not "rotate_files=3: no fourth backup" test -e "$lp.4"
cat "$lp.3" "$lp.2" "$lp.1" "$lp" >"$W/rot.all"
cri_stream "$W/rot.all" stdout >"$W/rot.lines"
first=$(head -n 1 "$W/rot.lines")
if [[ $first =~ ^[0-9]+$ ]] && in_order "$W/rot.lines" "$first" 20000; then
    pass "rotate_files=3: the backups and the log hold $first..20000 in order, nothing missing"
else
    fail "rotate_files=3: the backups and the log hold the last lines in order" \
        "$(wc -l <"$W/rot.lines") lines, first '$first', last '$(tail -n 1 "$W/rot.lines")'"
fi
assert_le "rotate_files=3: more than one file's worth kept (> 3000 lines)" 3000 "$(wc -l <"$W/rot.lines")"
assert_eq "rotate_files=3: podman logs ends with the last line" 20000 "$(pm_t 30 logs "$N-rot" 2>&1 | tail -n 1)"
assert_eq "rotate_files=3: no warning on podman's stderr" "" "$(cat "$W/rot.err")"
if [[ -x $OCTL ]]; then
    s=$(summary_of "$N-rot")
    assert_eq "rotate_files=3: inspect says logging.rotate_files 3 from the file" "3 file" \
        "$(jq -r '.settings["logging.rotate_files"] | "\(.value) \(.from)"' <<<"$s")"
    assert_contains "rotate_files=3: ... and names file and line" "$CONF:3" \
        "$(jq -r '.settings["logging.rotate_files"].source' <<<"$s")"
fi
pm_t 60 rm -f "$N-rot" >/dev/null 2>&1

# ---- 2. precedence: annotation over file, flag-less settings from the file -------------------
printf '[stats]\ninterval = 7\nhistory = 40\n[attach]\nstall_timeout = 3\n' >"$CONF"
pm_t 60 run --name "$N-prec" --annotation io.ocimon.stats-interval=2 "$I" true >/dev/null 2>&1
if [[ -x $OCTL ]]; then
    s=$(summary_of "$N-prec")
    assert_eq "precedence: stats.interval 2 from the annotation (file says 7)" \
        "2 annotation io.ocimon.stats-interval" \
        "$(jq -r '.settings["stats.interval"] | "\(.value) \(.from) \(.source)"' <<<"$s")"
    assert_eq "precedence: stats.history 40 from the file" "40 file" \
        "$(jq -r '.settings["stats.history"] | "\(.value) \(.from)"' <<<"$s")"
    assert_eq "precedence: attach.stall_timeout 3 from the file" "3 file" \
        "$(jq -r '.settings["attach.stall_timeout"] | "\(.value) \(.from)"' <<<"$s")"
    assert_eq "precedence: logging.mode is the default" "blocking default" \
        "$(jq -r '.settings["logging.mode"] | "\(.value) \(.from)"' <<<"$s")"
    text=$("$OCTL" inspect "$N-prec" 2>&1)
    assert_match "precedence: ocimonctl inspect prints the setting and its origin" \
        'stats\.interval +2 \(annotation io\.ocimon\.stats-interval\)' "$text"
fi
pm_t 60 rm -f "$N-prec" >/dev/null 2>&1

# ---- 3. a bad annotation value: one warning naming it, the container runs -------------------
: >"$CONF"
rc=0
out=$(pm_t 60 run --name "$N-badann" --annotation io.ocimon.log-mode=fast "$I" echo ran 2>"$W/badann.err") || rc=$?
assert_eq "bad annotation: the container runs (exit 0)" 0 "$rc"
assert_eq "bad annotation: its output" ran "$out"
# podman passes the monitor's stderr on: the user sees the warning once, as conmon's are shown.
assert_eq "bad annotation: one warning on podman's stderr" \
    '[conmon:w]: Annotation io.ocimon.log-mode: "fast" is neither blocking nor non-blocking; using blocking (default)' \
    "$(cat "$W/badann.err")"
if [[ -x $OCTL ]]; then
    s=$(summary_of "$N-badann")
    assert_eq "bad annotation: one warning" 1 "$(jq '.settings_warnings | length' <<<"$s")"
    assert_contains "bad annotation: the warning names the annotation and the value" \
        'Annotation io.ocimon.log-mode: "fast" is neither blocking nor non-blocking' \
        "$(jq -r '.settings_warnings[0]' <<<"$s")"
    assert_eq "bad annotation: the default mode is used" "blocking default" \
        "$(jq -r '.settings["logging.mode"] | "\(.value) \(.from)"' <<<"$s")"
fi
pm_t 60 rm -f "$N-badann" >/dev/null 2>&1

# ---- 4. a malformed config file: one warning with file and line, the container runs ---------
printf '[logging]\nrotate_files = 3\n[stats\ninterval = 2\n' >"$CONF"
rc=0
out=$(pm_t 60 run --name "$N-badconf" --log-opt max-size=10k "$I" echo ran 2>"$W/badconf.err") || rc=$?
assert_eq "malformed config: the container runs (exit 0)" 0 "$rc"
assert_eq "malformed config: its output" ran "$out"
assert_eq "malformed config: one warning on podman's stderr" \
    "[conmon:w]: Malformed config file $CONF:3: \"[stats\" is not a [group] line; using the built-in defaults" \
    "$(cat "$W/badconf.err")"
if [[ -x $OCTL ]]; then
    s=$(summary_of "$N-badconf")
    assert_eq "malformed config: one warning" 1 "$(jq '.settings_warnings | length' <<<"$s")"
    assert_contains "malformed config: the warning names file and line" \
        "Malformed config file $CONF:3: \"[stats\" is not a [group] line; using the built-in defaults" \
        "$(jq -r '.settings_warnings[0]' <<<"$s")"
    assert_eq "malformed config: nothing of the file applies (rotate_files default)" "0 default" \
        "$(jq -r '.settings["logging.rotate_files"] | "\(.value) \(.from)"' <<<"$s")"
fi
pm_t 60 rm -f "$N-badconf" >/dev/null 2>&1

# ---- 5. io.ocimon.log-mode=non-blocking: a frozen journald does not stop the container -------
: >"$CONF"
# journald_pids: the live journald processes (a killed one may linger as a zombie).
journald_pids() {
    local p
    for p in $(pgrep -x systemd-journal); do
        proc_alive "$p" && printf '%s ' "$p"
    done
}
if ensure_journald && [[ -n $(journald_pids) ]]; then
    jpids=$(journald_pids)
    t_on_exit "kill -CONT $jpids"
    pm_t 60 create --name "$N-nb" --log-driver journald \
        --annotation io.ocimon.log-mode=non-blocking \
        "$I" sh -c 'seq 1 400000; echo done' >/dev/null 2>&1
    # shellcheck disable=SC2086
    kill -STOP $jpids
    rc=0
    pm_t 60 start "$N-nb" >/dev/null 2>&1 || rc=$?
    assert_eq "non-blocking annotation: podman start returns" 0 "$rc"
    pid=$(pm_t 30 inspect "$N-nb" --format '{{.State.Pid}}' 2>/dev/null)
    ctr_gone() { [[ -z $pid || $pid == 0 ]] || ! proc_alive "$pid"; }
    check "non-blocking annotation: the container runs to its end while journald is frozen (20 s)" \
        wait_for 20 ctr_gone
    # shellcheck disable=SC2086
    kill -CONT $jpids
    rc=0
    pm_t 60 wait "$N-nb" >/dev/null 2>&1 || rc=$?
    assert_eq "non-blocking annotation: podman wait returns once journald continues" 0 "$rc"
    id=$(pm_t 30 inspect "$N-nb" --format '{{.Id}}')
    journalctl --sync >/dev/null 2>&1 || true
    got=$(journalctl -o cat CONTAINER_ID_FULL="$id" 2>/dev/null)
    assert_match "non-blocking annotation: the drop marker is in the journal" \
        '\[ocimon: dropped [0-9]+ bytes \([0-9]+ lines\) of output: log buffer full\]' "$got"
    pm_t 60 rm -f "$N-nb" >/dev/null 2>&1
else
    fail "non-blocking annotation: setup" "no journald"
fi

t_finish
