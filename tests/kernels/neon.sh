#!/bin/sh
# neon.sh TEST_KERNELS ROOT: the NEON flavour of the kernel library against
# the interpreter, under qemu-aarch64. test_kernels writes the
# interpreter's outputs of every case; neon_main.c, built with
# aarch64-linux-gnu-gcc -static (-Wall -Wextra -Werror), runs the same
# cases through bnn_neon.h on 64-bit words and compares, to the bit.
# Without the cross compiler or qemu the test is skipped (exit 77), saying
# what is missing.
tk=$1 root=$2
. "$root/tests/kernels/cross.sh"
need kernels.neon aarch64-linux-gnu-gcc qemu-aarch64
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$tk" --write-expected "$tmp/expected" || { echo "test_kernels --write-expected failed"; exit 1; }
k=$root/tests/kernels
aarch64-linux-gnu-gcc -static -std=c99 -O2 -Wall -Wextra -Werror -I"$root/runtime" -I"$k" \
    '-DBNN_FLAVOUR="bnn_neon.h"' -DBNN_W=64 -DKC_RUN=kc_run_neon \
    -o "$tmp/neon" "$k/neon_main.c" "$k/cases.c" "$k/runner.c" -lm || exit 1
qemu-aarch64 "$tmp/neon" "$tmp/expected"
