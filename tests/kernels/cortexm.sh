#!/bin/sh
# cortexm.sh TEST_KERNELS ROOT: the DSP path of bnn_cortexm.h (the `swar`
# flavour's USADA8, under __ARM_FEATURE_DSP), which the x86 host does not
# compile, under qemu-arm. qemu's user mode runs no M-profile CPU, so the
# programs are Thumb-2 for a Cortex-A7 (arm-linux-gnueabihf-gcc -static
# -mcpu=cortex-a7 -mthumb: ARMv7 with the DSP extension, the instructions
# that Cortex-M4/M7 code uses), -std=c99 -Wall -Wextra -Werror:
#   - tests/kernels/cortexm_pop.c, every piece and block of the flavour
#     against a bit-by-bit count (the object must contain USADA8);
#   - every case of tests/kernels/cases.c through bnn_cortexm.h
#     (tests/kernels/neon_main.c with the cortexm32 runner), against the
#     interpreter's outputs that test_kernels writes on the host, to the bit.
# Without the cross compiler or qemu-arm the test is skipped (exit 77).
tk=$1 root=$2
. "$root/tests/kernels/cross.sh"
need kernels.cortexm arm-linux-gnueabihf-gcc qemu-arm
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
k=$root/tests/kernels
cc="arm-linux-gnueabihf-gcc -static -std=c99 -O2 -Wall -Wextra -Werror -mcpu=cortex-a7 -mthumb"
cc="$cc -I$root/runtime -I$k"
$cc -o "$tmp/pop" "$k/cortexm_pop.c" || exit 1
if ! arm-linux-gnueabihf-objdump -d "$tmp/pop" | grep -q usada8; then
    echo "FAIL: cortexm_pop built for Thumb-2 with DSP has no USADA8"
    exit 1
fi
qemu-arm "$tmp/pop" || exit 1
"$tk" --write-expected "$tmp/expected" || { echo "test_kernels --write-expected failed"; exit 1; }
$cc '-DBNN_FLAVOUR="bnn_cortexm.h"' -DBNN_W=32 -DBNN_NO_FVEC -DKC_RUN=kc_run_cortexm32 \
    -DKC_MAIN_RUN=kc_run_cortexm32 '-DKC_MAIN_NAME="cortexm (Thumb-2, DSP)"' \
    -o "$tmp/cases" "$k/neon_main.c" "$k/cases.c" "$k/runner.c" -lm || exit 1
qemu-arm "$tmp/cases" "$tmp/expected"
