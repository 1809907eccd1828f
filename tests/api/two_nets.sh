#!/bin/sh
# two_nets.sh BNNC ROOT: the API of the generated C (docs/codegen.md, "The
# API"). Two networks (LeNet on Cortex-M7's swar kernels, 32-bit words;
# the BinaryNet MLP on 64-bit words, AVX2 where the machine has it, so
# its arena is on a 32-byte boundary) in one program with two instances
# of LeNet in two threads (two_nets.c): every output of NAME_invoke and of
# the old NAME_infer equal, byte for byte, to `bnnc run`'s, and the status
# codes of bad arguments; and no data race under ThreadSanitizer.
bnnc=$1 root=$2
here=$root/tests/api
py=/usr/bin/python3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
fail() { echo "FAIL: $*"; exit 1; }
mt=t-portable64 isa=""
grep -qw avx2 /proc/cpuinfo 2>/dev/null && mt=t-avx2 isa="-mavx2 -mpopcnt"
"$bnnc" "$root/examples/lenet_bin.bnn" --target cortex-m7 --emit c -o lenet --seed 3 2>/dev/null ||
    fail "emit lenet_bin"
"$bnnc" "$root/examples/mnist_mlp.bnn" --targets "$root/tests/codegen/targets.bnn" --no-catalog \
    --target $mt --emit c -o mlp --seed 5 2>/dev/null || fail "emit mnist_mlp"
grep -q '^#define MNIST_MLP_ARENA_ALIGN '"$([ $mt = t-avx2 ] && echo 32 || echo 8)"'$' mlp/mnist_mlp.h ||
    fail "MNIST_MLP_ARENA_ALIGN: $(grep ARENA_ALIGN mlp/mnist_mlp.h)"
grep -q '^#define LENET_BIN_ARENA_ALIGN 8$' lenet/lenet_bin.h || fail "LENET_BIN_ARENA_ALIGN"
# Inputs, and the interpreter's outputs as raw float32.
$py - <<'PY' || fail "inputs"
import numpy as np
r = np.random.default_rng(11)
for name, shape in (("img1", (28, 28, 1)), ("img2", (28, 28, 1)), ("vec", (784,))):
    x = r.uniform(-2, 2, shape).astype("<f4")
    np.save(name + ".npy", x)
    x.tofile(name + ".raw")
PY
for run in "lenet_bin 3 img1" "lenet_bin 3 img2" "mnist_mlp 5 vec"; do
    set -- $run
    mkdir -p "ref_$3"
    "$bnnc" run "$root/examples/$1.bnn" --seed "$2" --input "$3.npy" --output "ref_$3/" 2>/dev/null ||
        fail "bnnc run $1"
    $py -c "import numpy as np; np.load('ref_$3/logits.npy').astype('<f4').tofile('ref_$3.raw')" ||
        fail "ref $1"
done
# shellcheck disable=SC2086
for cc in gcc clang; do
    command -v $cc >/dev/null || continue
    $cc -std=c99 -O2 $isa -pthread -Wall -Wextra -Werror -Ilenet -Imlp -o two_nets \
        "$here/two_nets.c" lenet/lenet_bin.c lenet/lenet_bin_weights.c mlp/mnist_mlp.c \
        mlp/mnist_mlp_weights.c -lm || fail "two_nets does not build with $cc"
    rm -rf got && mkdir got
    ./two_nets img1.raw img2.raw vec.raw got || fail "two_nets ($cc)"
    for pair in lenet_a:img1 lenet_old1:img1 lenet_b:img2 lenet_old2:img2 mlp_new:vec mlp_old:vec; do
        cmp -s "got/${pair%%:*}.raw" "ref_${pair#*:}.raw" ||
            fail "$cc: ${pair%%:*} differs from bnnc run on ${pair#*:}"
    done
    # The two images give two outputs: the instances did not share one.
    cmp -s got/lenet_a.raw got/lenet_b.raw && fail "the two images gave the same logits"
    echo "api: $cc: two LeNet instances in two threads and the MLP = bnnc run, old API = new"
done
# The same under ThreadSanitizer: no data race between the two contexts
# (a static arena shared by the threads is one). Skipped, saying so, where
# clang cannot build or run it.
if clang -std=c99 -O1 -g -fsanitize=thread -pthread -Ilenet -Imlp -o two_tsan "$here/two_nets.c" \
        lenet/lenet_bin.c lenet/lenet_bin_weights.c mlp/mnist_mlp.c mlp/mnist_mlp_weights.c \
        $isa -lm 2>/dev/null; then
    rm -rf got && mkdir got
    if TSAN_OPTIONS=halt_on_error=1 ./two_tsan img1.raw img2.raw vec.raw got 2>tsan.txt; then
        echo "api: ThreadSanitizer: no data race"
    elif grep -q 'unexpected memory mapping\|FATAL: ThreadSanitizer' tsan.txt; then
        echo "api: ThreadSanitizer does not run here: $(head -1 tsan.txt)"
    else
        head -20 tsan.txt; fail "two_nets under ThreadSanitizer"
    fi
else
    echo "api: no ThreadSanitizer build (clang -fsanitize=thread): skipped"
fi
exit 0
