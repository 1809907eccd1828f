#!/bin/sh
# scale.sh: front-end scale benchmark for bnnc (docs/benchmarks.md).
#
#   sh bench/scale.sh [BNNC]          (default BNNC: build-rel/bnnc)
#
# Builds bench/gen_network.c, generates networks of 1k, 10k and 100k layers
# (flat, and with --blocks so block expansion is exercised), times the check
# `bnnc FILE` (best of $RUNS wall-clock runs, default 5) and prints a table:
# layers, file size, best time, time per layer, per-layer ratio to the
# smallest size, and peak RSS (if GNU /usr/bin/time is available).
#
# Exits 1 if, for either variant, the time per layer at the largest size is
# more than $LIMIT (default 3) times that at the smallest size: the check
# should be linear in the size of the network. Exits 2 on setup errors.
#
# Environment: CC (default cc), RUNS (5), LIMIT (3),
#              SIZES ("1000 10000 100000"), KEEP (set: keep the temp dir).
set -eu

BNNC=${1:-build-rel/bnnc}
CC=${CC:-cc}
RUNS=${RUNS:-5}
LIMIT=${LIMIT:-3}
SIZES=${SIZES:-"1000 10000 100000"}
HERE=$(cd "$(dirname "$0")" && pwd)

die() { echo "scale.sh: $*" >&2; exit 2; }

[ -x "$BNNC" ] || die "no bnnc binary at '$BNNC' (build it, or pass its path)"
case $(date +%s%N) in
    *N*|'') die "date +%s%N is not supported here (GNU date needed)" ;;
esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bnnc-scale.XXXXXX")
if [ -z "${KEEP:-}" ]; then
    trap 'rm -rf "$TMP"' EXIT
    trap 'exit 2' INT TERM HUP
else
    echo "scale.sh: keeping $TMP" >&2
fi

"$CC" -std=c11 -O2 -o "$TMP/gen_network" "$HERE/gen_network.c" ||
    die "cannot build $HERE/gen_network.c with $CC"

# Peak RSS needs GNU time (-v).
TIMEV=
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
    TIMEV=/usr/bin/time
fi

now() { date +%s%N; }

echo "bnnc:    $BNNC ($("$BNNC" --version 2>/dev/null || echo '?'))"
echo "runs:    best of $RUNS, wall clock; limit: per-layer ratio <= $LIMIT"
# Fixed cost of a run (process start, stdlib path, ...): a 3-layer network.
"$TMP/gen_network" 3 >"$TMP/net_min.bnn"
"$BNNC" "$TMP/net_min.bnn" || die "bnnc rejected the generated $TMP/net_min.bnn"
best=
i=0
while [ "$i" -lt "$RUNS" ]; do
    t0=$(now); "$BNNC" "$TMP/net_min.bnn"; t1=$(now)
    t=$((t1 - t0))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    i=$((i + 1))
done
awk -v b="$best" 'BEGIN { printf "startup: %.2f ms (3-layer network, included in every time below)\n", b / 1e6 }'
echo
echo "| variant | layers | file size | best time | per layer | ratio | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|"

status=0
for variant in flat blocks; do
    flag=
    [ "$variant" = blocks ] && flag=--blocks
    base=
    last=
    for n in $SIZES; do
        f="$TMP/net_${variant}_$n.bnn"
        "$TMP/gen_network" $flag "$n" >"$f"
        size=$(wc -c <"$f" | tr -d ' ')

        # Warm-up run, untimed: the file must check, and have n layers.
        if ! "$BNNC" --dump-ir "$f" >"$TMP/ir" 2>"$TMP/err"; then
            cat "$TMP/err" >&2
            die "bnnc rejected the generated $f"
        fi
        layers=$(grep -c '^  %' "$TMP/ir" || true)
        [ "$layers" = "$n" ] || die "$f has $layers layers in the IR, expected $n"

        best=
        i=0
        while [ "$i" -lt "$RUNS" ]; do
            t0=$(now)
            "$BNNC" "$f" || die "bnnc failed on $f"
            t1=$(now)
            t=$((t1 - t0))
            if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
            i=$((i + 1))
        done

        rss=-
        if [ -n "$TIMEV" ]; then
            "$TIMEV" -v -o "$TMP/time" "$BNNC" "$f" || die "bnnc failed on $f"
            rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f MiB", $2 / 1024 }' "$TMP/time")
        fi

        [ -n "$base" ] || base="$best/$n"
        last=$(awk -v b="$best" -v n="$n" -v base="$base" 'BEGIN {
            split(base, p, "/"); printf "%.3f", (b / n) / (p[1] / p[2]) }')
        awk -v v="$variant" -v n="$n" -v s="$size" -v b="$best" -v r="$last" -v m="$rss" 'BEGIN {
            if (s >= 1048576) fs = sprintf("%.1f MiB", s / 1048576)
            else fs = sprintf("%.1f KiB", s / 1024)
            printf "| %s | %d | %s | %.1f ms | %.2f µs | %.2f | %s |\n",
                   v, n, fs, b / 1e6, b / n / 1e3, r, m }'
    done
    if awk -v r="$last" -v l="$LIMIT" 'BEGIN { exit !(r > l) }'; then
        echo "scale.sh: NOT LINEAR: $variant: time per layer at the largest size is" \
             "${last}x that at the smallest (limit ${LIMIT}x)" >&2
        status=1
    fi
done

echo
if [ "$status" -eq 0 ]; then
    echo "ok: time per layer stays within ${LIMIT}x of the smallest size (linear)"
fi
exit "$status"
