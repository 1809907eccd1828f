#!/bin/sh
# solve.sh: inverse-task benchmark for bnnc (docs/benchmarks.md).
#
#   sh bench/solve.sh [BNNC]          (default BNNC: build-rel/bnnc)
#
# Builds bench/gen_catalog.c, generates catalogs of 1k and 10k synthetic
# targets, and times, best of $RUNS wall-clock runs (default 5):
#   check   bnnc CATALOG                  (read, parse, resolve the targets)
#   solve   bnnc MODEL --solve-fps 30 --no-catalog --targets CATALOG
# for the QuickNet and LeNet examples, and prints the time per target of
# the solve beyond the check. Exits 1 if a 10k-target solve takes 1 s or
# more. Environment: CC (cc), RUNS (5), SIZES ("1000 10000").
set -eu
BNNC=${1:-build-rel/bnnc}
CC=${CC:-cc}
RUNS=${RUNS:-5}
SIZES=${SIZES:-"1000 10000"}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
[ -x "$BNNC" ] || { echo "solve.sh: no bnnc at '$BNNC'" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bnnc-solve.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
$CC -std=c11 -O2 -o "$TMP/gen" "$HERE/gen_catalog.c"

# best RUNS CMD...: the best wall-clock time of CMD in ms (exit 0 or 3 ok).
best() {
    b=""
    r=0
    while [ $r -lt "$RUNS" ]; do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 || [ $? -eq 3 ] || { echo "solve.sh: '$*' failed" >&2; exit 2; }
        t1=$(date +%s%N)
        t=$(( (t1 - t0) / 1000 ))
        if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
        r=$((r + 1))
    done
    echo "$b"
}

status=0
printf '%-8s %-10s %10s %10s %14s %9s\n' targets model check solve "solve/target" feasible
for n in $SIZES; do
    "$TMP/gen" "$n" > "$TMP/cat$n.bnn"
    check=$(best "$BNNC" "$TMP/cat$n.bnn")
    for model in quicknet lenet_bin; do
        m="$ROOT/examples/$model.bnn"
        solve=$(best "$BNNC" "$m" --solve-fps 30 --no-catalog --targets "$TMP/cat$n.bnn")
        feas=$("$BNNC" "$m" --solve-fps 30 --no-catalog --targets "$TMP/cat$n.bnn" \
               --format json | sed -n 's/^  "qualifying": \([0-9]*\),$/\1/p') || true
        per=$(( (solve - check) * 1000 / n ))
        printf '%-8s %-10s %8d ms %8d ms %11d ns %9s\n' "$n" "$model" $((check / 1000)) \
            $((solve / 1000)) "$per" "$feas"
        if [ "$n" -ge 10000 ] && [ "$solve" -ge 1000000 ]; then status=1; fi
    done
done
exit $status
