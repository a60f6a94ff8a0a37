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
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=contrib/lib.sh
source contrib/lib.sh

passed=0
failed=0
failures=()
logdir=$OCIMON_TEST_DIR/logs

finish() {
    if ((${#failures[@]} > 0)); then
        echo
        echo "Failures:"
        printf '  %s\n' "${failures[@]}"
    fi
    echo "$passed passed, $failed failed"
    if ((failed > 0)); then exit 1; fi
    exit 0
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

finish
