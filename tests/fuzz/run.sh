#!/bin/bash
# Runs the libFuzzer targets built with -Dfuzz=true, each for SECS seconds, starting from
# the committed seed corpus (copied: new inputs stay in WORKDIR, the repository is not
# touched). Prints "PASS: fuzz_<target> (N runs)" or "FAIL: fuzz_<target> (...)" per
# target, the lines contrib/test.sh counts; a crashing input is kept in WORKDIR/<target>/.
#
#   tests/fuzz/run.sh BUILD_DIR SECS [WORKDIR] [TARGET...]
#
# Environment: FUZZ_JOBS (targets run at once, default 1), FUZZ_NICE (nice level, 10).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: run.sh BUILD_DIR SECS [WORKDIR] [TARGET...]}
secs=${2:?usage: run.sh BUILD_DIR SECS [WORKDIR] [TARGET...]}
work=${3:-/tmp/ocimon-fuzz}
shift $(($# >= 3 ? 3 : $#))
targets=("$@")
if ((${#targets[@]} == 0)); then
    for d in "$here"/corpus/*/; do targets+=("$(basename "$d")"); done
fi

# Longer inputs where the limits under test are larger than libFuzzer's default 4096.
max_len_of() {
    case $1 in
    framing | k8s_file) echo 20000 ;;
    ctl) echo 70000 ;;
    *) echo 4096 ;;
    esac
}

run_one() {
    local t=$1 exe=$build/tests/fuzz/fuzz_$1 dir=$work/$1 rc=0 runs
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    if [[ ! -x $exe ]]; then
        echo "FAIL: fuzz_$t ($exe not built: CC=clang meson setup BUILD -Dfuzz=true)"
        return
    fi
    cp "$here/corpus/$t/"* "$dir/corpus/" 2>/dev/null || true
    ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
        nice -n "${FUZZ_NICE:-10}" "$exe" -max_total_time="$secs" -max_len="$(max_len_of "$t")" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
    local crash
    crash=$(find "$dir/artifacts" -type f | head -1)
    if ((rc == 0)) && [[ -z $crash ]]; then
        echo "PASS: fuzz_$t (${runs:-?} runs in ${secs} s, corpus $(find "$dir/corpus" -type f | wc -l))"
    else
        echo "FAIL: fuzz_$t (exit $rc, ${crash:-no artifact}; log $dir/log)"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed|.*runtime error)' "$dir/log" | head -5 | sed 's/^/    /'
    fi
}

jobs=${FUZZ_JOBS:-1}
mkdir -p "$work"
running=0
for t in "${targets[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if ((running >= jobs)); then
        wait -n
        running=$((running - 1))
    fi
done
wait
