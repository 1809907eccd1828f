#!/bin/sh
# run.sh BNNC ROOT: `bnnc run`, the reference interpreter on the command
# line: every example network on random weights and a random input, the
# shapes and types of its outputs; a network of one's own with a weights
# file and a value worked out by hand; several inputs and outputs; and the
# exit status and the absence of any output file after each kind of error.
bnnc=$1 root=$2
tool="$(cd "$(dirname "$0")" && pwd)/npy_tool.py"
py=/usr/bin/python3
. "$root/tests/cli/lib.sh"

# Every example that declares a network: random weights, random inputs.
for f in "$root"/examples/*.bnn; do
    ex=$(basename "$f" .bnn)
    "$bnnc" --dump-ir "$f" >"$ex.ir" || { ko "$ex: --dump-ir"; continue; }
    grep -q '^network ' "$ex.ir" || continue
    mkdir -p "in_$ex"
    ins=$($py "$tool" inputs "$ex.ir" "in_$ex" 1) || { ko "$ex: inputs"; continue; }
    args=""
    for i in $ins; do args="$args --input $i"; done
    # shellcheck disable=SC2086
    if check "$ex" 0 "$bnnc" run "$f" --seed 7 $args --output "$ex.npy" &&
        $py "$tool" check "$ex.ir" "$ex.npy" &&
        grep -q "random weights from seed 7" err; then ok; else ko "run $ex"; fi
done
[ -f lenet_bin.npy ] || ko "lenet_bin did not run"

# The same seed gives the same bits; another seed other values; the
# default seed is 1.
lenet="$root/examples/lenet_bin.bnn" img=in_lenet_bin/image.npy
check seed-again 0 "$bnnc" run "$lenet" --seed 7 --input $img --output again.npy &&
    cmp -s again.npy lenet_bin.npy && ok || ko "the same seed differs"
check seed-other 0 "$bnnc" run "$lenet" --seed 8 --input $img --output other.npy &&
    ! cmp -s other.npy lenet_bin.npy && ok || ko "another seed gives the same output"
check seed-default 0 "$bnnc" run "$lenet" --input $img --output one.npy &&
    grep -q "^bnnc: warning: no --weights: running 'lenet_bin' with random weights from seed 1$" err &&
    "$bnnc" run "$lenet" --seed 1 --input $img --output one1.npy 2>/dev/null &&
    cmp -s one.npy one1.npy && ok || ko "the default seed is not 1"

# A network of one's own with a weights file: y = dense(x) with
# w = [[2, -1], [3, 0.5]], x = [1, 2]: [2 + 6, -1 + 1] = [8, 0]; then
# relu(batchnorm(y)) with gamma 2, beta 1, mean 3, variance 0.999 (+ 0.001):
# 2 (8 - 3) + 1 = 11 and 2 (0 - 3) + 1 = -5 -> 0.
cat >mine.bnn <<'EOF'
bnn 1;
network mine {
    input x : f32[2];
    y = dense(x, units = 2);
    z = relu(batchnorm(y));
    output z;
}
EOF
$py "$tool" safetensors w.safetensors y.weight:F32:2,2:2,-1,3,0.5 \
    z.batchnorm.gamma:F32:2:2,2 z.batchnorm.beta:F32:2:1,1 z.batchnorm.mean:F32:2:3,3 \
    z.batchnorm.variance:F32:2:0.999,0.999 || ko "npy_tool safetensors"
$py "$tool" safetensors bad-shape.safetensors y.weight:F32:2,2:2,-1,3,0.5 \
    z.batchnorm.gamma:F32:3:2,2,2 z.batchnorm.beta:F32:2:1,1 z.batchnorm.mean:F32:2:3,3 \
    z.batchnorm.variance:F32:2:0.999,0.999
$py "$tool" safetensors missing.safetensors y.weight:F32:2,2:2,-1,3,0.5
$py "$tool" write x.npy '<f4' 2 1 2
check weights 0 "$bnnc" run mine.bnn --weights w.safetensors --input x.npy --output z.npy &&
    [ ! -s err ] && [ "$($py "$tool" print z.npy)" = "<f4 (2,) 11 0" ] && ok || ko "weights file: $($py "$tool" print z.npy)"
check network-flag 0 "$bnnc" run mine.bnn --network mine --weights w.safetensors \
    --input=x.npy --output=z2.npy && cmp -s z.npy z2.npy && ok || ko "--network and --opt=value"

# Several inputs and outputs of every type: outputs go to OUT/NAME.npy.
cat >multi.bnn <<'EOF'
bnn 1;
network multi {
    input img : u8[4, 4, 2];
    input bits : b1[8];
    input k : i32[3];
    c = conv2d(img, filters = 2, kernel = 3);
    s = sign(c);
    d = bdense(bits, units = 3);
    e = add(d, k);
    output s, e, c;
}
EOF
"$bnnc" --dump-ir multi.bnn >multi.ir
mkdir -p in_multi
ins=$($py "$tool" inputs multi.ir in_multi 3)
set -- $ins
check multi-dir 0 "$bnnc" run multi.bnn --input "$1" --input "$2" --input "$3" --output outdir/ &&
    $py "$tool" check multi.ir outdir && [ "$(ls outdir | tr '\n' ' ')" = "c.npy e.npy s.npy " ] &&
    ok || ko "multi-output into a new folder"
mkdir -p existing
check multi-existing 0 "$bnnc" run multi.bnn --input "$1" --input "$2" --input "$3" --output existing &&
    $py "$tool" check multi.ir existing && ok || ko "multi-output into an existing folder"
# All outputs or none: with s.npy (the first output) blocked by a folder,
# e.npy and c.npy keep their old contents and no temporary file is left.
mkdir -p blocked/s.npy && echo old >blocked/e.npy && echo old >blocked/c.npy
check multi-none 1 "$bnnc" run multi.bnn --input "$1" --input "$2" --input "$3" --output blocked &&
    grep -q "cannot write 'blocked/s.npy'" err && [ "$(cat blocked/e.npy)" = old ] &&
    [ "$(cat blocked/c.npy)" = old ] && [ "$(ls blocked | tr '\n' ' ')" = "c.npy e.npy s.npy " ] &&
    ok || ko "a failed output left the others written"
# b1 inputs may also be int8 -1/+1: the same signs give the same result.
$py "$tool" write bits8.npy '|i1' 8 1 -1 -1 1 1 1 -1 1
$py "$tool" write bitsf.npy '<f4' 8 0 -0.5 -2 3 0.25 1 -1e-3 7
check b1-int8 0 "$bnnc" run multi.bnn --input "$1" --input bits8.npy --input "$3" --output o8/ &&
    check b1-float 0 "$bnnc" run multi.bnn --input "$1" --input bitsf.npy --input "$3" --output of/ &&
    cmp -s o8/e.npy of/e.npy && ok || ko "b1 input as int8 and as float"
# One output into a folder: OUT/NAME.npy.
check one-into-dir 0 "$bnnc" run mine.bnn --weights w.safetensors --input x.npy --output existing &&
    cmp -s existing/z.npy z.npy && ok || ko "one output into a folder"

# Batches (docs/weights.md section 3): an array [N] + the input's shape is
# N items, and every output comes stacked, [N] + its shape, each slice the
# bytes of that item run alone. lenet_bin (f32), and multi (u8, b1 as
# int8, bool and float32, i32; three outputs, a b1 among them).
$py - <<'PY' || ko "batch inputs"
import numpy as np
r = np.random.default_rng(5)
items = r.uniform(-1, 1, (4, 28, 28, 1)).astype(np.float32)
np.save("lenet_batch.npy", items)
for k in range(4):
    np.save("lenet_item%d.npy" % k, items[k])
img, kk = r.integers(0, 256, (3, 4, 4, 2), dtype=np.uint8), r.integers(-100, 100, (3, 3), dtype=np.int32)
bits = r.choice(np.array([-1, 1], np.int8), (3, 8))
np.save("img3.npy", img)
np.save("k3.npy", kk)
b1 = {"i8": bits, "bool": bits > 0, "f32": (bits * r.uniform(0, 2, (3, 8))).astype(np.float32)}
for name, v in b1.items():
    np.save("bits3_%s.npy" % name, v)
    for k in range(3):
        np.save("bits3_%s_%d.npy" % (name, k), v[k])
for k in range(3):
    np.save("img3_%d.npy" % k, img[k])
    np.save("k3_%d.npy" % k, kk[k])
PY
# slices_equal BATCH ITEM_PATTERN N: BATCH's shape is [N] + the item's, and
# its slice k has the bytes of the file ITEM_PATTERN with %d replaced by k
# (item k run alone).
slices_equal() {
    $py - "$@" <<'PY'
import sys, numpy as np
batch, pattern, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
b = np.load(batch)
for k in range(n):
    one = np.load(pattern % k)
    assert b.shape == (n,) + one.shape and b.dtype == one.dtype, (b.shape, one.shape)
    assert b[k].tobytes() == one.tobytes(), "item %d differs" % k
PY
}
check batch-lenet 0 "$bnnc" run "$lenet" --seed 3 --input lenet_batch.npy --output lenet_batch_out.npy &&
    for k in 0 1 2 3; do
        "$bnnc" run "$lenet" --seed 3 --input lenet_item$k.npy --output lenet_one$k.npy 2>/dev/null ||
            ko "lenet item $k alone"
    done &&
    slices_equal lenet_batch_out.npy lenet_one%d.npy 4 && ok || ko "lenet: a batch of 4 against each alone"
for b1 in i8 bool f32; do
    mkdir -p "mb_$b1"
    for k in 0 1 2; do
        "$bnnc" run multi.bnn --seed 4 --input img3_$k.npy --input bits3_${b1}_$k.npy \
            --input k3_$k.npy --output "mb_$b1/$k/" 2>/dev/null || ko "multi item $k alone ($b1)"
    done
    if check "batch-multi-$b1" 0 "$bnnc" run multi.bnn --seed 4 --input img3.npy \
        --input bits3_$b1.npy --input k3.npy --output "mb_$b1/all/" &&
        slices_equal "mb_$b1/all/s.npy" "mb_$b1/%d/s.npy" 3 &&
        slices_equal "mb_$b1/all/e.npy" "mb_$b1/%d/e.npy" 3 &&
        slices_equal "mb_$b1/all/c.npy" "mb_$b1/%d/c.npy" 3; then ok; else ko "multi: a batch of 3 ($b1 bits)"; fi
done
cmp -s mb_i8/all/e.npy mb_f32/all/e.npy && cmp -s mb_i8/all/e.npy mb_bool/all/e.npy && ok ||
    ko "a b1 batch as int8, bool and float32 gives different results"
# A batch of one is [1] + shape, and gives [1] + each output's shape.
$py -c "import numpy as np; np.save('x1.npy', np.load('x.npy')[None])"
check batch-one 0 "$bnnc" run mine.bnn --weights w.safetensors --input x1.npy --output z1.npy &&
    [ "$($py "$tool" print z1.npy)" = "<f4 (1, 2) 11 0" ] && ok || ko "a batch of one: $($py "$tool" print z1.npy)"

# An input whose first dimension is 1 (a model's batch of one, as an import
# makes it) also takes [N] + the rest: N items along that dimension; an
# output whose first dimension is 1 then has N there, any other gets [N]
# in front. [N, 1, ...] still stacks.
cat >axis.bnn <<'EOF'
bnn 1;
network axis {
    input x : f32[1, 4, 2];
    c = conv2d(x, filters = 3, kernel = 1);
    d = dense(flatten(c), units = 5);
    output c, d;
}
EOF
$py - <<'PY' || ko "axis inputs"
import numpy as np
r = np.random.default_rng(6)
x = r.uniform(-1, 1, (5, 4, 2)).astype(np.float32)
np.save("ax.npy", x)
np.save("ax_stacked.npy", x[:, None])
for k in range(5):
    np.save("ax%d.npy" % k, x[k:k + 1])
PY
for k in 0 1 2 3 4; do
    "$bnnc" run axis.bnn --input ax$k.npy --output ax_one$k/ 2>/dev/null || ko "axis item $k alone"
done
check batch-axis 0 "$bnnc" run axis.bnn --input ax.npy --output ax_all/ &&
    $py - <<'PY' && ok || ko "a batch along the first dimension"
import numpy as np
c, d = np.load("ax_all/c.npy"), np.load("ax_all/d.npy")
assert c.shape == (5, 4, 3) and d.shape == (5, 5), (c.shape, d.shape)
for k in range(5):
    assert np.load("ax_one%d/c.npy" % k).shape == (1, 4, 3)
    assert c[k:k + 1].tobytes() == np.load("ax_one%d/c.npy" % k).tobytes()
    assert d[k].tobytes() == np.load("ax_one%d/d.npy" % k).tobytes()
PY
check batch-axis-stacked 0 "$bnnc" run axis.bnn --input ax_stacked.npy --output ax_st/ &&
    $py - <<'PY' && ok || ko "[N, 1, ...] stacks"
import numpy as np
c, d = np.load("ax_st/c.npy"), np.load("ax_st/d.npy")
assert c.shape == (5, 1, 4, 3) and d.shape == (5, 5), (c.shape, d.shape)
assert c.tobytes() == np.load("ax_all/c.npy").tobytes()
assert d.tobytes() == np.load("ax_all/d.npy").tobytes()
PY

# Errors in the input: exit 1, and no output file (an old one stays as it was).
echo old >keep.npy
expect_none() { # NAME WANT_RC TEXT COMMAND...
    name=$1 want=$2 text=$3
    shift 3
    if check "$name" "$want" "$@" && grep -q -- "$text" err && [ "$(cat keep.npy)" = old ] &&
        ! ls | grep -q 'keep.npy.tmp'; then ok; else ko "$name (want \"$text\")"; fi
}
expect_none bad-weights-shape 1 "tensor 'z.batchnorm.gamma' has shape \[3\]; layer 'z.batchnorm' (batchnorm) wants \[2\]" \
    "$bnnc" run mine.bnn --weights bad-shape.safetensors --input x.npy --output keep.npy
expect_none missing-tensor 1 "tensor 'z.batchnorm.variance' is missing" \
    "$bnnc" run mine.bnn --weights missing.safetensors --input x.npy --output keep.npy
head -c 20 w.safetensors >cut.safetensors
expect_none truncated-weights 1 "is truncated" \
    "$bnnc" run mine.bnn --weights cut.safetensors --input x.npy --output keep.npy
expect_none no-weights-file 1 "cannot open the weights 'nope.safetensors'" \
    "$bnnc" run mine.bnn --weights nope.safetensors --input x.npy --output keep.npy
$py "$tool" write x3.npy '<f4' 3 1 2 3
expect_none input-shape 1 "'x3.npy' has shape \[3\]; input 'x' is f32\[2\]" \
    "$bnnc" run mine.bnn --weights w.safetensors --input x3.npy --output keep.npy
$py "$tool" write xi.npy '<i4' 2 1 2
expect_none input-type 1 "'xi.npy' holds int32; input 'x' is f32\[2\], given as float32" \
    "$bnnc" run mine.bnn --weights w.safetensors --input xi.npy --output keep.npy
head -c 100 x.npy >xcut.npy
expect_none input-truncated 1 "'xcut.npy' is truncated" \
    "$bnnc" run mine.bnn --weights w.safetensors --input xcut.npy --output keep.npy
expect_none input-missing 1 "cannot open 'nope.npy'" \
    "$bnnc" run mine.bnn --weights w.safetensors --input nope.npy --output keep.npy
printf 'bnn 1;\nnetwork n { input x : f32[2]; y = relu(z); output y; }\n' >bad.bnn
expect_none bnn-error 1 "^bad.bnn:2:40: error: undefined name 'z'" \
    "$bnnc" run bad.bnn --input x.npy --output keep.npy
expect_none no-network 1 "declares no network" \
    "$bnnc" run "$root/examples/targets.bnn" --input x.npy --output keep.npy
expect_none unknown-network 1 "no network called 'other'" \
    "$bnnc" run mine.bnn --network other --input x.npy --output keep.npy
expect_none no-folder 1 "cannot write 'nodir/y.npy'" \
    "$bnnc" run mine.bnn --weights w.safetensors --input x.npy --output nodir/y.npy
[ ! -e nodir ] && ok || ko "a folder was made for a file output"

# Binary weights by the file's encoding (docs/weights.md section 1): I8
# stored 0/1 is an error naming the tensor, the element and its value;
# with "bnnc.binary_encoding": "01" in the metadata it is the -1/+1 file.
printf 'bnn 1;\nnetwork bin { input x : b1[3]; y = bdense(x, units = 2); output y; }\n' >bin.bnn
$py "$tool" write xb.npy '|i1' 3 1 -1 1
$py "$tool" safetensors pm1.safetensors y.weight:I8:3,2:1,-1,-1,1,1,1
$py "$tool" safetensors zo.safetensors y.weight:I8:3,2:1,0,0,1,1,1
$py "$tool" safetensors zo_meta.safetensors y.weight:I8:3,2:1,0,0,1,1,1 meta:bnnc.binary_encoding=01
expect_none binary-01 1 "'zo.safetensors': tensor 'y.weight' holds 0 at element 1 \[0, 1\]; binary weights stored as I8 must be -1 or +1; a file that stores them otherwise says so in its \"__metadata__\": \"bnnc.binary_encoding\": \"01\" (0 is -1, 1 is +1) or \"sign\" (v >= 0 is +1)" \
    "$bnnc" run bin.bnn --weights zo.safetensors --input xb.npy --output keep.npy
# By hand: x = (1, -1, 1), w = [[1, -1], [-1, 1], [1, 1]]: y = (1 + 1 + 1, -1 - 1 + 1) = (3, -1).
check binary-pm1 0 "$bnnc" run bin.bnn --weights pm1.safetensors --input xb.npy --output ypm1.npy &&
    [ "$($py "$tool" print ypm1.npy)" = "<i4 (2,) 3 -1" ] &&
    check binary-01-meta 0 "$bnnc" run bin.bnn --weights zo_meta.safetensors --input xb.npy --output y01.npy &&
    cmp -s ypm1.npy y01.npy && ok || ko "binary weights: -1/+1, and 0/1 with \"01\""

# Batch errors: a shape that is neither the input's nor a batch of it, no
# items, inputs of different batch sizes or given different ways (each
# naming both files), outputs past 2 GiB, an input past 2 GiB.
$py - <<'PY'
import numpy as np
np.save("x0.npy", np.zeros((0, 2), np.float32))
np.save("x23.npy", np.zeros((2, 3), np.float32))
np.save("img2.npy", np.zeros((2, 4, 4, 2), np.uint8))
np.save("ax_bad.npy", np.zeros((3, 4, 3), np.float32))
np.save("ax0.npy", np.zeros((0, 4, 2), np.float32))
np.save("tall.npy", np.zeros((1000, 1, 1, 1), np.uint8))
np.save("a_axis.npy", np.zeros((3, 1, 2), np.float32))
np.save("b_stacked.npy", np.zeros((3, 1, 1, 2), np.float32))
PY
expect_none batch-shape 1 "'x23.npy' has shape \[2, 3\]; input 'x' is f32\[2\]: give it as \[2\], or as \[N, 2\] for a batch of N items" \
    "$bnnc" run mine.bnn --weights w.safetensors --input x23.npy --output keep.npy
expect_none batch-shape-axis 1 "'ax_bad.npy' has shape \[3, 4, 3\]; input 'x' is f32\[1, 4, 2\]: give it as \[1, 4, 2\], or as \[N, 4, 2\] or \[N, 1, 4, 2\] for a batch of N items" \
    "$bnnc" run axis.bnn --input ax_bad.npy --output outb/
expect_none batch-zero 1 "'x0.npy' has shape \[0, 2\]: a batch of no items; input 'x' is f32\[2\]" \
    "$bnnc" run mine.bnn --weights w.safetensors --input x0.npy --output keep.npy
expect_none batch-zero-axis 1 "'ax0.npy' has shape \[0, 4, 2\]: a batch of no items; input 'x' is f32\[1, 4, 2\]" \
    "$bnnc" run axis.bnn --input ax0.npy --output outb/
expect_none batch-count 1 "'bits3_i8.npy' holds 3 items (shape \[3, 8\]), but 'img2.npy' holds 2 items (shape \[2, 4, 4, 2\]); every input must hold as many items" \
    "$bnnc" run multi.bnn --input img2.npy --input bits3_i8.npy --input k3.npy --output outb/
expect_none batch-count-one 1 "'bits3_i8.npy' holds 3 items (shape \[3, 8\]), but 'img3_0.npy' holds one item (shape \[4, 4, 2\])" \
    "$bnnc" run multi.bnn --input img3_0.npy --input bits3_i8.npy --input k3_0.npy --output outb/
[ ! -e outb ] && ok || ko "a folder was left after a batch error"
cat >two.bnn <<'EOF'
bnn 1;
network two {
    input a : f32[1, 1, 2];
    input b : f32[1, 1, 2];
    s = add(a, b);
    output s;
}
EOF
expect_none batch-ways 1 "'b_stacked.npy' stacks its items (\[N\] + the input's shape), but 'a_axis.npy' holds its items along the input's first dimension (1, a batch of one); give every input the same way" \
    "$bnnc" run two.bnn --input a_axis.npy --input b_stacked.npy --output keep.npy
cat >tall.bnn <<'EOF'
bnn 1;
network tall {
    input x : u8[1, 1, 1];
    y = depthwise_conv2d(x, kernel = 1, multiplier = 1000000);
    output y;
}
EOF
expect_none batch-outputs 1 "'tall.npy' holds 1000 items; the outputs of network 'tall' for them take more than the 2048 MiB bnnc run writes (4000000 bytes an item): run the batch in parts" \
    "$bnnc" run tall.bnn --input tall.npy --output keep.npy
printf 'bnn 1;\nnetwork wide_in { input x : f32[1000]; y = dense(x, units = 1); output y; }\n' >wide_in.bnn
$py - <<'PY'
import struct
d = "{'descr': '<f4', 'fortran_order': False, 'shape': (600000, 1000), }"
d += " " * ((64 - (10 + len(d) + 1) % 64) % 64) + "\n"
open("big.npy", "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode())
PY
expect_none batch-input-bytes 1 "'big.npy' has shape \[600000, 1000\]: 2400000000 bytes of data, more than the 2048 MiB bnnc reads" \
    "$bnnc" run wide_in.bnn --input big.npy --output keep.npy

# Networks too large for bnnc to hold in memory: an error at the layer
# that passes the limit (2 GiB), never an out-of-memory crash.
cat >wide.bnn <<'EOF'
bnn 1;
network wide {
    input x : f32[100, 100, 1];
    y = depthwise_conv2d(x, kernel = 1, multiplier = 60000);
    output y;
}
EOF
"$bnnc" --dump-ir wide.bnn >wide.ir && wide_in=$($py "$tool" inputs wide.ir . 1) || ko "wide input"
expect_none too-large-tensors 1 "^wide.bnn:4:9: error: running network 'wide' takes more than 2048 MiB of tensors at once at 'y'" \
    "$bnnc" run wide.bnn --input "$wide_in" --output keep.npy
cat >heavy.bnn <<'EOF'
bnn 1;
network heavy {
    input x : f32[100000];
    y = dense(x, units = 10000);
    output y;
}
EOF
"$bnnc" --dump-ir heavy.bnn >heavy.ir && heavy_in=$($py "$tool" inputs heavy.ir . 1) || ko "heavy input"
expect_none too-many-params 1 "^heavy.bnn:4:9: error: the parameters of network 'heavy' take more than 2048 MiB with 'y'" \
    "$bnnc" run heavy.bnn --input "$heavy_in" --output keep.npy

# Bad usage: exit 2.
expect_none no-args 2 "no network file" "$bnnc" run
expect_none no-input 2 "no --input" "$bnnc" run mine.bnn --output keep.npy
expect_none no-output 2 "no --output" "$bnnc" run mine.bnn --input x.npy
expect_none unknown-option 2 "unknown option '--frob'" \
    "$bnnc" run mine.bnn --frob --input x.npy --output keep.npy
expect_none option-near 2 "unknown option '--inptu'; did you mean '--input'?" \
    "$bnnc" run mine.bnn --inptu x.npy --output keep.npy
expect_none weights-and-seed 2 "--weights and --seed do not go together" \
    "$bnnc" run mine.bnn --weights w.safetensors --seed 2 --input x.npy --output keep.npy
expect_none bad-seed 2 "--seed takes a whole number" \
    "$bnnc" run mine.bnn --seed -3 --input x.npy --output keep.npy
expect_none seed-no-value 2 "option '--seed' needs a value" "$bnnc" run mine.bnn --seed
expect_none input-count 2 "network 'mine' has 1 input ('x'), but 2 --input are given" \
    "$bnnc" run mine.bnn --input x.npy --input x.npy --output keep.npy
expect_none multi-to-file 2 "network 'multi' has 3 outputs; --output must name a folder" \
    "$bnnc" run multi.bnn --input "$1" --input "$2" --input "$3" --output keep.npy
check run-help 0 "$bnnc" run --help && grep -q '^usage: bnnc run FILE' out && ok || ko "run --help"
check main-help 0 "$bnnc" --help && grep -q 'bnnc run FILE' out && ok || ko "--help names run"
grep -q 'bnnc run' "$root/docs/bnnc.1" && ok || ko "the man page lacks bnnc run"

summary run
