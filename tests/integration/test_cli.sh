#!/bin/bash
# The monitor's command line on its own: --version, --help and argument validation.
# Some of these cases are ocimon's own (its version lines, its newer flags), so this file
# is expected to fail in part when OCIMON is conmon.
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
t_setup nopodman
[[ -x $OCIMON ]] || die "monitor $OCIMON not found or not executable (build first)"
W=$T_WORK
cd "$W" || exit 1

# run_mon NAME ARGS...: run the monitor with a time limit; output in $W/NAME.{out,err},
# its exit code in RC. No _OCI_* variables, so it never waits for podman.
run_mon() {
    local name=$1
    shift
    RC=0
    env -u _OCI_SYNCPIPE -u _OCI_STARTPIPE -u _OCI_ATTACHPIPE \
        timeout -k 5 20 "$OCIMON" "$@" >"$W/$name.out" 2>"$W/$name.err" </dev/null || RC=$?
}
both() { cat "$W/$1.out" "$W/$1.err"; }

# --- --version ---------------------------------------------------------------------------------
run_mon version --version
assert_eq "--version: exit 0" 0 "$RC"
assert_eq "--version: line 1 is 'conmon version 2.2.1'" "conmon version 2.2.1" "$(sed -n 1p "$W/version.out")"
assert_match "--version: line 2 is 'ocimon version X.Y.Z'" '^ocimon version [0-9]+\.[0-9]+\.[0-9]+' "$(sed -n 2p "$W/version.out")"
assert_match "--version: line 3 starts 'commit: '" '^commit: ' "$(sed -n 3p "$W/version.out")"
# podman 4.3.1's probe (P4 probeConmon) and CRI-O's parser (third field is semver).
assert_match "--version: podman 4.3.1 probe accepts it" '^(version:|conmon version)? ([0-9]+)\.([0-9]+)\.([0-9]+)' "$(cat "$W/version.out")"
assert_match "--version: third field is semver >= 2.1.2" '^2\.([2-9]|[1-9][0-9])\.[0-9]+$|^2\.1\.([2-9]|[1-9][0-9])$|^([3-9]|[1-9][0-9])\.[0-9]+\.[0-9]+$' \
    "$(awk 'NR == 1 { print $3 }' "$W/version.out")"

# --- --help ------------------------------------------------------------------------------------
run_mon help --help
assert_eq "--help: exit 0" 0 "$RC"
help=$(both help)
assert_contains "--help: mentions journald" journald "$help"
for f in --api-version --log-rotate --full-attach --cid --cuuid --runtime --bundle --exit-dir \
    --persist-dir --conmon-pidfile --log-path --log-level --sync --timeout --exit-command; do
    assert_contains "--help: lists $f" "$f" "$help"
done

# --- validation --------------------------------------------------------------------------------
run_mon nocid
assert_ne "no --cid: non-zero exit" 0 "$RC"
assert_contains "no --cid: says so" "Container ID not provided. Use --cid" "$(both nocid)"

run_mon nocuuid --cid abc
assert_ne "no --cuuid: non-zero exit" 0 "$RC"
assert_contains "no --cuuid: says so" "Container UUID not provided. Use --cuuid" "$(both nocuuid)"

run_mon badrt --cid abc --cuuid abc --runtime /nonexistent
assert_ne "bad runtime: non-zero exit" 0 "$RC"
assert_contains "bad runtime: says so" "Runtime path /nonexistent is not valid" "$(both badrt)"

run_mon nolog --cid abc --cuuid abc --runtime "$RUNC" -b "$W"
assert_ne "no log driver: non-zero exit" 0 "$RC"
assert_contains "no log driver: says so" "Log driver not provided" "$(both nolog)"

run_mon badlevel --cid abc --cuuid abc --runtime "$RUNC" -b "$W" -l "k8s-file:$W/ctr.log" --log-level bogus
assert_ne "unknown log level: non-zero exit" 0 "$RC"
assert_contains "unknown log level: names it" bogus "$(both badlevel)"

run_mon badopt --cid abc --cuuid abc --runtime "$RUNC" --no-such-option
assert_ne "unknown option: non-zero exit" 0 "$RC"

run_mon noexecspec --cid abc --cuuid abc --runtime "$RUNC" -e -l none
assert_ne "exec without --exec-process-spec: non-zero exit" 0 "$RC"
assert_contains "exec without --exec-process-spec: says so" "exec-process-spec" "$(both noexecspec)"

run_mon logtag --cid abc --cuuid abc --runtime "$RUNC" -b "$W" -l "k8s-file:$W/tag.log" --log-tag foo
assert_ne "--log-tag with k8s-file only: non-zero exit" 0 "$RC"
assert_contains "--log-tag with k8s-file only: says so" "k8s-file doesn't support --log-tag" "$(both logtag)"

# --- conmon's option checks, from the table tests/conmon_options.table ---------------------
# Each line: STATUS | STREAM | EXPECTED | ARGUMENTS (see the table's header).
table=$OCIMON_REPO/tests/conmon_options.table
[[ -r $table ]] || die "cannot read $table"
# The variables the table's arguments may use.
ID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
RT=$(type -P true)
SPEC=$W/process.json
BASE="-c \$ID -u \$ID -r \$RT -b \$W"
echo '{"args": ["true"], "cwd": "/"}' >"$SPEC"
trim() {
    local s=$1
    s=${s#"${s%%[![:space:]]*}"}
    printf '%s' "${s%"${s##*[![:space:]]}"}"
}
n=0
while IFS= read -r line || [[ -n $line ]]; do
    [[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
    n=$((n + 1))
    IFS='|' read -r want_rc stream expect args <<<"$line"
    want_rc=$(trim "$want_rc")
    stream=$(trim "$stream")
    expect=$(trim "$expect")
    args=$(trim "$args")
    args=${args//\$BASE/$BASE}
    argv=()
    eval "argv=($args)"
    name="table $n: ${expect:-accepted}: $args"
    run_mon "table$n" "${argv[@]}"
    case $stream in
    stderr) got=$(cat "$W/table$n.err") ;;
    stdout) got=$(cat "$W/table$n.out") ;;
    *)
        fail "$name" "unknown stream '$stream' in $table"
        continue
        ;;
    esac
    if [[ $RC != "$want_rc" ]]; then
        fail "$name" "exit status $RC, want $want_rc; stdout '$(t_show "$(cat "$W/table$n.out")")', stderr '$(t_show "$(cat "$W/table$n.err")")'"
    elif [[ -n $expect && $got != *"$expect"* ]]; then
        fail "$name" "$stream '$(t_show "$got")' does not contain '$expect'"
    else
        pass "$name"
    fi
done <"$table"
assert_le "the table has cases" "$n" 30

t_finish
