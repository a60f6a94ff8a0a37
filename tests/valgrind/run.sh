#!/bin/bash
# A valgrind memcheck pass over a subset of the integration tests: every monitor process
# (podman's --version probes, the daemonized monitors, the ones the tests start directly)
# runs under memcheck through a wrapper that OCIMON points at; afterwards each process's
# log must show no error and no definitely lost block.
#
#   tests/valgrind/run.sh [TEST...]      default: test_cli test_logging test_interactive
#                                        test_tty test_security
#
# Environment: OCIMON_VG_REAL (the monitor, default build/src/ocimon; not an ASan build),
# OCIMON_TEST_DIR (podman state, default /tmp/ocimon-test-valgrind).
# Prints the tests' PASS:/FAIL: lines, one line per monitor log with a finding, and closes
# with "N passed, N failed". Files that check /proc/PID/exe against OCIMON (test_direct,
# test_podman, test_faults...) do not fit: the process is valgrind's.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
real=${OCIMON_VG_REAL:-$repo/build/src/ocimon}
export OCIMON_TEST_DIR=${OCIMON_TEST_DIR:-/tmp/ocimon-test-valgrind}
vgdir=$OCIMON_TEST_DIR/valgrind
tests=("$@")
((${#tests[@]} > 0)) || tests=(test_cli test_logging test_interactive test_tty test_security)

[[ -x $real ]] || { echo "FAIL: valgrind: $real not built"; echo "0 passed, 1 failed"; exit 1; }
if [[ $(ldd "$real" 2>/dev/null || true) == *libasan* ]]; then
    echo "FAIL: valgrind: $real is built with ASan, which valgrind cannot run"
    echo "0 passed, 1 failed"
    exit 1
fi
rm -rf "$vgdir"
mkdir -p "$vgdir"
# podman passes the monitor no environment of ours, so the wrapper has its paths baked in.
# --error-exitcode: a memory error also makes the monitor's exit status wrong, which the
# tests see. Children forked by the monitor log to their own vg.<pid> (the %p is redone
# after fork); the runtime and the exit command run without valgrind (no
# --trace-children).
wrapper=$vgdir/ocimon-vg
cat >"$wrapper" <<EOW
#!/bin/sh
exec valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \\
    --log-file=$vgdir/vg.%p $real "\$@"
EOW
chmod +x "$wrapper"

passed=0
failed=0
for t in "${tests[@]}"; do
    f=$repo/tests/integration/${t%.sh}.sh
    log=$vgdir/${t%.sh}.log
    rc=0
    OCIMON=$wrapper OCIMON_SKIP_BUILD=1 timeout -k 10 1800 bash "$f" 2>&1 | tee "$log" || rc=$?
    p=$(grep -c '^PASS: ' "$log")
    fl=$(grep -c '^FAIL: ' "$log")
    ((rc != 0 && fl == 0)) && fl=1
    passed=$((passed + p))
    failed=$((failed + fl))
done

# The logs: with --quiet memcheck writes only what it found (errors, definitely lost
# blocks), so any non-empty log is a finding.
nlogs=0
bad=0
for l in "$vgdir"/vg.*; do
    [[ -e $l ]] || continue
    nlogs=$((nlogs + 1))
    if [[ -s $l ]]; then
        bad=$((bad + 1))
        echo "FAIL: valgrind: $l: $(grep -m 1 -vE '^==[0-9]+== *$' "$l")"
    fi
done
if ((bad == 0)); then
    echo "PASS: valgrind: no memory error and no definite leak in $nlogs monitor processes"
    passed=$((passed + 1))
else
    failed=$((failed + bad))
fi
echo "$passed passed, $failed failed"
((failed == 0))
