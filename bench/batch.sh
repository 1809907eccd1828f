#!/bin/sh
# batch.sh: `bnnc run` on a batch against one process per item
# (docs/benchmarks.md, "bnnc run on a batch").
#
#   sh bench/batch.sh [BNNC [NET.bnn [N]]]
#       (defaults: build/bnnc, examples/lenet_bin.bnn, 1000)
#
# Makes N random items for the network's one input (float32 in [0, 1),
# numpy seed 1) and random weights (--seed 1), then times, wall clock and
# the CPU time of the processes (user + system, from `times`):
#
#   batched:  one `bnnc run` on the array of shape [N] + the input's shape;
#   separate: N `bnnc run`, one per item, one after the other.
#
# Then checks that slice k of the batched output has the bytes of item k's
# separate output (exit 1 if not), and prints both times and their ratio.
# Needs /usr/bin/python3 with numpy. Exits 2 on setup errors.
set -eu

BNNC=${1:-build/bnnc}
NET=${2:-examples/lenet_bin.bnn}
N=${3:-1000}
PY=/usr/bin/python3

die() { echo "batch.sh: $*" >&2; exit 2; }
[ -x "$BNNC" ] || die "no bnnc binary at '$BNNC' (build it, or pass its path)"
[ -f "$NET" ] || die "no network '$NET'"
BNNC=$(cd "$(dirname "$BNNC")" && pwd)/$(basename "$BNNC")
NET=$(cd "$(dirname "$NET")" && pwd)/$(basename "$NET")
tmp=$(mktemp -d) || die "mktemp"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# The input's type and shape from the IR dump: "  input %image : f32[28,28,1]".
spec=$("$BNNC" --dump-ir "$NET" | sed -n 's/^  input %[^ ]* : \([a-z0-9]*\)\[\([0-9,]*\)\].*/\1 \2/p')
[ "$(echo "$spec" | wc -l)" -eq 1 ] && [ -n "$spec" ] || die "'$NET' must have one input"
set -- $spec
[ "$1" = f32 ] || die "the input of '$NET' is $1; this script makes f32 items"
$PY - "$2" "$N" <<'PY' || die "numpy"
import sys, numpy as np
shape = tuple(int(d) for d in sys.argv[1].split(","))
n = int(sys.argv[2])
x = np.random.default_rng(1).uniform(0, 1, (n,) + shape).astype(np.float32)
np.save("batch.npy", x)
for k in range(n):
    np.save("item%d.npy" % k, x[k])
PY

now() { date +%s%N; }
# run_timed SCRIPT: runs SCRIPT in a shell of its own and prints the CPU
# seconds (user + system) of the processes it started, from that shell's
# `times` (its second line: the children).
run_timed() {
    sh -c "$1
times" | tail -1 | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } print t }'
}
export BNNC NET N
t0=$(now)
cb=$(run_timed '"$BNNC" run "$NET" --seed 1 --input batch.npy --output batch_out.npy 2>/dev/null')
t1=$(now)
cs=$(run_timed 'k=0
while [ "$k" -lt "$N" ]; do
    "$BNNC" run "$NET" --seed 1 --input item$k.npy --output out$k.npy 2>/dev/null || exit 1
    k=$((k + 1))
done')
t2=$(now)
[ -s batch_out.npy ] && [ -s "out$((N - 1)).npy" ] || die "bnnc run failed"

$PY - "$N" <<'PY' || { echo "batch.sh: the batched output differs from the separate runs" >&2; exit 1; }
import sys, numpy as np
n = int(sys.argv[1])
b = np.load("batch_out.npy")
for k in range(n):
    one = np.load("out%d.npy" % k)
    assert b.shape == (n,) + one.shape and b[k].tobytes() == one.tobytes(), k
PY

awk -v n="$N" -v net="$(basename "$NET")" -v tb=$((t1 - t0)) -v ts=$((t2 - t1)) \
    -v cb="$cb" -v cs="$cs" '
BEGIN {
    bw = tb / 1e9; sw = ts / 1e9; bc = cb; sc = cs
    printf "%s, %d items (outputs identical)\n", net, n
    printf "%-10s %10s %10s %14s\n", "", "wall s", "cpu s", "wall ms/item"
    printf "%-10s %10.2f %10.2f %14.2f\n", "batched", bw, bc, 1000 * bw / n
    printf "%-10s %10.2f %10.2f %14.2f\n", "separate", sw, sc, 1000 * sw / n
    printf "separate / batched: %.1fx wall, %.1fx cpu\n", sw / bw, (bc > 0 ? sc / bc : 0)
}'
