#!/bin/sh
# mca_neon.sh: the NEON binary kernels under llvm-mca, in binary MACs per
# cycle (one bMAC: one bit of one XOR-popcount), for Cortex-A72 and
# Cortex-A53 (docs/benchmarks.md, "NEON kernels under llvm-mca").
#
#   sh bench/mca_neon.sh [BNNC [REV...]]    (default BNNC: build/bnnc)
#
# Measures the work tree's runtime/ and, side by side, the runtime/ of
# each git revision REV (git archive; its kernels must have the same
# interface), for -mcpu=cortex-a72 and -mcpu=cortex-a53:
#
#  1. the inner loop: bench/mca_neon.c (bnn_conv_out4, sizes unknown to
#     the compiler) compiled by clang-19 --target=aarch64-linux-gnu -O3
#     -mcpu=CORE to assembly; the loop that holds the most CNT
#     instructions (a block that branches to itself) given to llvm-mca-19
#     -mcpu=CORE for 1000 iterations. bMACs an iteration: 128 per CNT
#     .16b, 64 per CNT .8b (each counts the bits of 128 or 64 XORed bits);
#     bMACs/cycle = bMACs an iteration / cycles an iteration;
#  2. the layers of bench/kernels.bnn (3x3 binary convolutions of 64 to
#     512 channels, +1 padding; two binary dense layers) emitted by BNNC
#     for the core's catalog target, every basic block's executions
#     counted under qemu-aarch64 and priced by llvm-mca
#     (tools/mca/derive.py --network, with --runtime for each runtime/):
#     the whole layer, gathers and outputs included.
#
# Needs clang-19, llvm-19, qemu-user and the AArch64 C library
# (tools/mca/README.md); BNNC_CLANG and BNNC_LLVM name others.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BNNC=${1:-$ROOT/build/bnnc}
[ $# -gt 0 ] && shift
CLANG=${BNNC_CLANG:-clang-19}
LLVM=${BNNC_LLVM:-/usr/lib/llvm-19/bin}
[ -x "$BNNC" ] || { echo "mca_neon.sh: no bnnc at '$BNNC'" >&2; exit 2; }
for t in "$CLANG" "$LLVM/llvm-mca" qemu-aarch64; do
    command -v "$t" >/dev/null || { echo "mca_neon.sh: this machine lacks $t" >&2; exit 2; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bnnc-mca-neon.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# The runtimes: label and folder.
: >"$TMP/runtimes"
for rev in "$@"; do
    label=$(git -C "$ROOT" rev-parse --short "$rev")
    mkdir -p "$TMP/$label"
    git -C "$ROOT" archive "$rev" runtime | tar -x -C "$TMP/$label"
    echo "$label $TMP/$label/runtime" >>"$TMP/runtimes"
done
echo "worktree $ROOT/runtime" >>"$TMP/runtimes"

# loop FILE.s FUNCTION: the body of FUNCTION's self-looping block with the
# most CNTs on standard output, its bMACs an iteration on the first line.
loop() {
    awk -v fn="$2" '
        $0 ~ "^" fn ":" { infn = 1; next }
        infn && /^[ \t]*\.size/ { infn = 0 }
        !infn { next }
        /^\.L[A-Za-z0-9_]+:/ { cur = $1; sub(/:$/, "", cur); n = 0; bits = 0; next }
        {
            s = $0; sub(/\/\/.*/, "", s); gsub(/^[ \t]+|[ \t]+$/, "", s)
            if (s == "" || s ~ /^\./ || cur == "") next
            body[++n] = s
            if (s ~ /^cnt[ \t]/) bits += (s ~ /\.16b/) ? 128 : 64
            if (s ~ /^(b(\.?[a-z]+)?|cbn?z|tbn?z)[ \t]/ && s ~ /\.L[A-Za-z0-9_]+$/) {
                t = s; sub(/.*[ \t,]/, "", t)
                if (t == cur && bits > best) {
                    best = bits; m = n
                    for (i = 1; i <= n; i++) keep[i] = body[i]
                }
                cur = ""
            }
        }
        END {
            print best + 0
            for (i = 1; i <= m; i++) print keep[i]
        }' "$1"
}

echo "# NEON binary kernels under llvm-mca: $("$CLANG" --version | head -1); llvm-mca $("$LLVM/llvm-mca" --version | sed -n 's/.*LLVM version \([0-9.]*\).*/\1/p')"
echo "# -mcpu=cortex-a72 is LLVM's Cortex-A57 model (LLVM has no A72 model; tools/mca/README.md)"
echo
echo "## inner loop: bnn_conv_out4 (bench/mca_neon.c), steady state, 1000 iterations"
printf '%-10s %-11s %12s %11s %12s\n' runtime core cycles/iter bMACs/iter bMACs/cycle
while read -r label dir; do
    for core in cortex-a72 cortex-a53; do
        "$CLANG" --target=aarch64-linux-gnu -mcpu=$core -O3 -std=c99 -I"$dir" -S \
            -o "$TMP/k.s" "$HERE/mca_neon.c"
        loop "$TMP/k.s" mca_conv_out4 >"$TMP/loop"
        bits=$(head -1 "$TMP/loop")
        [ "$bits" -gt 0 ] || { echo "mca_neon.sh: no CNT loop in $label's code" >&2; exit 1; }
        tail -n +2 "$TMP/loop" >"$TMP/loop.s"
        cyc=$("$LLVM/llvm-mca" -mtriple=aarch64 -mcpu=$core -iterations=1000 "$TMP/loop.s" |
              awk '/^Total Cycles:/ { print $3 }')
        awk -v l="$label" -v c=$core -v y="$cyc" -v b="$bits" 'BEGIN {
            printf "%-10s %-11s %12.2f %11d %12.1f\n", l, c, y / 1000, b, b * 1000 / y }'
    done
done <"$TMP/runtimes"

# The layers of bench/kernels.bnn, in order, and their bMACs.
macs="c1:56x56x64->64,3x3 115605504
c2:28x28x128->128,3x3 115605504
c3:14x14x256->256,3x3 115605504
c4:7x7x512->512,3x3 115605504
d1:4096->4096 16777216
d2:1024->1024 1048576"
echo
echo "## layers of bench/kernels.bnn: blocks counted under qemu-aarch64, priced by llvm-mca"
printf '%-10s %-11s %-26s %12s %12s\n' runtime core layer cycles bMACs/cycle
while read -r label dir; do
    for core in cortex-a72 cortex-a53; do
        python3 "$ROOT/tools/mca/derive.py" $core --bnnc "$BNNC" --network "$HERE/kernels.bnn" \
            --runtime "$dir" >"$TMP/layers"
        echo "$macs" | awk -v l="$label" -v c=$core 'NR == FNR { if ($1 == "kernels") cyc[$2] = $3; next }
            { k++; printf "%-10s %-11s %-26s %12.0f %12.1f\n", l, c, $1, cyc[k], $2 / cyc[k] }' \
            "$TMP/layers" -
    done
done <"$TMP/runtimes"
