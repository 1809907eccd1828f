#!/bin/sh
# emit.sh BNNC ROOT: the options of --emit c, its files, --weights and
# --seed, and that an error never leaves a partial output. Run in a
# temporary folder.
bnnc=$1 root=$2
py=/usr/bin/python3
tool=$root/tests/cli/npy_tool.py
. "$root/tests/cli/lib.sh"

cat > mine.bnn <<'BNN'
bnn 1;
network my-net {
    input x : f32[4];
    y = dense(x, units = 2);
    s = sign(batchnorm(y));
    z = bdense(s, units = 3);
    output z;
}
target board {
    clock = 100 MHz; word = 32 bits;
    cost { xnor = 1 cycle; popcount = 1 cycle; accumulate = 1 cycle; }
}
BNN
l=$root/examples/lenet_bin.bnn

check emit 0 "$bnnc" $l --target cortex-m4 --emit c -o out1 && [ -f out1/lenet_bin.h ] &&
    [ -f out1/lenet_bin.c ] && [ -f out1/lenet_bin_weights.c ] &&
    [ "$(ls out1 | tr '\n' ' ')" = "bnn_base.h bnn_binary.h bnn_cortexm.h bnn_elem.h bnn_flavour.h bnn_float.h bnn_fused.h bnn_kernels.h bnn_portable.h bnn_scalar.h bnn_shape.h lenet_bin.c lenet_bin.h lenet_bin_weights.c " ] &&
    cmp out1/bnn_cortexm.h "$root/runtime/bnn_cortexm.h" && cmp out1/bnn_kernels.h "$root/runtime/bnn_kernels.h" &&
    grep -q "warning: no --weights: the parameters are pseudo-random (seed 1)" err &&
    grep -q '^#define LENET_BIN_RANDOM_WEIGHTS 1$' out1/lenet_bin.h && [ ! -s out ] && ok || ko emit
# The arena is the report's peak activation memory.
"$bnnc" $l --target cortex-m4 --report --format json > r.json
arena=$($py -c "import json; print(json.load(open('r.json'))['memory']['activation_bytes'])")
grep -q "^#define LENET_BIN_ARENA_BYTES $arena\$" out1/lenet_bin.h && ok || ko "arena = report's activations"
# Deterministic: the same seed gives the same files; another seed other weights.
check emit-again 0 "$bnnc" $l --target cortex-m4 --emit c -o out2 &&
    cmp -s out1/lenet_bin_weights.c out2/lenet_bin_weights.c && cmp -s out1/lenet_bin.c out2/lenet_bin.c && ok || ko deterministic
check seed 0 "$bnnc" $l --target cortex-m4 --emit c -o out3 --seed 9 &&
    ! cmp -s out1/lenet_bin_weights.c out3/lenet_bin_weights.c && grep -q 'seed 9' err && ok || ko seed
# Names become C identifiers; the target can be the file's own.
check ident 0 "$bnnc" mine.bnn --target board --emit c -o o4 && [ -f o4/my_net.h ] &&
    grep -q 'void my_net_infer(const float \*in_x, int32_t \*out_z);' o4/my_net.h && ok || ko ident
# Names that would become the same C names (docs/codegen.md, "Names"):
# refused at the second, with a note at the first, exit 1, nothing written
# and the old files kept. Inputs that differ only in case (the header
# defined NET_IN_IMG_SIZE twice, 4 and 8), in '-' and '_', outputs in '.'
# (a repeat's r.2) and '_'.
cat > case.bnn <<'BNN'
bnn 1;
network net {
    input img : f32[4];
    input IMG : f32[8];
    a = relu(img);
    b = relu(IMG);
    output a, b;
}
BNN
mkdir keep2 && echo mine > keep2/net.h
check case-clash 1 "$bnnc" case.bnn --target cortex-m4 --emit c -o keep2 &&
    grep -q "^case.bnn:4:11: error: input 'IMG' and input 'img' would both define NET_IN_IMG_SIZE in the generated C" err &&
    grep -q "^case.bnn:3:11: note: input 'img' is declared here" err && [ "$(grep -c error: err)" -eq 1 ] &&
    [ "$(cat keep2/net.h)" = mine ] && [ "$(ls keep2 | wc -l)" -eq 1 ] && ok || ko "inputs differing in case"
check case-clash-new 1 "$bnnc" case.bnn --target cortex-m4 --emit c -o n1 && [ ! -e n1 ] && ok ||
    ko "inputs differing in case: a folder written"
cat > mangle.bnn <<'BNN'
bnn 1;
block twice(x) {
    y = relu(x);
    return add(x, y);
}
network net {
    input a-b : f32[4];
    input a_b : f32[4];
    r = repeat 3 twice(a-b);
    r_2 = relu(a_b);
    output r, r_2;
}
BNN
check mangle-clash 1 "$bnnc" mangle.bnn --target cortex-m4 --emit c -o n2 &&
    grep -q "^mangle.bnn:8:11: error: input 'a_b' and input 'a-b' would both define NET_IN_A_B_SIZE" err &&
    grep -q "^mangle.bnn:7:11: note: input 'a-b' is declared here" err &&
    grep -q "^mangle.bnn:10:11: error: output 'r_2' and output 'r.2' would both define NET_OUT_R_2_SIZE" err &&
    grep -q "^mangle.bnn:4:12: note: output 'r.2' is defined here" err && [ ! -e n2 ] && ok ||
    ko "names differing in '-', '.' and '_'"
# A parameter that would hide a weights array (network 'out', output 'w1':
# out_w1 is the second array); out_w2 is no array, and is accepted.
cat > shadow.bnn <<'BNN'
bnn 1;
network out {
    input x : f32[4];
    w0 = dense(x, units = 3);
    w1 = dense(w0, units = 3);
    w2 = relu(w1);
    output w2, w1;
}
BNN
check param-clash 1 "$bnnc" shadow.bnn --target cortex-m4 --emit c -o n3 &&
    grep -q "^shadow.bnn:5:10: error: output 'w1' would be the C parameter 'out_w1', which is also the name of a weights array of network 'out'" err &&
    grep -q "^shadow.bnn:2:9: note: network 'out' is declared here" err && [ ! -e n3 ] && ok ||
    ko "a parameter hiding a weights array"
sed 's/output w2, w1;/output w2;/' shadow.bnn > shadow2.bnn
check param-ok 0 "$bnnc" shadow2.bnn --target cortex-m4 --emit c -o n5 &&
    cc -std=c99 -Wall -Wextra -Wshadow -Werror -c -o n5/out.o n5/out.c && ok || ko "out_w2 is no array"
# Network names whose C names clash with the C library's: a header that
# hides <math.h> under -I (in any case: some file systems ignore it), names
# that begin with '_' (_NET_H could be the library's own include guard).
for n in math:2:9 Stdio:2:9 _net:2:9; do
    printf 'bnn 1;\nnetwork %s {\n    input x : f32[4];\n    y = relu(x);\n    output y;\n}\n' "${n%%:*}" > lib.bnn
    check "lib-${n%%:*}" 1 "$bnnc" lib.bnn --target cortex-m4 --emit c -o n4 &&
        grep -q "^lib.bnn:${n#*:}: error: .*network '${n%%:*}'" err && [ ! -e n4 ] && ok || ko "network '${n%%:*}'"
done
# The kernel library's headers go next to NAME.h: a network of one of
# their names (any target's, in any case) is refused.
for n in bnn_kernels BNN_Base bnn_avx2; do
    printf 'bnn 1;\nnetwork %s {\n    input x : f32[4];\n    y = relu(x);\n    output y;\n}\n' "$n" > lib.bnn
    case $n in BNN_Base) fs=" on a file system that ignores case" ;; *) fs="" ;; esac
    check "lib-$n" 1 "$bnnc" lib.bnn --target cortex-m4 --emit c -o n4 &&
        grep -q "^lib.bnn:2:9: error: network '$n' would be written to '$n.h', the name of a header of bnnc's kernel library written next to it$fs; rename the network$" err &&
        [ ! -e n4 ] && ok || ko "network '$n'"
done
# Every macro of the header is defined once, on the examples and networks
# with names that are close but not the same.
cat > close.bnn <<'BNN'
bnn 1;
network close {
    input img : f32[4];
    input img2 : f32[4];
    input img_2 : f32[4];
    a = add(img, img2);
    b = add(a, img_2);
    output b, a;
}
BNN
check close 0 "$bnnc" close.bnn --target cortex-m4 --emit c -o n6 && ok || ko close
for h in n6/close.h out1/lenet_bin.h; do
    [ -z "$(awk '$1 == "#define" { print $2 }' $h | sort | uniq -d)" ] && ok || ko "a macro defined twice in $h"
done
# --weights: a file for mine.bnn; the program it makes computes what bnnc run does.
$py "$tool" safetensors w.safetensors y.weight:F32:4,2:1,-2,0.5,1,-1,0.25,2,-0.5 \
    s.batchnorm.gamma:F32:2:1,-1 s.batchnorm.beta:F32:2:0,0.5 s.batchnorm.mean:F32:2:0.1,0 \
    s.batchnorm.variance:F32:2:1,2 z.weight:I8:2,3:1,-1,1,-1,-1,1 || ko "npy_tool"
check weights 0 "$bnnc" mine.bnn --target board --emit c -o o5 --weights w.safetensors &&
    ! grep -q RANDOM_WEIGHTS o5/my_net.h && ! grep -q warning err && ok || ko weights
cat > main.c <<'C'
#include <stdio.h>
#include "my_net.h"
int main(void) {
    const float x[4] = {0.5f, -1.0f, 2.0f, 0.25f};
    int32_t z[3];
    my_net_infer(x, z);
    printf("%d %d %d\n", (int)z[0], (int)z[1], (int)z[2]);
    return 0;
}
C
$py "$tool" write x.npy '<f4' 4 0.5 -1 2 0.25
if cc -std=c99 -Wall -Wextra -Werror -Io5 -o prog main.c o5/my_net.c o5/my_net_weights.c -lm &&
    "$bnnc" run mine.bnn --weights w.safetensors --input x.npy --output z.npy 2>/dev/null; then
    ref=$($py "$tool" print z.npy | sed 's/^<i4 (3,) //')
    got=$(./prog)
    # By hand: w = [[1, -2], [0.5, 1], [-1, 0.25], [2, -0.5]], so y = x . w =
    # (0.5 - 0.5 - 2 + 0.5, -1 - 1 + 0.5 - 0.125) = (-1.5, -1.625); the
    # batchnorm gives (-1.6 / sqrt(1.001), 1.625 / sqrt(2.001) + 0.5), signs
    # (-1, +1); z = (-1 - 1, 1 - 1, -1 + 1) = (-2, 0, 0).
    [ "$got" = "-2 0 0" ] && [ "$ref" = "-2 0 0" ] && ok ||
        ko "weights: program printed '$got', bnnc run '$ref', by hand '-2 0 0'"
else
    ko "weights program"
fi
# Binary weights stored 0/1 (docs/weights.md section 1): an error naming
# the tensor and the element, nothing written; with "bnnc.binary_encoding":
# "01" in the file's metadata, the weights of the -1/+1 file.
$py "$tool" safetensors w01.safetensors y.weight:F32:4,2:1,-2,0.5,1,-1,0.25,2,-0.5 \
    s.batchnorm.gamma:F32:2:1,-1 s.batchnorm.beta:F32:2:0,0.5 s.batchnorm.mean:F32:2:0.1,0 \
    s.batchnorm.variance:F32:2:1,2 z.weight:I8:2,3:1,0,1,0,0,1
check weights-01 1 "$bnnc" mine.bnn --target board --emit c -o o01 --weights w01.safetensors &&
    grep -qF "'w01.safetensors': tensor 'z.weight' holds 0 at element 1 [0, 1]; binary weights stored as I8 must be -1 or +1" err &&
    [ ! -e o01 ] && ok || ko "I8 0/1 weights without an encoding"
$py "$tool" safetensors w01.safetensors y.weight:F32:4,2:1,-2,0.5,1,-1,0.25,2,-0.5 \
    s.batchnorm.gamma:F32:2:1,-1 s.batchnorm.beta:F32:2:0,0.5 s.batchnorm.mean:F32:2:0.1,0 \
    s.batchnorm.variance:F32:2:1,2 z.weight:I8:2,3:1,0,1,0,0,1 meta:bnnc.binary_encoding=01
check weights-01-meta 0 "$bnnc" mine.bnn --target board --emit c -o o01 --weights w01.safetensors &&
    cmp -s o01/my_net_weights.c o5/my_net_weights.c && ok || ko "I8 0/1 weights with \"01\""
# Bad weights: an error naming the tensor, exit 1, nothing written.
$py "$tool" safetensors bad.safetensors y.weight:F32:2,4:1,-2,0.5,1,-1,0.25,2,-0.5 \
    s.batchnorm.gamma:F32:2:1,-1 s.batchnorm.beta:F32:2:0,0.5 s.batchnorm.mean:F32:2:0.1,0 \
    s.batchnorm.variance:F32:2:1,2 z.weight:I8:2,3:1,-1,1,-1,-1,1
check bad-weights 1 "$bnnc" mine.bnn --target board --emit c -o o6 --weights bad.safetensors &&
    grep -q "y.weight" err && [ ! -e o6 ] && ok || ko "misshaped tensor: error, no folder"
mkdir keep && echo mine > keep/my_net.h
check bad-weights-keep 1 "$bnnc" mine.bnn --target board --emit c -o keep --weights bad.safetensors &&
    [ "$(cat keep/my_net.h)" = mine ] && [ "$(ls keep | wc -l)" -eq 1 ] && ok || ko "error keeps the old files"
check missing-weights 1 "$bnnc" mine.bnn --target board --emit c -o o7 --weights nope.safetensors &&
    [ ! -e o7 ] && ok || ko missing-weights
# Into an existing folder: our files replaced, others kept; no temporary left.
echo other > keep/notes.txt
check existing 0 "$bnnc" mine.bnn --target board --emit c -o keep --weights w.safetensors &&
    [ "$(cat keep/notes.txt)" = other ] && grep -q my_net_infer keep/my_net.h && ok || ko existing
[ -z "$(ls -d keep.bnnc-* o*.bnnc-* keep/*.tmp* 2>/dev/null)" ] && ok || ko "temporary left"
# Networks too large for the generated code (32-bit indices), or whose
# parameters bnnc cannot hold: an error at the layer, nothing written.
cat > wide.bnn <<'BNN'
bnn 1;
network wide {
    input x : f32[100, 100, 1];
    y = depthwise_conv2d(x, kernel = 1, multiplier = 300000);
    output y;
}
BNN
check too-large-tensor 1 "$bnnc" wide.bnn --target cortex-m4 --emit c -o o9 &&
    grep -q "^wide.bnn:4:9: error: 'y' is too large for the C back end: f32\[100,100,300000\]" err &&
    [ ! -e o9 ] && ok || ko too-large-tensor
cat > wide2.bnn <<'BNN'
bnn 1;
network wide2 {
    input x : f32[100, 100, 1];
    y = depthwise_conv2d(x, kernel = 1, multiplier = 30000);
    z = depthwise_conv2d(x, kernel = 1, multiplier = 30000);
    a = add(y, z);
    output a;
}
BNN
check too-large-arena 1 "$bnnc" wide2.bnn --target cortex-m4 --emit c -o o9 &&
    grep -q "^wide2.bnn:2:9: error: the activations of network 'wide2' need an arena of 3600040000 bytes" err &&
    [ ! -e o9 ] && ok || ko too-large-arena
cat > heavy.bnn <<'BNN'
bnn 1;
network heavy {
    input x : f32[100000];
    y = dense(x, units = 10000);
    output y;
}
BNN
check too-many-params 1 "$bnnc" heavy.bnn --target cortex-m4 --emit c -o o9 &&
    grep -q "^heavy.bnn:4:9: error: the parameters of network 'heavy' take more than 2048 MiB with 'y'" err &&
    [ ! -e o9 ] && ok || ko too-many-params
# A new folder named with a trailing slash: made, the temporaries inside it
# gone (tests/cli/outputs.sh tests the other output paths).
check slash 0 "$bnnc" mine.bnn --target board --emit c -o new/ --seed 2 && [ -f new/my_net.h ] &&
    [ -z "$(ls -d new.bnnc-* new/.bnnc-* new/*.tmp* 2>/dev/null)" ] && ok || ko "-o new/"
echo file > afile
check o-file 1 "$bnnc" mine.bnn --target board --emit c -o afile && grep -q "'afile' exists and is not a folder" err && ok || ko o-file
# Usage errors.
check no-target 2 "$bnnc" mine.bnn --emit c -o o8 && ok || ko no-target
check no-dir 2 "$bnnc" mine.bnn --target board --emit c && ok || ko no-dir
check emit-what 2 "$bnnc" mine.bnn --target board --emit asm -o o8 && grep -q "not 'asm'" err && ok || ko emit-what
check both 2 "$bnnc" mine.bnn --target board --emit c -o o8 --weights w.safetensors --seed 3 && ok || ko both
check seed-alone 2 "$bnnc" mine.bnn --seed 3 && ok || ko seed-alone
check seed-bad 2 "$bnnc" mine.bnn --target board --emit c -o o8 --seed -1 && ok || ko seed-bad
[ ! -e o8 ] && ok || ko "usage errors wrote o8"
for opt in --emit --weights --seed; do
    grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$root/docs/bnnc.1" && ok || ko "man page lacks $opt"
    "$bnnc" --help | grep -q -- "$opt" && ok || ko "--help lacks $opt"
done

summary emit
