#!/bin/sh
# example.sh BNNC ROOT: the complete programs of docs/codegen.md, taken
# from the page itself, build with -std=c99 -Wall -Wextra -Werror against
# the C emitted for the binary LeNet and classify random images: main.c
# through the static arena, two.c two images through two contexts with
# the arenas its own (-DBNN_NO_STATIC_ARENA), each the class main.c gives.
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
sed -n '/^\/\* two.c: /,/^```$/p' "$root/docs/codegen.md" | sed '$d' > two.c
grep -q 'lenet_bin_invoke(ctx, image, logits)' two.c || { echo "FAIL: no two.c in docs/codegen.md"; exit 1; }
cc -std=c99 -O2 -Wall -Wextra -Werror -DBNN_NO_STATIC_ARENA -Iout -o two two.c out/lenet_bin.c \
    out/lenet_bin_weights.c -lm || { echo "FAIL: two.c does not build"; exit 1; }
head -c 784 /dev/urandom > image2.raw
./two image.raw image2.raw > two.txt || { echo "FAIL: two.c failed"; exit 1; }
./lenet image2.raw > out2.txt || { echo "FAIL: the program failed on image 2"; exit 1; }
want="image 1: $(cut -d' ' -f1-2 out.txt)
image 2: $(cut -d' ' -f1-2 out2.txt)"
[ "$(cat two.txt)" = "$want" ] || { printf 'FAIL: two.c printed\n%s\nexpected\n%s\n' "$(cat two.txt)" "$want"; exit 1; }
./two image.raw < /dev/null 2>err && { echo "FAIL: two.c accepted one image"; exit 1; }
grep -q 'usage: two IMAGE1 IMAGE2' err || { echo "FAIL: no usage message from two.c"; exit 1; }
echo "example: $(cat out.txt); two.c: $(cat two.txt | tr '\n' ' ')"
