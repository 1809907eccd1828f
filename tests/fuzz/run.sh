#!/bin/sh
# run.sh SECONDS [HARNESS...]: runs each fuzz harness (all by default:
# parse check report emit safetensors npy onnx h5) for SECONDS, two at a time,
# and prints per harness the executions, executions per second, coverage
# and corpus size. Fails when any harness finds something (a crash, a
# leak, undefined behaviour, a timeout, a harness check); the input is
# kept in WORK/artifacts/HARNESS/ and the log in WORK/logs/HARNESS.log.
#
# Environment:
#   BNNC_FUZZ_BUILD  build folder (default: build-fuzz), configured with
#                    CC=clang -DBNNC_FUZZ=ON and built here when needed
#   BNNC_FUZZ_WORK   where corpora, artifacts and logs live (default:
#                    BUILD/fuzz); a corpus grows from run to run
#   BNNC_FUZZ_JOBS   harnesses run at once (default 2)
#   BNNC_FUZZ_ARGS   more libFuzzer options (e.g. -runs=N)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 SECONDS [HARNESS...]" >&2; exit 2; }
secs=$1
shift
all="parse check report emit safetensors npy onnx h5"
[ $# -gt 0 ] && all="$*"
build=${BNNC_FUZZ_BUILD:-$root/build-fuzz}
work=${BNNC_FUZZ_WORK:-$build/fuzz}
jobs=${BNNC_FUZZ_JOBS:-2}

if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang cmake -S "$root" -B "$build" -DBNNC_FUZZ=ON -DBUILD_TESTING=OFF \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j "$(nproc)" >/dev/null
mkdir -p "$work/corpus" "$work/artifacts" "$work/logs" "$work/scratch"
# Seeds join whatever corpus earlier runs left.
sh "$root/tests/fuzz/corpus.sh" "$root" "$work/corpus"
# A dictionary of the language's words for the text harnesses.
{
    "$build/bnnc" --print-tables | awk '{ printf "\"%s\"\n", $2 }'
    for t in '{' '}' '(' ')' '[' ']' ';' ',' '=' ':' '"' '#' 'bnn 1;' 'import "' 'f32[' 'b1['; do
        printf '"%s"\n' "$(printf '%s' "$t" | sed 's/\\/\\\\/g; s/"/\\"/g')"
    done
} >"$work/bnn.dict"

export BNNC_STDLIB="$root/stdlib"
# HDF5 reading past a damaged string is not bnnc's (tests/fuzz/asan.supp).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:suppressions=$root/tests/fuzz/asan.supp}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# HDF5's own leaks on damaged files are not bnnc's (tests/fuzz/lsan.supp).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/tests/fuzz/lsan.supp}"

one() {
    h=$1
    bin=$build/tests/fuzz/fuzz_$h
    # The text harnesses: the language's words, and inputs up to 8 KiB
    # (every example is smaller; the catalog's 40 KiB would slow them).
    opts=""
    case $h in parse|check|report) opts="-dict=$work/bnn.dict -max_len=8192" ;; esac
    mkdir -p "$work/artifacts/$h" "$work/scratch/$h"
    # Run in a scratch folder: relative imports find nothing there.
    # shellcheck disable=SC2086
    if (cd "$work/scratch/$h" && "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/$h/" $opts ${BNNC_FUZZ_ARGS:-} \
        "$work/corpus/$h") >"$work/logs/$h.log" 2>&1; then
        echo 0 >"$work/logs/$h.rc"
    else
        echo $? >"$work/logs/$h.rc"
    fi
}

# Up to $jobs harnesses at once.
for h in $all; do rm -f "$work/logs/$h.rc"; done
running=0
pids=""
for h in $all; do
    [ -x "$build/tests/fuzz/fuzz_$h" ] || { echo "no harness '$h'" >&2; exit 2; }
    one "$h" &
    pids="$pids $!"
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait

fail=0
printf '%-12s %8s %12s %9s %7s %7s %8s  %s\n' harness seconds executions exec/s cov ft corpus result
for h in $all; do
    log=$work/logs/$h.log
    rc=$(cat "$work/logs/$h.rc" 2>/dev/null || echo 99)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    result=ok
    if [ "$rc" -ne 0 ]; then
        result="FOUND (exit $rc): $(ls "$work/artifacts/$h" | head -3 | tr '\n' ' ')"
        fail=1
    fi
    printf '%-12s %8s %12s %9s %7s %7s %8s  %s\n' "$h" "$secs" "${execs:-?}" "${rate:-?}" \
        "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
done
if [ "$fail" -ne 0 ]; then
    for h in $all; do
        [ "$(cat "$work/logs/$h.rc" 2>/dev/null || echo 99)" -eq 0 ] && continue
        echo "== $h: $work/logs/$h.log"
        grep -E 'ERROR|runtime error|fuzz:|SUMMARY|^    #[0-9]' "$work/logs/$h.log" | head -20
    done
fi
exit $fail
