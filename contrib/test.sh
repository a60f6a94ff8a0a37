#!/bin/bash
# Install, build, run the unit tests (meson test, Check) and every integration test
# (tests/integration/test_*.sh), then print one closing line: "N passed, N failed".
#
#   bash contrib/test.sh                    # everything (as root, on Debian 12)
#   bash contrib/test.sh test_direct        # only the integration files matching the names
#   OCIMON=/usr/bin/conmon OCIMON_SKIP_BUILD=1 bash contrib/test.sh   # the tests against conmon
#
# Environment: OCIMON (monitor under test, default build/src/ocimon), OCIMON_TEST_DIR
# (private podman state, wiped at the start; default /tmp/ocimon-test), OCIMON_SKIP_BUILD=1
# (no build and no unit tests), OCIMON_FORCE_APT=1 (run apt-get even when all is installed).
# After the normal run, three more stages (all skipped with OCIMON_SKIP_BUILD): the unit and
# integration tests again with an ASan+UBSan monitor (build-asan; OCIMON_NO_SANITIZE=1 skips),
# five integration files with the monitor under valgrind memcheck (OCIMON_NO_VALGRIND=1
# skips), and each libFuzzer target (build-fuzz): its committed inputs replayed, then a
# fixed seed for a fixed number of runs, so the same commit gives the same result
# (OCIMON_NO_FUZZ=1 skips). The last two run only when no file names are given.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=contrib/lib.sh
source contrib/lib.sh

passed=0
failed=0
failures=()
notes=()
logdir=$OCIMON_TEST_DIR/logs

finish() {
    if ((${#notes[@]} > 0)); then
        echo
        printf 'Note: %s\n' "${notes[@]}"
    fi
    if ((${#failures[@]} > 0)); then
        echo
        echo "Failures:"
        printf '  %s\n' "${failures[@]}"
    fi
    echo "$passed passed, $failed failed"
    if ((failed > 0)); then exit 1; fi
    exit 0
}

# add_summary LOG NAME: adds the closing "N passed, N failed" line of a child run (a stage)
# to ours; a run that printed none counts as one failure.
add_summary() {
    local summary
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1 || true)
    if [[ -z $summary ]]; then
        failed=$((failed + 1))
        failures+=("$2: the run printed no summary (see $1)")
        return
    fi
    passed=$((passed + ${summary%% *}))
    summary=${summary#*, }
    failed=$((failed + ${summary%% *}))
}

# count_unit_tests TESTLOG: "PASSED FAILED" from meson's testlog.txt. A Check test counts
# its cases (Checks - Failures - Errors passed, Failures + Errors failed); a test that
# failed without reporting a failing Check case counts one more failure; a test that prints
# no Check summary counts as one case; exit status 77 (skip) counts as neither.
count_unit_tests() {
    awk '
    function flush() {
        if (!inblk) return
        inblk = 0
        if (ok == 2) return
        if (hasck) {
            P += ct - cf; F += cf
            if (ok != 1 && cf == 0) { F += 1 }
        } else if (ok == 1) { P += 1 } else { F += 1 }
    }
    /^=+ [0-9]+\/[0-9]+ =+$/ { flush(); inblk = 1; ok = 0; ct = 0; cf = 0; hasck = 0; next }
    /^Summary of Failures:/ || /^Ok: / { flush(); next }
    inblk && /^result:/ {
        r = $0; sub(/^result:[ \t]*/, "", r)
        if (r == "exit status 0") ok = 1
        else if (r == "exit status 77" || r ~ /[Ss]kip/) ok = 2
        else ok = 0
        next
    }
    inblk && /Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+/ {
        s = $0; sub(/.*Checks: /, "", s)
        n = s + 0; sub(/^[0-9]+, Failures: /, "", s)
        f = s + 0; sub(/^[0-9]+, Errors: /, "", s)
        e = s + 0
        ct += n; cf += f + e; hasck = 1
    }
    END { flush(); printf "%d %d\n", P, F }
    ' "$1"
}

rm -rf "$logdir"
mkdir -p "$logdir"

say "installing dependencies"
if ! install_deps; then
    failed=$((failed + 1))
    failures+=("install_deps")
    finish
fi

if [[ -z ${OCIMON_SKIP_BUILD:-} ]]; then
    say "building"
    if ! build; then
        failed=$((failed + 1))
        failures+=("build")
        finish
    fi

    say "unit tests: meson test -C build"
    rm -f build/meson-logs/testlog.txt
    rc=0
    meson test -C build --print-errorlogs 2>&1 | tee "$logdir/unit.log" || rc=$?
    if [[ -f build/meson-logs/testlog.txt ]]; then
        read -r up uf < <(count_unit_tests build/meson-logs/testlog.txt)
    else
        up=0 uf=0
    fi
    if ((rc != 0 && uf == 0)); then
        uf=1 # meson failed, yet no test did: count the run itself
    fi
    say "unit tests: $up passed, $uf failed (meson exit $rc)"
    passed=$((passed + up))
    failed=$((failed + uf))
    ((uf == 0)) || failures+=("unit tests: $uf (see build/meson-logs/testlog.txt)")
    # freebsd_build passes in its weak mode too (no FreeBSD headers beside the clone): say so.
    if grep -q '^FreeBSD check: WEAK MODE' build/meson-logs/testlog.txt 2>/dev/null; then
        notes+=("freebsd_build ran in its WEAK MODE: no FreeBSD headers and symbol lists (../shared/freebsd or OCIMON_FREEBSD_DIR), stand-in syntax check only; see contrib/freebsd/README.md")
        warn "${notes[-1]}"
    fi
fi

if [[ ! -x $OCIMON ]]; then
    failed=$((failed + 1))
    failures+=("monitor $OCIMON was not built")
    finish
fi

say "integration tests with $OCIMON (state in $OCIMON_TEST_DIR)"
reset_state
make_image

files=()
for f in tests/integration/test_*.sh; do
    if (($# > 0)); then
        base=$(basename "$f" .sh)
        want=0
        for a in "$@"; do [[ $base == "$a" || $base == "test_$a" ]] && want=1; done
        ((want)) || continue
    fi
    files+=("$f")
done

for f in "${files[@]}"; do
    base=$(basename "$f" .sh)
    say "$f"
    rc=0
    timeout -k 10 900 bash "$f" 2>&1 | tee "$logdir/$base.log" || rc=$?
    p=$(grep -c '^PASS: ' "$logdir/$base.log" || true)
    fl=$(grep -c '^FAIL: ' "$logdir/$base.log" || true)
    while IFS= read -r line; do
        failures+=("$base: ${line#FAIL: }")
    done < <(grep '^FAIL: ' "$logdir/$base.log" || true)
    if ((rc != 0 && fl == 0)); then
        fl=1
        failures+=("$base: exited with status $rc without a failing case (crash or time limit)")
    fi
    passed=$((passed + p))
    failed=$((failed + fl))
done

# ---- sanitizer stage: the unit tests and the same integration tests again with the monitor
# built with ASan+UBSan in build-asan. Reports go to files (the daemonized monitor's stderr
# is /dev/null); each report is one failure. OCIMON_NO_SANITIZE=1 skips the stage.
if [[ -z ${OCIMON_SKIP_BUILD:-} && -z ${OCIMON_NO_SANITIZE:-} ]]; then
    say "sanitizer stage: ASan+UBSan build in build-asan"
    sdir=$logdir/sanitizer-reports
    rm -rf "$sdir"
    mkdir -p "$sdir"
    asan_opts=abort_on_error=1:detect_leaks=1:log_path=$sdir/asan
    ubsan_opts=halt_on_error=1:print_stacktrace=1:log_path=$sdir/ubsan
    if { [[ -f build-asan/build.ninja ]] || meson setup build-asan -Db_sanitize=address,undefined \
        -Db_lundef=false -Dbuildtype=debug >"$logdir/asan-setup.log" 2>&1; } &&
        ninja -C build-asan >"$logdir/asan-build.log" 2>&1; then
        rm -f build-asan/meson-logs/testlog.txt
        rc=0
        ASAN_OPTIONS=$asan_opts UBSAN_OPTIONS=$ubsan_opts meson test -C build-asan \
            --print-errorlogs >"$logdir/unit-asan.log" 2>&1 || rc=$?
        up=0 uf=0
        [[ -f build-asan/meson-logs/testlog.txt ]] &&
            read -r up uf < <(count_unit_tests build-asan/meson-logs/testlog.txt)
        ((rc != 0 && uf == 0)) && uf=1
        say "sanitizer stage: unit tests $up passed, $uf failed"
        passed=$((passed + up))
        failed=$((failed + uf))
        ((uf == 0)) || failures+=("asan unit tests: $uf (see build-asan/meson-logs/testlog.txt)")

        # The same integration files, in a child run with its own state; podman hands the
        # monitor only the variables in containers.conf (OCIMON_CONMON_ENV).
        ASAN_OPTIONS=$asan_opts UBSAN_OPTIONS=$ubsan_opts \
            OCIMON_CONMON_ENV="ASAN_OPTIONS=$asan_opts UBSAN_OPTIONS=$ubsan_opts" \
            OCIMON=$PWD/build-asan/src/ocimon OCIMON_SKIP_BUILD=1 \
            OCIMON_TEST_DIR=$OCIMON_TEST_DIR-asan bash contrib/test.sh "$@" 2>&1 |
            tee "$logdir/integration-asan.log" || true
        add_summary "$logdir/integration-asan.log" asan
        while IFS= read -r line; do
            failures+=("asan: ${line#  }")
        done < <(sed -n '/^Failures:$/,$p' "$logdir/integration-asan.log" | grep '^  ' || true)
    else
        failed=$((failed + 1))
        failures+=("asan: build failed (see $logdir/asan-setup.log, $logdir/asan-build.log)")
    fi
    nrep=0
    for r in "$sdir"/*; do
        [[ -e $r ]] || continue
        nrep=$((nrep + 1))
        failures+=("sanitizer report $r: $(grep -m 1 -E 'SUMMARY|ERROR|runtime error' "$r" || true)")
    done
    say "sanitizer stage: $nrep sanitizer reports"
    if ((nrep == 0)); then passed=$((passed + 1)); else failed=$((failed + nrep)); fi
fi

# ---- valgrind stage: tests/valgrind/run.sh runs five integration files (cli, logging,
# interactive, tty, security) with every monitor process under memcheck; any memory error
# or definitely lost block fails. Only in a full run; OCIMON_NO_VALGRIND=1 skips it.
if [[ -z ${OCIMON_SKIP_BUILD:-} && -z ${OCIMON_NO_VALGRIND:-} && $# -eq 0 ]]; then
    say "valgrind stage: integration tests with the monitor under memcheck"
    OCIMON_VG_REAL=$OCIMON OCIMON_TEST_DIR=$OCIMON_TEST_DIR-valgrind \
        bash tests/valgrind/run.sh 2>&1 | tee "$logdir/valgrind.log" || true
    add_summary "$logdir/valgrind.log" valgrind
    while IFS= read -r line; do
        failures+=("valgrind: ${line#FAIL: }")
    done < <(grep '^FAIL: ' "$logdir/valgrind.log" || true)
fi

# ---- fuzz stage: every libFuzzer target (tests/fuzz, clang): replay of the committed corpus
# and past crashes, then a fixed seed for a fixed number of runs (deterministic: no time
# limit); one case per target. Only in a full run (no file names); OCIMON_NO_FUZZ=1 skips it.
if [[ -z ${OCIMON_SKIP_BUILD:-} && -z ${OCIMON_NO_FUZZ:-} && $# -eq 0 ]]; then
    say "fuzz stage: libFuzzer targets in build-fuzz"
    if { [[ -f build-fuzz/build.ninja ]] || CC=clang meson setup build-fuzz -Dfuzz=true \
        -Dtests=false >"$logdir/fuzz-setup.log" 2>&1; } &&
        ninja -C build-fuzz >"$logdir/fuzz-build.log" 2>&1; then
        FUZZ_JOBS=2 bash tests/fuzz/run.sh build-fuzz "$logdir/fuzz" 2>&1 |
            tee "$logdir/fuzz.log"
        passed=$((passed + $(grep -c '^PASS: ' "$logdir/fuzz.log" || true)))
        failed=$((failed + $(grep -c '^FAIL: ' "$logdir/fuzz.log" || true)))
        while IFS= read -r line; do
            failures+=("fuzz: ${line#FAIL: }")
        done < <(grep '^FAIL: ' "$logdir/fuzz.log" || true)
    else
        failed=$((failed + 1))
        failures+=("fuzz: build failed (see $logdir/fuzz-setup.log, $logdir/fuzz-build.log)")
    fi
fi

finish
