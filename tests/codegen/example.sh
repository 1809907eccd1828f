#!/bin/sh
# example.sh BNNC ROOT: the complete program of docs/codegen.md, taken
# from the page itself, builds with -std=c99 -Wall -Wextra -Werror against
# the C emitted for the binary LeNet and classifies a random image.
bnnc=$1 root=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
sed -n '/^\/\* main.c: /,/^```$/p' "$root/docs/codegen.md" | sed '$d' > main.c
grep -q 'lenet_bin_infer(image, logits);' main.c || { echo "FAIL: no program in docs/codegen.md"; exit 1; }
"$bnnc" "$root/examples/lenet_bin.bnn" --target cortex-m7 --emit c -o out 2>err ||
    { cat err; exit 1; }
cc -std=c99 -O2 -Wall -Wextra -Werror -Iout -o lenet main.c out/lenet_bin.c \
    out/lenet_bin_weights.c -lm || { echo "FAIL: the program does not build"; exit 1; }
head -c 784 /dev/urandom > image.raw
./lenet image.raw > out.txt || { echo "FAIL: the program failed"; exit 1; }
grep -Eq '^class [0-9] \(logit -?[0-9.e+-]+\)$' out.txt || { echo "FAIL: output:"; cat out.txt; exit 1; }
./lenet < /dev/null 2>err && { echo "FAIL: no image accepted"; exit 1; }
grep -q 'usage: lenet IMAGE' err || { echo "FAIL: no usage message"; exit 1; }
echo "example: $(cat out.txt)"
