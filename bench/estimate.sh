#!/bin/sh
# estimate.sh: the forward estimate against the emitted code, measured on
# this machine, for every example (docs/benchmarks.md, docs/measured.md).
#
#   sh bench/estimate.sh [BNNC [ROUNDS [HOST.bnn]]]
#       (defaults: build-rel/bnnc, 3 rounds, a fresh bnnc calibrate)
#
# Calibrates the machine once (unless HOST.bnn is given), then runs
# `bnnc bench` on each example ROUNDS times, one example after another,
# and prints each round's whole-network error and the median per example.
set -eu
BNNC=${1:-build-rel/bnnc}
ROUNDS=${2:-3}
HOST=${3:-}
HERE=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$BNNC" ] || { echo "estimate.sh: no bnnc at '$BNNC'" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bnnc-estimate.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
if [ -z "$HOST" ]; then
    HOST=$TMP/host.bnn
    "$BNNC" calibrate -o "$HOST" 2>"$TMP/calibrate.log" || { cat "$TMP/calibrate.log" >&2; exit 1; }
fi
sed -n 's/^ *clock = \([^;]*\);.*/clock: \1/p' "$HOST" | head -1
sed -n 's/.*c_x = \([0-9.e+-]*\) cycles per XNOROP.*/c_x: \1 cycles per XNOROP/p' "$HOST" | head -1
printf '%-16s %12s %12s  %s\n' example measured estimated "error per round (median last)"
for ex in mnist_mlp lenet_bin vgg_cifar10 birealnet18 quicknet; do
    errs=""
    for r in $(seq "$ROUNDS"); do
        "$BNNC" bench "$HERE/examples/$ex.bnn" --target "$HOST" >"$TMP/$ex.$r" 2>&1 ||
            { cat "$TMP/$ex.$r" >&2; exit 1; }
        errs="$errs $(sed -n 's/^deviation  \([^%]*\)%:.*/\1/p' "$TMP/$ex.$r")"
    done
    med=$(printf '%s\n' $errs | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    # The round whose error is the median gives the times shown.
    for r in $(seq "$ROUNDS"); do
        [ "$(sed -n 's/^deviation  \([^%]*\)%:.*/\1/p' "$TMP/$ex.$r")" = "$med" ] && break
    done
    m=$(sed -n 's/^measured  *\([^ ]* [^ ]*\) per inference.*/\1/p' "$TMP/$ex.$r")
    e=$(sed -n 's/^estimated  *\([^ ]* [^ ]*\) per inference.*/\1/p' "$TMP/$ex.$r")
    printf '%-16s %12s %12s  %s -> %s%%\n' "$ex" "$m" "$e" "$(echo $errs)" "$med"
done
