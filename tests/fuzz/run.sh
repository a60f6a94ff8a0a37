#!/bin/bash
# Runs the libFuzzer targets built with -Dfuzz=true in two steps per target, and prints
# "PASS: fuzz_<target> (...)" or "FAIL: fuzz_<target> (...)" per target, the lines
# contrib/test.sh counts:
#
#  1. replay: every committed input — the seed corpus (tests/fuzz/corpus/<target>/) and
#     every past crash (tests/fuzz/crashes/<target>/) — runs once, whole (no -max_len cut);
#  2. fuzz: from that corpus, with a fixed seed for a fixed number of runs, so the same
#     commit gives the same result in CI (a time limit would make it depend on the
#     machine's speed). Random exploration is FUZZ_SEED=random FUZZ_SECS=N, on your machine.
#
# A crash fails the target and prints the input (base64) and the one command that replays
# it. Put a fixed crash's input in tests/fuzz/crashes/<target>/ (and a unit test).
#
#   tests/fuzz/run.sh BUILD_DIR [WORKDIR] [TARGET...]
#
# Environment: FUZZ_RUNS (runs per target, default: each target's own count below),
# FUZZ_SEED (default 1; "random" for libFuzzer's own), FUZZ_SECS (a time limit instead of
# a run count; exploration only), FUZZ_TIMEOUT (seconds one input may take, 10; more on a
# loaded machine), FUZZ_JOBS (targets at once, default 1), FUZZ_NICE (10).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: run.sh BUILD_DIR [WORKDIR] [TARGET...]}
work=${2:-/tmp/ocimon-fuzz}
shift $(($# >= 2 ? 2 : $#))
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

# Runs per target in CI: about 10-20 s each on one core of a CI machine (the targets differ
# a hundredfold in speed: k8s_file writes files, top parses whole /proc texts).
runs_of() {
    case $1 in
    k8s_file) echo 10000 ;;
    framing | ctl) echo 50000 ;;
    *) echo 100000 ;;
    esac
}

sanitizer_env() {
    ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} "$@"
}

# report_crash T EXE FILE: what a developer needs to reproduce it anywhere.
report_crash() {
    local t=$1 exe=$2 file=$3
    echo "    input ($(stat -c %s "$file") bytes, base64): $(base64 -w 0 "$file" | head -c 4000)"
    echo "    replay: echo '$(base64 -w 0 "$file" | head -c 4000)' | base64 -d >crash-$t &&" \
        "$exe crash-$t"
}

run_one() {
    local t=$1 exe=$build/tests/fuzz/fuzz_$1 dir=$work/$1 rc=0 runs seed f
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    if [[ ! -x $exe ]]; then
        echo "FAIL: fuzz_$t ($exe not built: CC=clang meson setup BUILD -Dfuzz=true)"
        return
    fi
    local inputs=()
    for f in "$here/corpus/$t"/* "$here/crashes/$t"/*; do
        [[ -f $f ]] && inputs+=("$f")
    done
    # 1. Replay: file arguments run once each, whole, in one process; the log names the
    # input that was running when it crashed.
    local replayed=${#inputs[@]}
    rc=0
    if ((replayed > 0)); then
        sanitizer_env "$exe" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 "${inputs[@]}" \
            >"$dir/replay.log" 2>&1 || rc=$?
    fi
    if ((rc != 0)); then
        f=$(sed -n 's/^Running: //p' "$dir/replay.log" | tail -1)
        echo "FAIL: fuzz_$t (replay of committed input ${f#"$here"/} exits $rc; log $dir/replay.log)"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed|.*runtime error)' "$dir/replay.log" |
            head -5 | sed 's/^/    /'
        [[ -f $f ]] && report_crash "$t" "$exe" "$f"
        return
    fi
    cp "${inputs[@]}" "$dir/corpus/" 2>/dev/null || true

    # 2. Fuzz: fixed seed and run count (or, for exploration, a random seed and a time).
    seed=${FUZZ_SEED:-1}
    local limit=(-runs="${FUZZ_RUNS:-$(runs_of "$t")}")
    [[ -n ${FUZZ_SECS:-} ]] && limit=(-max_total_time="$FUZZ_SECS")
    local seedopt=(-seed="$seed")
    [[ $seed == random ]] && seedopt=()
    rc=0
    sanitizer_env nice -n "${FUZZ_NICE:-10}" "$exe" "${seedopt[@]}" "${limit[@]}" \
        -max_len="$(max_len_of "$t")" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
    # slow-unit-* only says an input took long (a loaded machine): not a failure.
    local crash
    crash=$(find "$dir/artifacts" -type f ! -name 'slow-unit-*' | head -1)
    if ((rc == 0)) && [[ -z $crash ]]; then
        echo "PASS: fuzz_$t ($replayed committed inputs replayed; ${runs:-?} runs with" \
            "${seedopt[*]:-a random seed}, corpus $(find "$dir/corpus" -type f | wc -l))"
    else
        echo "FAIL: fuzz_$t (exit $rc after ${runs:-?} runs with ${seedopt[*]:-a random seed};" \
            "${crash:-no artifact}; log $dir/log)"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed|.*runtime error)' "$dir/log" | head -5 |
            sed 's/^/    /'
        [[ -n $crash ]] && report_crash "$t" "$exe" "$crash"
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
