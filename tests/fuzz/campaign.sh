#!/bin/sh
# campaign.sh RUNS CHUNK [HARNESS...]: a long fuzz campaign. Runs each
# harness (one at a time, through run.sh) in chunks of CHUNK seconds until
# the ledger records at least RUNS executions for it, or a chunk finds
# something. The ledger (WORK/ledger.tsv) keeps one line per chunk: date,
# harness, commit fuzzed, seconds, executions, exec/s, cov, ft, corpus,
# result; it and the corpus outlive the process, so a campaign stopped
# part way goes on where it stopped. Prints the totals per harness.
#
# To stop a campaign without losing the chunk that is running (a chunk
# killed part way is not recorded), create WORK/stop: the campaign stops
# once that chunk is in the ledger, and removes the file.
#
# Environment: as run.sh (BNNC_FUZZ_BUILD, BNNC_FUZZ_WORK; the default
# work folder here is BUILD/campaign).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 RUNS CHUNK [HARNESS...]" >&2; exit 2; }
want=$1
chunk=$2
shift 2
all="npy safetensors parse check report emit onnx"
[ $# -gt 0 ] && all="$*"
build=${BNNC_FUZZ_BUILD:-$root/build-fuzz}
work=${BNNC_FUZZ_WORK:-$build/campaign}
export BNNC_FUZZ_BUILD="$build" BNNC_FUZZ_WORK="$work" BNNC_FUZZ_JOBS=1
mkdir -p "$work"
ledger=$work/ledger.tsv
[ -f "$ledger" ] || printf 'date\tharness\tcommit\tseconds\texecutions\texec/s\tcov\tft\tcorpus\tresult\n' >"$ledger"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)

total() { awk -F'\t' -v h="$1" '$2 == h { n += $5 } END { print n + 0 }' "$ledger"; }

stopped=no
for h in $all; do
    while [ "$(total "$h")" -lt "$want" ]; do
        if [ -e "$work/stop" ]; then
            rm -f "$work/stop"
            stopped=yes
            break 2
        fi
        set +e
        out=$(sh "$root/tests/fuzz/run.sh" "$chunk" "$h" 2>&1)
        rc=$?
        set -e
        line=$(printf '%s\n' "$out" | awk -v h="$h" '$1 == h')
        [ -n "$line" ] || { printf '%s\n' "$out" >&2; exit 1; }
        # harness seconds executions exec/s cov ft corpus result...
        printf '%s\n' "$line" | awk -v d="$(date -u +%Y-%m-%dT%H:%MZ)" -v c="$commit" \
            'BEGIN { OFS = "\t" } { r = $8; for (i = 9; i <= NF; i++) r = r " " $i;
              print d, $1, c, $2, $3, $4, $5, $6, $7, r }' >>"$ledger"
        if [ "$rc" -ne 0 ]; then
            printf '%s\n' "$out" >&2
            exit 1
        fi
    done
done
[ "$stopped" = no ] || echo "stopped: $work/stop was there (removed)"
printf '%-12s %12s %8s\n' harness executions chunks
for h in $all; do
    printf '%-12s %12s %8s\n' "$h" "$(total "$h")" \
        "$(awk -F'\t' -v h="$h" '$2 == h' "$ledger" | wc -l)"
done
